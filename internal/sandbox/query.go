package sandbox

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// params are the decoded parameters of a Query-protocol request (EC2 query and awsQuery). Keys are
// case-sensitive, as on AWS. Lists are flattened: EC2 uses Name.N, awsQuery uses Name.member.N.
type params url.Values

// str returns the first value of key and whether the key was sent at all.
func (p params) str(key string) (string, bool) {
	v, ok := p[key]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// get returns the first value of key, or "".
func (p params) get(key string) string {
	v, _ := p.str(key)
	return v
}

// boolean parses key as an AWS boolean ("true"/"false", any case). nil means not sent.
func (p params) boolean(key string) (*bool, error) {
	v, ok := p.str(key)
	if !ok {
		return nil, nil
	}
	switch strings.ToLower(v) {
	case "true":
		b := true
		return &b, nil
	case "false":
		b := false
		return &b, nil
	}
	return nil, fmt.Errorf("Value (%s) for parameter %s is invalid. Expected: 'boolean'.", v, key)
}

// integer parses key as a 64-bit integer. nil means not sent.
func (p params) integer(key string) (*int64, error) {
	v, ok := p.str(key)
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("Value (%s) for parameter %s is invalid. Expected: 'integer'.", v, key)
	}
	return &n, nil
}

// indexes returns the sorted distinct N of every key that starts with prefix+"."+N (+ "." or end).
func (p params) indexes(prefix string) []int {
	seen := map[int]bool{}
	pre := prefix + "."
	for k := range p {
		if !strings.HasPrefix(k, pre) {
			continue
		}
		rest := k[len(pre):]
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			rest = rest[:i]
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			continue
		}
		seen[n] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// list returns the values of a flattened list Name.1, Name.2, ... in index order.
func (p params) list(prefix string) []string {
	var out []string
	for _, n := range p.indexes(prefix) {
		if v, ok := p.str(fmt.Sprintf("%s.%d", prefix, n)); ok {
			out = append(out, v)
		}
	}
	return out
}

// valueList returns the values of an EC2 list of value structures: Name.1.Value, Name.2.Value, ...
// nil means the list was not sent.
func (p params) valueList(prefix string) []string {
	idx := p.indexes(prefix)
	if len(idx) == 0 {
		return nil
	}
	out := []string{}
	for _, n := range idx {
		if v, ok := p.str(fmt.Sprintf("%s.%d.Value", prefix, n)); ok {
			out = append(out, v)
		}
	}
	return out
}

// filter is one EC2 Filter.N: a name and the values any of which may match.
type filter struct {
	Name   string
	Values []string
}

// filters decodes Filter.N.Name / Filter.N.Value.M.
func (p params) filters() []filter {
	var out []filter
	for _, n := range p.indexes("Filter") {
		base := fmt.Sprintf("Filter.%d", n)
		out = append(out, filter{Name: p.get(base + ".Name"), Values: p.list(base + ".Value")})
	}
	return out
}

// tag is one resource tag.
type tag struct {
	Key, Value string
	hasValue   bool
}

// tags decodes Prefix.N.Key / Prefix.N.Value.
func (p params) tags(prefix string) []tag {
	var out []tag
	for _, n := range p.indexes(prefix) {
		base := fmt.Sprintf("%s.%d", prefix, n)
		v, has := p.str(base + ".Value")
		out = append(out, tag{Key: p.get(base + ".Key"), Value: v, hasValue: has})
	}
	return out
}

// tagSpecifications decodes TagSpecification.N.ResourceType / TagSpecification.N.Tag.M.*.
func (p params) tagSpecifications() map[string][]tag {
	out := map[string][]tag{}
	for _, n := range p.indexes("TagSpecification") {
		base := fmt.Sprintf("TagSpecification.%d", n)
		rt := p.get(base + ".ResourceType")
		out[rt] = append(out[rt], p.tags(base+".Tag")...)
	}
	return out
}

// memberList returns an awsQuery list Name.member.1, Name.member.2, ...
func (p params) memberList(prefix string) []string {
	return p.list(prefix + ".member")
}

// wildcardMatch matches s against an IAM/EC2-style pattern with '*' (any run) and '?' (one
// character). fold makes the match case-insensitive.
func wildcardMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// Iterative glob with single-star backtracking: linear in practice, no recursion to blow up on
	// hostile patterns.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

package awsapi

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Params are the decoded parameters of a Query-protocol request (EC2 query and awsQuery). Keys are
// case-sensitive, as on AWS. Lists are flattened: EC2 uses Name.N, awsQuery uses Name.member.N.
type Params url.Values

// Str returns the first value of key and whether the key was sent at all.
func (p Params) Str(key string) (string, bool) {
	v, ok := p[key]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// Get returns the first value of key, or "".
func (p Params) Get(key string) string {
	v, _ := p.Str(key)
	return v
}

// Boolean parses key as an AWS boolean ("true"/"false", any case). nil means not sent.
func (p Params) Boolean(key string) (*bool, error) {
	v, ok := p.Str(key)
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

// Integer parses key as a 64-bit integer. nil means not sent.
func (p Params) Integer(key string) (*int64, error) {
	v, ok := p.Str(key)
	if !ok {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("Value (%s) for parameter %s is invalid. Expected: 'integer'.", v, key)
	}
	return &n, nil
}

// Indexes returns the sorted distinct N of every key that starts with prefix+"."+N (+ "." or end).
func (p Params) Indexes(prefix string) []int {
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

// List returns the values of a flattened list Name.1, Name.2, ... in index order.
func (p Params) List(prefix string) []string {
	var out []string
	for _, n := range p.Indexes(prefix) {
		if v, ok := p.Str(fmt.Sprintf("%s.%d", prefix, n)); ok {
			out = append(out, v)
		}
	}
	return out
}

// ValueList returns the values of an EC2 list of value structures: Name.1.Value, Name.2.Value, ...
// nil means the list was not sent.
func (p Params) ValueList(prefix string) []string {
	idx := p.Indexes(prefix)
	if len(idx) == 0 {
		return nil
	}
	out := []string{}
	for _, n := range idx {
		if v, ok := p.Str(fmt.Sprintf("%s.%d.Value", prefix, n)); ok {
			out = append(out, v)
		}
	}
	return out
}

// Filter is one EC2 Filter.N: a name and the values any of which may match.
type Filter struct {
	Name   string
	Values []string
}

// Filters decodes Filter.N.Name / Filter.N.Value.M.
func (p Params) Filters() []Filter {
	var out []Filter
	for _, n := range p.Indexes("Filter") {
		base := fmt.Sprintf("Filter.%d", n)
		out = append(out, Filter{Name: p.Get(base + ".Name"), Values: p.List(base + ".Value")})
	}
	return out
}

// Tag is one resource tag. HasValue tells a tag sent with an empty value from one sent without a value.
type Tag struct {
	Key, Value string
	HasValue   bool
}

// Tags decodes Prefix.N.Key / Prefix.N.Value.
func (p Params) Tags(prefix string) []Tag {
	var out []Tag
	for _, n := range p.Indexes(prefix) {
		base := fmt.Sprintf("%s.%d", prefix, n)
		v, has := p.Str(base + ".Value")
		out = append(out, Tag{Key: p.Get(base + ".Key"), Value: v, HasValue: has})
	}
	return out
}

// TagSpecifications decodes TagSpecification.N.ResourceType / TagSpecification.N.Tag.M.*.
func (p Params) TagSpecifications() map[string][]Tag {
	out := map[string][]Tag{}
	for _, n := range p.Indexes("TagSpecification") {
		base := fmt.Sprintf("TagSpecification.%d", n)
		rt := p.Get(base + ".ResourceType")
		out[rt] = append(out[rt], p.Tags(base+".Tag")...)
	}
	return out
}

// MemberList returns an awsQuery list Name.member.1, Name.member.2, ...
func (p Params) MemberList(prefix string) []string {
	return p.List(prefix + ".member")
}

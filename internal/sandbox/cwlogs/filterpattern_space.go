package cwlogs

import (
	"strconv"
	"strings"
)

// Space-delimited filter patterns: [a, b=x, ..., c<5].

type spaceField struct {
	ellipsis bool
	op       string // "" = any value
	value    string
	isNum    bool
	num      float64
}

func compileSpacePattern(p string) (matcher, *APIError) {
	if !strings.HasSuffix(p, "]") {
		return nil, badPattern("expected ']' at the end of %q", p)
	}
	inner := p[1 : len(p)-1]
	var fields []spaceField
	for _, raw := range splitTopLevelCommas(inner) {
		f := strings.TrimSpace(raw)
		if f == "" {
			return nil, badPattern("empty field in %q", p)
		}
		if f == "..." {
			fields = append(fields, spaceField{ellipsis: true})
			continue
		}
		sf := spaceField{}
		for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
			if i := strings.Index(f, o); i > 0 {
				sf.op = o
				v := strings.TrimSpace(f[i+len(o):])
				if strings.HasPrefix(v, "\"") {
					txt, j, ok := readQuoted(v, 0)
					if !ok || j != len(v) {
						return nil, badPattern("bad quoted value in %q", p)
					}
					v = txt
				} else if n, err := strconv.ParseFloat(v, 64); err == nil {
					sf.isNum, sf.num = true, n
				}
				if sf.op != "=" && sf.op != "!=" && !sf.isNum {
					return nil, badPattern("operator %s needs a numeric value in %q", o, p)
				}
				sf.value = v
				break
			}
		}
		fields = append(fields, sf)
	}
	return func(msg string) bool { return matchSpaceFields(fields, splitSpaceDelimited(msg)) }, nil
}

func splitTopLevelCommas(s string) []string {
	var out []string
	inQ, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			inQ = !inQ
		case ',':
			if !inQ {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// splitSpaceDelimited splits a log line on spaces; "quoted" and [bracketed] runs are one field.
func splitSpaceDelimited(msg string) []string {
	var out []string
	for i := 0; i < len(msg); {
		if msg[i] == ' ' {
			i++
			continue
		}
		var closer byte
		switch msg[i] {
		case '"':
			closer = '"'
		case '[':
			closer = ']'
		}
		if closer != 0 {
			if j := strings.IndexByte(msg[i+1:], closer); j >= 0 {
				out = append(out, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		j := strings.IndexByte(msg[i:], ' ')
		if j < 0 {
			j = len(msg) - i
		}
		out = append(out, msg[i:i+j])
		i += j
	}
	return out
}

// matchSpaceFields reports whether the fields match the tokens; "..." matches any
// number of tokens. Dynamic programming keeps several ellipses linear in the tokens.
func matchSpaceFields(fields []spaceField, toks []string) bool {
	nf, nt := len(fields), len(toks)
	next := make([]bool, nt+1) // row i+1
	cur := make([]bool, nt+1)
	next[nt] = true
	for i := nf - 1; i >= 0; i-- {
		f := fields[i]
		for j := nt; j >= 0; j-- {
			if f.ellipsis {
				cur[j] = next[j] || (j < nt && cur[j+1])
			} else {
				cur[j] = j < nt && next[j+1] && f.matches(toks[j])
			}
		}
		next, cur = cur, next
	}
	return next[0]
}

func (f spaceField) matches(tok string) bool {
	switch {
	case f.op == "":
		return true
	case f.isNum:
		n, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			return false
		}
		switch f.op {
		case "=":
			return n == f.num
		case "!=":
			return n != f.num
		case "<":
			return n < f.num
		case "<=":
			return n <= f.num
		case ">":
			return n > f.num
		}
		return n >= f.num
	case f.op == "=":
		return globMatch(f.value, tok)
	}
	return !globMatch(f.value, tok)
}

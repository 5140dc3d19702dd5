package cwlogs

import (
	"encoding/json"
	"strconv"
	"strings"
)

// JSON filter patterns: { $.a.b = "v" && ... }.

type jsonPatternParser struct {
	src string
	pos int
}

type jsonCond func(doc any) bool

func compileJSONPattern(p string) (matcher, *APIError) {
	ps := &jsonPatternParser{src: p}
	ps.skip()
	if !ps.eat("{") {
		return nil, badPattern("expected '{' in %q", p)
	}
	cond, err := ps.parseOr()
	if err != nil {
		return nil, err
	}
	ps.skip()
	if !ps.eat("}") {
		return nil, badPattern("expected '}' at offset %d of %q", ps.pos, p)
	}
	ps.skip()
	if ps.pos != len(ps.src) {
		return nil, badPattern("unexpected text after '}' in %q", p)
	}
	return func(msg string) bool {
		t := strings.TrimSpace(msg)
		if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
			return false
		}
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		var doc any
		if dec.Decode(&doc) != nil {
			return false
		}
		return cond(doc)
	}, nil
}

func (ps *jsonPatternParser) skip() {
	for ps.pos < len(ps.src) && isSpaceByte(ps.src[ps.pos]) {
		ps.pos++
	}
}

func (ps *jsonPatternParser) eat(tok string) bool {
	if strings.HasPrefix(ps.src[ps.pos:], tok) {
		ps.pos += len(tok)
		return true
	}
	return false
}

func (ps *jsonPatternParser) eatWord(w string) bool {
	ps.skip()
	rest := ps.src[ps.pos:]
	if len(rest) >= len(w) && strings.EqualFold(rest[:len(w)], w) {
		if len(rest) == len(w) || !isWordByte(rest[len(w)]) {
			ps.pos += len(w)
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == '*' || c == ':' || c == '/' || c == '@' || c >= 0x80 ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (ps *jsonPatternParser) parseOr() (jsonCond, *APIError) {
	left, err := ps.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		ps.skip()
		if !ps.eat("||") {
			return left, nil
		}
		right, err := ps.parseAnd()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) || right(d) }
	}
}

func (ps *jsonPatternParser) parseAnd() (jsonCond, *APIError) {
	left, err := ps.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		ps.skip()
		if !ps.eat("&&") {
			return left, nil
		}
		right, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) && right(d) }
	}
}

func (ps *jsonPatternParser) parseUnary() (jsonCond, *APIError) {
	ps.skip()
	if ps.eat("(") {
		c, err := ps.parseOr()
		if err != nil {
			return nil, err
		}
		ps.skip()
		if !ps.eat(")") {
			return nil, badPattern("expected ')' at offset %d of %q", ps.pos, ps.src)
		}
		return c, nil
	}
	return ps.parseComparison()
}

type selStep struct {
	key   string
	index int // -1 for object keys
}

func (ps *jsonPatternParser) parseSelector() ([]selStep, *APIError) {
	ps.skip()
	if !ps.eat("$") {
		return nil, badPattern("expected a selector starting with '$' at offset %d of %q", ps.pos, ps.src)
	}
	var steps []selStep
	for ps.pos < len(ps.src) {
		switch ps.src[ps.pos] {
		case '.':
			ps.pos++
			st := ps.pos
			for ps.pos < len(ps.src) && (isWordByte(ps.src[ps.pos]) && ps.src[ps.pos] != '.' && ps.src[ps.pos] != '*' || ps.src[ps.pos] == '$') {
				ps.pos++
			}
			if ps.pos == st {
				return nil, badPattern("empty field name in selector at offset %d of %q", st, ps.src)
			}
			steps = append(steps, selStep{key: ps.src[st:ps.pos], index: -1})
		case '[':
			ps.pos++
			st := ps.pos
			for ps.pos < len(ps.src) && ps.src[ps.pos] >= '0' && ps.src[ps.pos] <= '9' {
				ps.pos++
			}
			n, err := strconv.Atoi(ps.src[st:ps.pos])
			if err != nil || !ps.eat("]") {
				return nil, badPattern("bad array index in selector at offset %d of %q", st, ps.src)
			}
			steps = append(steps, selStep{index: n})
		default:
			if len(steps) == 0 {
				return nil, badPattern("selector '$' must name a field at offset %d of %q", ps.pos, ps.src)
			}
			return steps, nil
		}
	}
	if len(steps) == 0 {
		return nil, badPattern("selector '$' must name a field in %q", ps.src)
	}
	return steps, nil
}

func selectPath(doc any, steps []selStep) (any, bool) {
	cur := doc
	for _, st := range steps {
		if st.index >= 0 {
			arr, ok := cur.([]any)
			if !ok || st.index >= len(arr) {
				return nil, false
			}
			cur = arr[st.index]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := obj[st.key]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

func (ps *jsonPatternParser) parseComparison() (jsonCond, *APIError) {
	steps, err := ps.parseSelector()
	if err != nil {
		return nil, err
	}
	ps.skip()
	if ps.eatWord("IS") {
		switch {
		case ps.eatWord("TRUE"):
			return func(d any) bool { v, ok := selectPath(d, steps); b, isB := v.(bool); return ok && isB && b }, nil
		case ps.eatWord("FALSE"):
			return func(d any) bool { v, ok := selectPath(d, steps); b, isB := v.(bool); return ok && isB && !b }, nil
		case ps.eatWord("NULL"):
			return func(d any) bool { v, ok := selectPath(d, steps); return ok && v == nil }, nil
		}
		return nil, badPattern("expected TRUE, FALSE or NULL after IS at offset %d of %q", ps.pos, ps.src)
	}
	if ps.eatWord("NOT") {
		if !ps.eatWord("EXISTS") {
			return nil, badPattern("expected EXISTS after NOT at offset %d of %q", ps.pos, ps.src)
		}
		return func(d any) bool { _, ok := selectPath(d, steps); return !ok }, nil
	}
	var op string
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if ps.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, badPattern("expected a comparison operator at offset %d of %q", ps.pos, ps.src)
	}
	ps.skip()
	var lit string
	quoted := false
	if ps.pos < len(ps.src) && ps.src[ps.pos] == '"' {
		txt, j, ok := readQuoted(ps.src, ps.pos)
		if !ok {
			return nil, badPattern("unterminated string at offset %d of %q", ps.pos, ps.src)
		}
		lit, quoted, ps.pos = txt, true, j
	} else {
		st := ps.pos
		for ps.pos < len(ps.src) && (isWordByte(ps.src[ps.pos]) || ps.src[ps.pos] == '+') {
			ps.pos++
		}
		if ps.pos == st {
			return nil, badPattern("expected a value at offset %d of %q", st, ps.src)
		}
		lit = ps.src[st:ps.pos]
	}
	num, numErr := strconv.ParseFloat(lit, 64)
	isNum := !quoted && numErr == nil
	if op != "=" && op != "!=" && !isNum {
		return nil, badPattern("operator %s needs a numeric value at offset %d of %q", op, ps.pos, ps.src)
	}
	return func(d any) bool {
		v, ok := selectPath(d, steps)
		if !ok {
			return false
		}
		if isNum {
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			f, err := n.Float64()
			if err != nil {
				return false
			}
			switch op {
			case "=":
				return f == num
			case "!=":
				return f != num
			case "<":
				return f < num
			case "<=":
				return f <= num
			case ">":
				return f > num
			default:
				return f >= num
			}
		}
		str, ok := v.(string)
		if !ok {
			return false
		}
		eq := globMatch(lit, str)
		if op == "=" {
			return eq
		}
		return !eq
	}, nil
}

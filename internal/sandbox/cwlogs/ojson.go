package cwlogs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// An ordered JSON tree for editing policy documents without reordering keys
// (encoding/json's map round trip would sort them). Scalars keep their source text,
// so serializing an unmodified minified document reproduces it byte for byte.

type jkind byte

const (
	jObject jkind = iota
	jArray
	jString
	jNumber
	jBool
	jNull
)

type jnode struct {
	kind    jkind
	raw     string   // scalars: the exact source token
	str     string   // jString: decoded value
	keys    []string // jObject: raw key tokens (with quotes)
	keyVals []string // jObject: decoded keys
	vals    []*jnode // jObject values / jArray elements
}

var errBadJSON = errors.New("invalid JSON")

func parseOrdered(text string) (*jnode, error) {
	if !json.Valid([]byte(text)) {
		return nil, errBadJSON
	}
	p := &oparser{s: text}
	p.ws()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, errBadJSON
	}
	return n, nil
}

type oparser struct {
	s string
	i int
}

func (p *oparser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *oparser) value(depth int) (*jnode, error) {
	if depth > 10000 || p.i >= len(p.s) {
		return nil, errBadJSON
	}
	switch p.s[p.i] {
	case '{':
		p.i++
		n := &jnode{kind: jObject}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return n, nil
		}
		for {
			p.ws()
			k, err := p.value(depth + 1)
			if err != nil || k.kind != jString {
				return nil, errBadJSON
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, errBadJSON
			}
			p.i++
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.raw)
			n.keyVals = append(n.keyVals, k.str)
			n.vals = append(n.vals, v)
			p.ws()
			if p.i >= len(p.s) {
				return nil, errBadJSON
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == '}' {
				p.i++
				return n, nil
			}
			return nil, errBadJSON
		}
	case '[':
		p.i++
		n := &jnode{kind: jArray}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return n, nil
		}
		for {
			p.ws()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
			p.ws()
			if p.i >= len(p.s) {
				return nil, errBadJSON
			}
			if p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.s[p.i] == ']' {
				p.i++
				return n, nil
			}
			return nil, errBadJSON
		}
	case '"':
		st := p.i
		p.i++
		for p.i < len(p.s) && p.s[p.i] != '"' {
			if p.s[p.i] == '\\' {
				p.i++
			}
			p.i++
		}
		if p.i >= len(p.s) {
			return nil, errBadJSON
		}
		p.i++
		raw := p.s[st:p.i]
		var str string
		if err := json.Unmarshal([]byte(raw), &str); err != nil {
			return nil, errBadJSON
		}
		return &jnode{kind: jString, raw: raw, str: str}, nil
	default:
		st := p.i
		for p.i < len(p.s) && strings.IndexByte(",]} \t\r\n", p.s[p.i]) < 0 {
			p.i++
		}
		raw := p.s[st:p.i]
		switch raw {
		case "true", "false":
			return &jnode{kind: jBool, raw: raw}, nil
		case "null":
			return &jnode{kind: jNull, raw: raw}, nil
		}
		if raw == "" {
			return nil, errBadJSON
		}
		return &jnode{kind: jNumber, raw: raw}, nil
	}
}

// minified serializes the tree without insignificant whitespace.
func (n *jnode) minified() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *jnode) write(b *strings.Builder) {
	switch n.kind {
	case jObject:
		b.WriteByte('{')
		for i := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n.keys[i])
			b.WriteByte(':')
			n.vals[i].write(b)
		}
		b.WriteByte('}')
	case jArray:
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			v.write(b)
		}
		b.WriteByte(']')
	default:
		b.WriteString(n.raw)
	}
}

// get returns the value of key (the last one if the key repeats, as encoding/json does).
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != jObject {
		return nil
	}
	for i := len(n.keyVals) - 1; i >= 0; i-- {
		if n.keyVals[i] == key {
			return n.vals[i]
		}
	}
	return nil
}

// set replaces the value of key, or appends key at the end.
func (n *jnode) set(key string, v *jnode) {
	for i := len(n.keyVals) - 1; i >= 0; i-- {
		if n.keyVals[i] == key {
			n.vals[i] = v
			return
		}
	}
	n.keys = append(n.keys, quoteJSON(key))
	n.keyVals = append(n.keyVals, key)
	n.vals = append(n.vals, v)
}

func quoteJSON(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimRight(buf.String(), "\n")
}

func jstr(s string) *jnode { return &jnode{kind: jString, raw: quoteJSON(s), str: s} }

func jarr(elems ...*jnode) *jnode { return &jnode{kind: jArray, vals: elems} }

func jobj(kv ...any) *jnode {
	n := &jnode{kind: jObject}
	for i := 0; i+1 < len(kv); i += 2 {
		k, kok := kv[i].(string)
		v, vok := kv[i+1].(*jnode)
		if !kok || !vok {
			panic(fmt.Sprintf("jobj: argument %d must be a string key followed by a *jnode value, got %T, %T", i, kv[i], kv[i+1]))
		}
		n.set(k, v)
	}
	return n
}

// strings returns the string values of a string node or of an array's string elements.
func (n *jnode) strings() []string {
	if n == nil {
		return nil
	}
	switch n.kind {
	case jString:
		return []string{n.str}
	case jArray:
		var out []string
		for _, v := range n.vals {
			if v.kind == jString {
				out = append(out, v.str)
			}
		}
		return out
	}
	return nil
}

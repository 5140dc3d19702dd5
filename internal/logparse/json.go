package logparse

import (
	"math/bits"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON object scanner: enough of RFC 8259 to read one log record
// without reflection and, for the usual record without escapes, without
// allocating. Known keys go to a builder; everything else is skipped.

// parseJSON reads the object at the start of s into b. It reports false when
// s does not start with a well-formed object; b is then partly filled and
// must be discarded. Text after the object is ignored.
func parseJSON(s string, b *builder) bool {
	p := jsonScanner{s: s}
	return p.object(b, true)
}

type jsonScanner struct {
	s string
	i int
}

func (p *jsonScanner) ws() {
	for p.i < len(p.s) && p.s[p.i] <= ' ' && jsonSpace[p.s[p.i]] {
		p.i++
	}
}

var jsonSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// eat consumes c if it is next (after white space).
func (p *jsonScanner) eat(c byte) bool {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads an object. In the top-level object, the value of "message",
// when it is an object, is read into the same builder (the BGP log nests
// details and the route there); other nested values are skipped.
//
// Keys usually come as AWS documents them, in its order: each key predicts
// the next (expectedKey), and a key that is the one predicted is recognised
// by one comparison instead of being scanned and looked up.
func (p *jsonScanner) object(b *builder, top bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	predicted := keyEventTimestamp
	if !top {
		predicted = keyDetails
	}
	for {
		p.ws()
		var k keyID
		if n := hasQuotedKey(p.s, p.i, predicted); n > 0 {
			p.i += n
			k = predicted
		} else {
			key, esc, ok := p.str()
			if !ok || !p.eat(':') {
				return false
			}
			if esc {
				key = unescape(key)
			}
			k = lookupKey(key)
		}
		p.ws()
		if !p.value(b, k, top) {
			return false
		}
		predicted = expectedKey[k]
		if p.i < len(p.s) { // compact JSON: the separator right after the value
			switch p.s[p.i] {
			case ',':
				p.i++
				continue
			case '}':
				p.i++
				return true
			}
		}
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

// quotedKeys are the keys as AWS documents them, quoted, with the colon that
// follows them in compact JSON.
var quotedKeys = [...]string{
	keyEventTimestamp: `"event_timestamp":`, keyTimestamp: `"timestamp":`, keyDPD: `"dpd_enabled":`,
	keyNATT: `"nat_t_detected":`, keyPhase1: `"ike_phase1_state":`, keyPhase2: `"ike_phase2_state":`,
	keyDetails: `"details":`, keyResourceID: `"resource_id":`, keyType: `"type":`, keyStatus: `"status":`,
	keyMessage: `"message":`, keyPrefix: `"prefix":`, keyASPath: `"asPath":`, keyLocalPref: `"localPref":`,
	keyMED: `"med":`, keyNextHop: `"nextHopIp":`, keyWeight: `"weight":`, keyWeight + 1: "",
}

// hasQuotedKey returns the length of the quoted key k (quotedKeys) when s
// holds it at i, else 0. It compares eight bytes at a time: the first eight,
// the eight after them for keys longer than 16 bytes, and the last eight (a
// key shorter than eight bytes under a mask).
func hasQuotedKey(s string, i int, k keyID) int {
	w := &quotedKeyWords[k]
	switch {
	case w.n == 0 || i+max(w.n, 8) > len(s):
		if q := quotedKeys[k]; q != "" && strings.HasPrefix(s[i:], q) {
			return len(q)
		}
		return 0
	case w.n < 8:
		if load64(s, i)&w.mask != w.first {
			return 0
		}
	case load64(s, i) != w.first || load64(s, i+w.n-8) != w.last || w.n > 16 && load64(s, i+8) != w.mid:
		return 0
	}
	return w.n
}

// keyWords is a quoted key as eight-byte words (hasQuotedKey).
type keyWords struct {
	n                      int
	first, mid, last, mask uint64
}

var quotedKeyWords = func() (t [len(quotedKeys)]keyWords) {
	for k, q := range quotedKeys {
		w := &t[k]
		w.n = len(q)
		switch {
		case len(q) == 0:
		case len(q) < 8:
			padded := q + strings.Repeat("\x00", 8-len(q))
			w.first, w.mask = load64(padded, 0), 1<<(8*len(q))-1
		default:
			w.first, w.last = load64(q, 0), load64(q, len(q)-8)
			if len(q) > 16 {
				w.mid = load64(q, 8)
			}
		}
		if len(q) > 24 {
			panic("logparse: a quoted key longer than 24 bytes needs more words")
		}
	}
	return t
}()

// expectedKey is the key that follows each one in AWS's documented records
// (docs/design/aws-behaviour.md §5.2, §5.3): a tunnel activity record, then
// a BGP record and the route of its message.
var expectedKey = [len(quotedKeys)]keyID{
	keyUnknown: keyUnknown, keyEventTimestamp: keyTimestamp, keyTimestamp: keyDPD, keyDPD: keyNATT,
	keyNATT: keyPhase1, keyPhase1: keyPhase2, keyPhase2: keyDetails, keyResourceID: keyEventTimestamp,
	keyType: keyStatus, keyStatus: keyMessage, keyPrefix: keyASPath, keyASPath: keyLocalPref,
	keyLocalPref: keyMED, keyMED: keyNextHop, keyNextHop: keyWeight, keyWeight: keyDetails,
}

// value reads the value of key k.
func (p *jsonScanner) value(b *builder, k keyID, top bool) bool {
	if p.i >= len(p.s) {
		return false
	}
	start := p.i
	switch c := p.s[p.i]; c {
	case '"':
		s, esc, ok := p.str()
		if !ok {
			return false
		}
		if k != keyUnknown {
			if esc {
				s = unescape(s)
			}
			b.set(k, value{kind: kindString, s: s})
		}
		return true
	case '{':
		if k == keyMessage && top {
			return p.object(b, false)
		}
		return p.skip()
	case '[':
		if !p.skip() {
			return false
		}
		if k == keyASPath { // [64512, 64513] or ["64512"]
			b.set(k, value{kind: kindString, s: p.s[start:p.i]})
		}
		return true
	case 't', 'f', 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(p.s)-p.i >= len(lit) && p.s[p.i:p.i+len(lit)] == lit {
				p.i += len(lit)
				switch lit {
				case "null":
					b.set(k, value{kind: kindNull})
				default:
					b.set(k, value{kind: kindBool, b: lit == "true", s: lit})
				}
				return true
			}
		}
		return false
	default:
		p.i = scanWhile(p.s, p.i, isNumberByte)
		if p.i == start {
			return false
		}
		b.set(k, value{kind: kindNumber, s: p.s[start:p.i]})
		return true
	}
}

func isNumberByte(c byte) bool {
	return isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// str reads the string at p.i and returns its raw contents (quotes removed,
// escapes kept) and whether it contains escapes.
func (p *jsonScanner) str() (raw string, escaped, ok bool) {
	s := p.s
	if p.i >= len(s) || s[p.i] != '"' {
		return "", false, false
	}
	start := p.i + 1
	for i := start; ; i += 2 { // past a backslash and the byte it escapes
		if i = nextSpecial(s, i); i >= len(s) {
			return "", false, false
		}
		if s[i] == '"' {
			p.i = i + 1
			return s[start:i], escaped, true
		}
		escaped = true
	}
}

// nextSpecial returns the index of the first quote or backslash in s at or
// after i, or len(s), looking at eight bytes at a time.
func nextSpecial(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		q, b := x^(ones*'"'), x^(ones*'\\')
		// The high bit of each byte that was zero, exact up to the first one.
		if m := ((q-ones)&^q | (b-ones)&^b) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(s) && !strSpecial[s[i]] {
		i++
	}
	return i
}

// load64 reads eight bytes of s at i, little-endian.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// strSpecial marks the bytes that end a run of plain string contents.
var strSpecial = [256]bool{'"': true, '\\': true}

// skip skips one value of any type, nesting included, without recursion.
// Bracket pairs are counted, not matched.
func (p *jsonScanner) skip() bool {
	depth := 0
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case '"':
			if _, _, ok := p.str(); !ok {
				return false
			}
		case '{', '[':
			depth++
			p.i++
		case '}', ']':
			depth--
			p.i++
		case ' ', '\t', '\n', '\r', ',', ':':
			if depth == 0 {
				return false
			}
			p.i++
		default:
			start := p.i
			p.i = scanWhile(p.s, p.i, func(c byte) bool { return isNumberByte(c) || 'a' <= c && c <= 'z' })
			if p.i == start {
				return false
			}
		}
		if depth <= 0 {
			return depth == 0
		}
	}
	return false
}

// unescape decodes the escapes of a JSON string's raw contents (see
// AppendUnescaped).
func unescape(s string) string { return string(AppendUnescaped(make([]byte, 0, len(s)), s)) }

// AppendUnescaped appends to dst the raw contents of a JSON string (what lies
// between its quotes) with its escapes decoded, and returns the extended
// slice. Invalid escapes are kept as written; invalid \u sequences become
// U+FFFD.
func AppendUnescaped(dst []byte, s string) []byte {
	b := dst
	for i := 0; i < len(s); i++ {
		// The plain run up to the next backslash, at once.
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			return append(b, s[i:]...)
		}
		b = append(b, s[i:i+j]...)
		if i += j; i+1 == len(s) {
			return append(b, '\\')
		}
		i++
		switch s[i] {
		case '"', '\\', '/':
			b = append(b, s[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i+1)
			if !ok {
				b = append(b, '\\', 'u')
				continue
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+3); ok && i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			b = utf8.AppendRune(b, r) // a lone surrogate is encoded as U+FFFD
		default:
			b = append(b, '\\', s[i])
		}
	}
	return b
}

// hex4 reads four hex digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

package logparse

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Message classification.
//
// A message is lower-cased (ASCII only, so byte offsets are preserved) and its
// words — runs of letters, digits, '_' and '-' — are walked once. A word that
// is the key of some pattern selects a handful of candidates; a candidate
// matches when its text occurs at the key's offset (and its "then" text
// somewhere after it). The first candidate that matches, in word order, wins.
// Placeholder values are then scanned by hand from the original text, starting
// where the match starts. No regular expression is involved.
//
// UNCONFIRMED: what the documentation's "•" separator is in real BGP
// messages. Patterns never span it, and values are found by their labels
// ("received", "limit is", "remote AS is", "AS path:"), so " - ", "•", a
// line break or no separator at all read the same.

// pattern recognises a message in lower-cased text. key is a whole word of
// match; then, when set, must occur somewhere after match. A key must not be
// the last word before a "•" separator, which may be rendered as nothing.
type pattern struct {
	key, match, then string
}

// candidate is a pattern bound to what it recognises.
type candidate struct {
	pattern
	offset int           // index of key in match
	thenID int           // memo slot of then (see thenMemo), -1 if none
	entry  *CatalogEntry // nil for a partial candidate
	rank   int           // partial candidates: position in partials
	family EventType     // the record type the message belongs to
	fields Field         // placeholders to extract
}

// partials recognise messages of a documented shape whose particular values
// AWS does not list (an FSM transition or a Cease notification missing from
// the table), then, least specific last, anything said by the AWS-side BGP
// peer or the AWS tunnel. They yield typed fields and a family but no catalogue
// entry, and only when no catalogue entry matches anywhere in the text; the
// earliest one in this list wins.
var partials = [...]candidate{
	{pattern: pattern{key: "bgp", match: "aws-side peer bgp session state has changed from"}, family: EventBGPStatus, fields: FieldFromState | FieldToState | FieldNeighbor},
	{pattern: pattern{key: "notification", match: "aws-side peer sent a notification"}, family: EventBGPStatus, fields: FieldNotification | FieldNeighbor},
	{pattern: pattern{key: "notification", match: "aws-side peer received notification"}, family: EventBGPStatus, fields: FieldNotification | FieldNeighbor},
	{pattern: pattern{key: "aws-side", match: "aws-side peer"}, family: EventBGPStatus, fields: FieldNeighbor},
	{pattern: pattern{key: "tunnel", match: "aws tunnel"}, family: EventTunnelActivity},
}

// candidates maps a key word to its candidates: catalogue entries in table
// order, then partials.
var candidates, minKey, maxKey = buildCandidates()

// keysByFirst lists the key words and their candidates by first byte: a
// word is looked up among the few keys of its first byte, without hashing.
var keysByFirst = func() (t [256][]keyCandidates) {
	for k, c := range candidates {
		t[k[0]] = append(t[k[0]], keyCandidates{k, c})
	}
	for i := range t {
		slices.SortFunc(t[i], func(x, y keyCandidates) int { return strings.Compare(x.key, y.key) })
	}
	return t
}()

type keyCandidates struct {
	key   string
	cands []candidate
}

// lookupCandidates returns the candidates of a key word (nil if w is none).
func lookupCandidates(w []byte) []candidate {
	for _, kc := range keysByFirst[w[0]] {
		if len(kc.key) == len(w) && kc.key == string(w) {
			return kc.cands
		}
	}
	return nil
}

// keyShapes has, for each first byte of a key word, a bit for each length
// some key of that first byte has: most words of a message are no key, and
// this tells so without a map lookup.
var keyShapes = func() (t [256]uint64) {
	for k := range candidates {
		t[k[0]] |= 1 << len(k)
	}
	return t
}()

func buildCandidates() (map[string][]candidate, int, int) {
	m := make(map[string][]candidate)
	var thens []string
	lo, hi := 1<<30, 0 // the shortest and longest keys (keyShapes needs hi < 64)
	add := func(c candidate) {
		c.thenID = -1
		if c.then != "" {
			if c.thenID = slices.Index(thens, c.then); c.thenID < 0 {
				c.thenID = len(thens)
				thens = append(thens, c.then)
			}
		}
		c.offset = strings.Index(c.match, c.key)
		end := c.offset + len(c.key)
		if c.offset < 0 || c.offset > 0 && wordByte[c.match[c.offset-1]] || end < len(c.match) && wordByte[c.match[end]] ||
			c.match != strings.ToLower(c.match) || c.then != strings.ToLower(c.then) || c.key[0] < 'a' || c.key[0] > 'z' {
			panic(fmt.Sprintf("logparse: bad pattern %+v", c.pattern))
		}
		m[c.key] = append(m[c.key], c)
		lo, hi = min(lo, len(c.key)), max(hi, len(c.key))
	}
	for i := range catalogue {
		e := &catalogue[i]
		for _, p := range e.patterns {
			add(candidate{pattern: p, entry: e, family: e.Kind.eventType(), fields: e.Fields})
		}
	}
	for i, c := range partials {
		c.rank = i
		add(c)
	}
	if len(thens) > maxThens {
		panic("logparse: raise maxThens")
	}
	if hi >= 64 {
		panic("logparse: a key word of 64 bytes or more does not fit keyShapes")
	}
	return m, lo, hi
}

// maxThens bounds the distinct "then" texts (see thenMemo).
const maxThens = 4

// thenMemo remembers, within one classify call, where a "then" text was
// last looked for and found, so that a text repeating a key word many times
// is not searched again for every occurrence (which would be quadratic).
type thenMemo struct {
	valid bool
	from  int // where the search started
	at    int // first occurrence at or after from, -1 if none
}

// find returns the first occurrence of then at or after from.
func (m *thenMemo) find(l []byte, from int, then string) int {
	if !m.valid || from < m.from || m.at >= 0 && m.at < from {
		*m = thenMemo{valid: true, from: from, at: indexFrom(l, from, then, false)}
	}
	return m.at
}

// wordByte marks the bytes of a word in lower-cased text.
var wordByte = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['_'], t['-'] = true, true
	return t
}()

// classify recognises the catalogue message contained in msg, whatever text
// surrounds it, and extracts its placeholders into fields. entry is nil when
// no catalogue entry matched; family is EventUnknown when nothing matched,
// not even a partial pattern.
func (p *Parser) classify(msg string, fields *MessageFields) (entry *CatalogEntry, family EventType) {
	p.lower = lowerASCII(append(p.lower[:0], msg...))
	l := p.lower
	partial, partialAt := -1, 0
	var memo [maxThens]thenMemo
	for i := 0; i < len(l); {
		if !wordByte[l[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(l) && wordByte[l[j]] {
			j++
		}
		if n := j - i; n >= minKey && n <= maxKey && keyShapes[l[i]]&(1<<n) != 0 {
			cands := lookupCandidates(l[i:j])
			for k := range cands {
				cand := &cands[k]
				start := cand.matchAt(l, i, &memo)
				if start < 0 {
					continue
				}
				if cand.entry != nil {
					p.extract(msg, l, start, cand.fields, fields)
					return cand.entry, cand.family
				}
				if partial < 0 || cand.rank < partial {
					partial, partialAt = cand.rank, start
				}
			}
		}
		i = j
	}
	if partial >= 0 {
		pc := &partials[partial]
		family = pc.family
		p.extract(msg, l, partialAt, pc.fields, fields)
	}
	return nil, family
}

// matchAt returns where the candidate's text starts when its key word is at
// l[at:], or -1 when the candidate does not match there.
func (c *candidate) matchAt(l []byte, at int, memo *[maxThens]thenMemo) int {
	start := at - c.offset
	if start < 0 || len(l)-start < len(c.match) || string(l[start:start+len(c.match)]) != c.match {
		return -1
	}
	if c.thenID >= 0 && memo[c.thenID].find(l, start+len(c.match), c.then) < 0 {
		return -1
	}
	return start
}

// lowerASCII lower-cases ASCII letters in place and turns tabs and line
// breaks into spaces, keeping every byte offset.
func lowerASCII(b []byte) []byte {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	// Eight bytes at a time while they hold no control byte: set bit 5 of those in 'A'..'Z'.
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if (x-ones*0x20)&^x&highs != 0 {
			break // a byte below 0x20 (or one of them borrowed from): the table handles the rest
		}
		h := x &^ highs
		upper := (h + ones*(0x80-'A')) &^ (h + ones*(0x80-'Z'-1)) &^ x & highs
		binary.LittleEndian.PutUint64(b[i:], x|upper>>2)
	}
	for ; i < len(b); i++ {
		b[i] = lowerTable[b[i]]
	}
	return b
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c) + ('a' - 'A')
	}
	t['\t'], t['\n'], t['\r'] = ' ', ' ', ' '
	return t
}()

// indexFrom returns the index of the first occurrence of key (lower-case) in
// l at or after from, or -1. With word set the occurrence must not be glued to
// word bytes on either side.
func indexFrom(l []byte, from int, key string, word bool) int {
	last := len(l) - len(key)
	for i := from; i <= last; i++ {
		j := bytes.IndexByte(l[i:last+1], key[0])
		if j < 0 {
			return -1
		}
		if i += j; string(l[i:i+len(key)]) != key {
			continue
		}
		if word && (i > 0 && wordByte[l[i-1]] || i+len(key) < len(l) && wordByte[l[i+len(key)]]) {
			continue
		}
		return i
	}
	return -1
}

// hasWordAt reports whether the word w (lower-case) is at l[i:].
func hasWordAt(l []byte, i int, w string) bool {
	end := i + len(w)
	return end <= len(l) && string(l[i:end]) == w && (end == len(l) || !wordByte[l[end]])
}

// valueAfter finds key at or after from and returns the index of the value
// that follows it (separators skipped), or -1.
func valueAfter(s string, l []byte, from int, key string, word bool) int {
	i := indexFrom(l, from, key, word)
	if i < 0 {
		return -1
	}
	return skipSep(s, i+len(key))
}

// skipSep skips the spaces and punctuation that may sit between a label and
// its value ("cgw: x", "id=x", "neighbor {ip: x}" after the doc's rendering).
func skipSep(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r', ':', '=', '{', '[', '"', '\'':
			i++
		default:
			return i
		}
	}
	return i
}

// extract scans the placeholders named by want from s, starting at from.
// l is s lower-cased. Values that do not parse are left unset.
func (p *Parser) extract(s string, l []byte, from int, want Field, f *MessageFields) {
	if want&FieldSPI != 0 {
		if i := valueAfter(s, l, from, "spi", true); i >= 0 {
			if v := s[i:scanWhile(s, i, isAlnum)]; v != "" {
				f.SPI, f.Set = v, f.Set|FieldSPI
			}
		}
	}
	if want&FieldCGW != 0 {
		if a, ok := addrAfter(s, l, from, "cgw", true); ok {
			f.CGW, f.Set = a, f.Set|FieldCGW
		}
	}
	if want&FieldRetryCount != 0 {
		if n, ok := intAfter(s, l, from, "after", true); ok {
			f.RetryCount, f.Set = n, f.Set|FieldRetryCount
		}
	}
	if want&FieldRequestID != 0 {
		if n, ok := intAfter(s, l, from, "id", true); ok {
			f.RequestID, f.Set = n, f.Set|FieldRequestID
		}
	}
	if want&FieldNeighbor != 0 {
		if a, ok := addrAfter(s, l, from, "neighbor", false); ok {
			f.Neighbor, f.Set = a, f.Set|FieldNeighbor
		}
	}
	if want&(FieldFromState|FieldToState) != 0 {
		extractTransition(l, from, f)
	}
	if want&FieldNotification != 0 {
		if i := valueAfter(s, l, from, "notification", true); i >= 0 {
			code, ok1 := intAt(s, i)
			j := scanWhile(s, i, isDigit)
			if j < len(s) && s[j] == '/' {
				if sub, ok2 := intAt(s, j+1); ok1 && ok2 {
					f.NotificationCode, f.NotificationSubcode, f.Set = code, sub, f.Set|FieldNotification
				}
			}
		}
	}
	if want&FieldPrefixCount != 0 {
		// Not word-bounded: the "nothing" rendering of the separator glues
		// "received" to the previous word.
		if n, ok := intAfter(s, l, from, "received", false); ok {
			f.PrefixCount, f.Set = n, f.Set|FieldPrefixCount
		}
	}
	if want&FieldPrefixLimit != 0 {
		if n, ok := intAfter(s, l, from, "limit is", true); ok {
			f.PrefixLimit, f.Set = n, f.Set|FieldPrefixLimit
		}
	}
	if want&FieldASN != 0 {
		// "remote AS is 65001" (bad OPEN), "AS 65000" (OPEN).
		if i := valueAfter(s, l, from, "as", true); i >= 0 {
			if hasWordAt(l, i, "is") {
				i = skipSep(s, i+2)
			}
			if n, ok := asnAt(s, i); ok {
				f.ASN, f.Set = n, f.Set|FieldASN
			}
		}
	}
	if want&FieldExpectedASN != 0 {
		if i := valueAfter(s, l, from, "expected", true); i >= 0 {
			if n, ok := asnAt(s, i); ok {
				f.ExpectedASN, f.Set = n, f.Set|FieldExpectedASN
			}
		}
	}
	if want&FieldHoldTime != 0 {
		if n, ok := intAfter(s, l, from, "holdtime", true); ok {
			f.HoldTime, f.Set = n, f.Set|FieldHoldTime
		}
	}
	if want&FieldRouterID != 0 {
		if i := valueAfter(s, l, from, "router-id", true); i >= 0 {
			if v := strings.TrimRight(s[i:scanWhile(s, i, isRouterIDByte)], ".:"); v != "" {
				f.RouterID, f.Set = v, f.Set|FieldRouterID
			}
		}
	}
	if want&FieldASPath != 0 {
		// Not word-bounded, like "received".
		if i := valueAfter(s, l, from, "as path", false); i >= 0 {
			if p.fieldPath = appendASPath(p.fieldPath[:0], s[i:]); len(p.fieldPath) > 0 {
				f.ASPath, f.Set = p.fieldPath, f.Set|FieldASPath
			}
		}
	}
}

// extractTransition reads "from <state> to <state>".
func extractTransition(l []byte, from int, f *MessageFields) {
	i := indexFrom(l, from, "from", true)
	if i < 0 {
		return
	}
	st, j := bgpStateAt(l, skipSpaces(l, i+len("from")))
	if st == BGPStateUnknown {
		return
	}
	f.FromState, f.Set = st, f.Set|FieldFromState
	j = skipSpaces(l, j)
	if !hasWordAt(l, j, "to") {
		return
	}
	if st, _ = bgpStateAt(l, skipSpaces(l, j+2)); st != BGPStateUnknown {
		f.ToState, f.Set = st, f.Set|FieldToState
	}
}

func skipSpaces(l []byte, i int) int {
	for i < len(l) && l[i] == ' ' {
		i++
	}
	return i
}

// bgpStateAt reads a BGP FSM state name at l[i:] and returns it with the
// index after it.
func bgpStateAt(l []byte, i int) (BGPState, int) {
	j := i
	for j < len(l) && 'a' <= l[j] && l[j] <= 'z' {
		j++
	}
	return parseBGPState(string(l[i:j])), j
}

func scanWhile(s string, i int, ok func(byte) bool) int {
	for i < len(s) && ok(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isHex(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isRouterIDByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == ':'
}

// intAt parses a non-negative decimal integer (at most 9 digits) at s[i:].
func intAt(s string, i int) (int, bool) {
	j := scanWhile(s, i, isDigit)
	if j == i || j-i > 9 {
		return 0, false
	}
	n := 0
	for ; i < j; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// asnAt parses an AS number (asplain, 0..4294967295) at s[i:].
func asnAt(s string, i int) (uint32, bool) {
	j := scanWhile(s, i, isDigit)
	if j == i || j-i > 10 {
		return 0, false
	}
	var n uint64
	for ; i < j; i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// addrAt parses an IPv4 or IPv6 address at s[i:], ignoring what follows it
// (a port, a comma, the text glued to it by a missing separator).
func addrAt(s string, i int) (netip.Addr, bool) {
	j := scanWhile(s, i, func(c byte) bool { return isDigit(c) || c == '.' })
	if j < len(s) && (s[j] == ':' || isHex(s[j])) && strings.IndexByte(s[i:j], '.') < 0 {
		j = scanWhile(s, i, func(c byte) bool { return isHex(c) || c == ':' || c == '.' })
	}
	a, err := netip.ParseAddr(strings.TrimRight(s[i:j], "."))
	return a, err == nil
}

// appendASPath appends to dst the AS numbers of s, separated by spaces or
// commas (AS_SET braces, brackets and quotes are ignored, flattening sets
// into the path), up to the first other character or AS number out of range.
func appendASPath(dst []uint32, s string) []uint32 {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case isDigit(c):
			asn, ok := asnAt(s, i)
			if !ok {
				return dst
			}
			dst = append(dst, asn)
			i = scanWhile(s, i, isDigit)
		case strings.IndexByte(" \t,{}[]()\"", c) >= 0:
			i++
		default:
			return dst
		}
	}
	return dst
}

// intAfter is the integer that follows key (see valueAfter), if any.
func intAfter(s string, l []byte, from int, key string, bounded bool) (int, bool) {
	if i := valueAfter(s, l, from, key, bounded); i >= 0 {
		return intAt(s, i)
	}
	return 0, false
}

// addrAfter is the IP address that follows key (see valueAfter), if any.
func addrAfter(s string, l []byte, from int, key string, bounded bool) (netip.Addr, bool) {
	if i := valueAfter(s, l, from, key, bounded); i >= 0 {
		return addrAt(s, i)
	}
	return netip.Addr{}, false
}

package logparse

import (
	"net/netip"
	"strings"
)

// parseText reads a text line: an optional leading timestamp, then any mix
// of known key=value / key: value pairs and message text. The message
// (Details) is the span from the first to the last byte that is not part of
// a known pair, unless a details or message key gives it explicitly.
func parseText(s string, b *builder) {
	i := skipBlank(s, 0)
	if t, n, ok := b.p.clock.parse(s[i:]); ok {
		b.leading = t
		i += n
	}
	first, last := -1, -1
	for i < len(s) {
		c := s[i]
		if isTextSep(c) {
			i++
			continue
		}
		// Message text is a word, or a single other byte (so that a quoted
		// key right after punctuation, as in broken JSON, is still seen). A
		// word that '=' or ':' does not follow is no pair's key: it is
		// scanned once.
		j := i + 1
		if isKeyByte(c) {
			j = scanKey(s, i)
		}
		if !isKeyByte(c) || j < len(s) && (s[j] == '=' || s[j] == ':') {
			if k, v, next, ok := pairAt(s, i); ok {
				b.set(k, v)
				i = next
				continue
			}
		}
		if first < 0 {
			if next, ok := identityAt(s, i, b); ok {
				i = next
				continue
			}
		}
		if first < 0 {
			first = i
		}
		last, i = j, j
	}
	if b.details == "" && first >= 0 {
		b.details = s[first:last]
	}
}

// identityAt reads a bare identity token before the message: a resource ID ("vpn-1234abcd_1.2.3.4"), a VPN
// connection ID or an IP address, as a line may name its tunnel without a key. Only tokens before the first message
// word count: an address inside a message ("mismatch with cgw: 198.51.100.7") is part of it.
func identityAt(s string, i int, b *builder) (int, bool) {
	end := i
	for end < len(s) && !isTextSep(s[end]) {
		end++
	}
	tok := s[i:end]
	if vpn, ip := splitResourceID(tok); isVPNConnectionID(vpn) {
		if ip.IsValid() {
			b.ev.ResourceID = tok
			b.ev.TunnelOutsideIP = ip
		} else if vpn != tok {
			return i, false // "vpn-…" followed by something that is not an address: message text
		}
		b.ev.VPNConnectionID = vpn
		return end, true
	}
	if !mayBeAddr(tok) {
		return i, false // most tokens are words: no parse (a failed one allocates its error)
	}
	if a, err := netip.ParseAddr(tok); err == nil {
		b.ev.TunnelOutsideIP = a
		return end, true
	}
	return i, false
}

// mayBeAddr reports whether s could be an IP address: it starts with a hexadecimal digit or ':' and holds a '.' or
// a ':'.
func mayBeAddr(s string) bool {
	return s != "" && (isHex(s[0]) || s[0] == ':') && strings.ContainsAny(s, ".:")
}

// isVPNConnectionID reports whether s is "vpn-" followed by 8 to 17 hexadecimal digits.
func isVPNConnectionID(s string) bool {
	if len(s) < 12 || len(s) > 21 || !strings.EqualFold(s[:4], "vpn-") {
		return false
	}
	for i := 4; i < len(s); i++ {
		if c := s[i] | 0x20; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isTextSep(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ';', '|':
		return true
	}
	return false
}

func isKeyByte(c byte) bool { return keyByte[c] }

// keyByte marks the bytes of a key (and of a message word): letters, digits, '_' and '-'.
var keyByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isAlnum(byte(c)) || c == '_' || c == '-'
	}
	return t
}()

// scanKey returns the end of the key (or word) that starts at s[i].
func scanKey(s string, i int) int {
	for i < len(s) && keyByte[s[i]] {
		i++
	}
	return i
}

func skipBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// pairAt reads a pair with a known key at s[i:]: key=value or key: value, the
// key optionally quoted, the value quoted or bare. A bare value ends at white
// space, ',' or ';', except that a details or message value runs to the end
// of the line, a timestamp may contain a space and an AS path may be a list.
func pairAt(s string, i int) (k keyID, v value, next int, ok bool) {
	j := i
	var quote byte
	if s[j] == '"' || s[j] == '\'' {
		quote = s[j]
		j++
	}
	ks := j
	j = scanKey(s, j)
	if j == ks {
		return
	}
	key := s[ks:j]
	if quote != 0 {
		if j >= len(s) || s[j] != quote {
			return
		}
		j++
	}
	if j >= len(s) || s[j] != '=' && s[j] != ':' {
		return
	}
	if k = lookupKey(key); k == keyUnknown {
		return
	}
	j = skipBlank(s, j+1)
	var val string
	switch {
	case j < len(s) && (s[j] == '"' || s[j] == '\''):
		val, next = quotedAt(s, j)
	case k == keyDetails || k == keyMessage:
		next = len(s)
		if nl := strings.IndexByte(s[j:], '\n'); nl >= 0 {
			next = j + nl
		}
		val = strings.TrimSpace(s[j:next])
	case k == keyTimestamp:
		if _, n, ok := parseHumanTime(s[j:]); ok {
			val, next = s[j:j+n], j+n
			break
		}
		fallthrough
	default:
		next = j
		for next < len(s) && !bareValueEnd[s[next]] {
			next++
		}
		if k == keyASPath { // as_path=65000 65001
			for next+1 < len(s) && s[next] == ' ' && isDigit(s[next+1]) {
				next = scanWhile(s, next+1, isDigit)
			}
		}
		val = s[j:next]
	}
	return k, value{kind: kindString, s: val}, next, true
}

// bareValueEnd marks the bytes that end a bare value.
var bareValueEnd = [256]bool{' ': true, '\t': true, '\r': true, '\n': true, ',': true, ';': true, '|': true}

// quotedAt reads the quoted value at s[i:] (JSON escapes decoded for double
// quotes). An unterminated quote runs to the end of s.
func quotedAt(s string, i int) (val string, next int) {
	q := s[i]
	escaped := false
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case q:
			val = s[i+1 : j]
			if escaped && q == '"' {
				val = unescape(val)
			}
			return val, j + 1
		case '\\':
			escaped = true
			j++
		}
	}
	return s[i+1:], len(s)
}

package cwlogs

import (
	"regexp"
	"strings"
)

// The filter-pattern compiler of FilterLogEvents: a pattern becomes a matcher of messages.
// This file holds the entry point, term patterns and the helpers the kinds share; JSON
// patterns are in filterpattern_json.go, space-delimited ones in filterpattern_space.go.

type matcher func(msg string) bool

func badPattern(format string, args ...any) *APIError {
	return invalidParam("Invalid filter pattern: "+format, args...)
}

// compileFilterPattern supports: empty (all events); terms (every term must appear,
// case-sensitive), "quoted phrases", ?term OR groups and -term exclusions; %regex%;
// JSON patterns { $.a.b = "v" } with = != < > <= >=, IS TRUE/FALSE/NULL, NOT EXISTS,
// && || and parentheses; and space-delimited patterns [a, b=x, ...].
func compileFilterPattern(p string) (matcher, *APIError) {
	t := strings.TrimSpace(p)
	switch {
	case t == "":
		return func(string) bool { return true }, nil
	case strings.HasPrefix(t, "{"):
		return compileJSONPattern(t)
	case strings.HasPrefix(t, "["):
		return compileSpacePattern(t)
	case len(t) >= 2 && t[0] == '%' && t[len(t)-1] == '%':
		re, err := regexp.Compile(t[1 : len(t)-1])
		if err != nil {
			return nil, badPattern("regular expression %s: %v", t, err)
		}
		return re.MatchString, nil
	}
	return compileTermPattern(t)
}

type term struct {
	text string
	mode byte // 0: must contain; '?': any of; '-': must not contain
}

// readQuoted reads a "..." string starting at s[i]=='"'; it returns the decoded text
// and the index after the closing quote.
func readQuoted(s string, i int) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) {
				j++
				b.WriteByte(s[j])
			}
		case '"':
			return b.String(), j + 1, true
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, false
}

// UNCONFIRMED: a term matches as a case-sensitive substring of the message; plain
// terms must all appear, at least one ?term must appear when any is given, and no
// -term may appear.
func compileTermPattern(p string) (matcher, *APIError) {
	var terms []term
	for i := 0; i < len(p); {
		if isSpaceByte(p[i]) {
			i++
			continue
		}
		var mode byte
		if (p[i] == '?' || p[i] == '-') && i+1 < len(p) && !isSpaceByte(p[i+1]) {
			mode = p[i]
			i++
		}
		if p[i] == '"' {
			txt, j, ok := readQuoted(p, i)
			if !ok {
				return nil, badPattern("unterminated quoted term in %q", p)
			}
			terms = append(terms, term{txt, mode})
			i = j
			continue
		}
		j := i
		for j < len(p) && !isSpaceByte(p[j]) {
			if p[j] == '"' {
				return nil, badPattern("unexpected '\"' in term of %q", p)
			}
			j++
		}
		terms = append(terms, term{p[i:j], mode})
		i = j
	}
	return func(msg string) bool {
		anyOr, orHit := false, false
		for _, t := range terms {
			has := strings.Contains(msg, t.text)
			switch t.mode {
			case 0:
				if !has {
					return false
				}
			case '-':
				if has {
					return false
				}
			case '?':
				anyOr = true
				orHit = orHit || has
			}
		}
		return !anyOr || orHit
	}, nil
}

// isSpaceByte reports ASCII whitespace (bytes of multi-byte characters are never spaces).
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// globMatch matches s against a pattern in which '*' matches any run of characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		k := strings.Index(s, parts[i])
		if k < 0 {
			return false
		}
		s = s[k+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

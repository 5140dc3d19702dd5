package cwlogs

import (
	"fmt"
	"strings"
)

// Logs Insights lexer: the query text as tokens.

type qtokKind int

const (
	qEOF qtokKind = iota
	qIdent
	qString
	qNumber
	qRegex
	qOp
	qPipe
)

type qtok struct {
	kind     qtokKind
	text     string // operator / identifier / number text; decoded string / regex source
	pos, end int    // byte offsets in the query
	quoted   bool   // `backtick` identifier
}

type malformed struct {
	msg        string
	start, end int
}

func (m *malformed) apiError() *APIError {
	e := newErr(CodeMalformedQuery, "%s (at character %d)", m.msg, m.start)
	e.compile = &queryCompileError{
		Location: &queryCompileErrorLocation{StartCharOffset: m.start, EndCharOffset: m.end},
		Message:  m.msg,
	}
	return e
}

func lexQuery(q string) ([]qtok, *malformed) {
	var toks []qtok
	valueLike := func() bool {
		if len(toks) == 0 {
			return false
		}
		t := toks[len(toks)-1]
		switch t.kind {
		case qIdent:
			return !isKeyword(t.text) || t.quoted
		case qString, qNumber, qRegex:
			return true
		case qOp:
			return t.text == ")" || t.text == "]"
		}
		return false
	}
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '|':
			toks = append(toks, qtok{kind: qPipe, text: "|", pos: i, end: i + 1})
			i++
		case c == '"' || c == '\'':
			text, j, ok := delimited(q, i, c, unescapeString)
			if !ok {
				return nil, &malformed{"unterminated string literal", i, len(q)}
			}
			toks = append(toks, qtok{kind: qString, text: text, pos: i, end: j})
			i = j
		case c == '`':
			j := strings.IndexByte(q[i+1:], '`')
			if j < 0 {
				return nil, &malformed{"unterminated `quoted` field name", i, len(q)}
			}
			toks = append(toks, qtok{kind: qIdent, text: q[i+1 : i+1+j], pos: i, end: i + 2 + j, quoted: true})
			i += j + 2
		case c == '/' && !valueLike():
			text, j, ok := delimited(q, i, '/', keepEscape)
			if !ok {
				return nil, &malformed{"unterminated regular expression", i, len(q)}
			}
			toks = append(toks, qtok{kind: qRegex, text: text, pos: i, end: j})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(q) && (isDigit(q[j]) || q[j] == '.') {
				j++
			}
			for j < len(q) && isLetter(q[j]) { // duration suffix: 5m, 1h, 100ms
				j++
			}
			toks = append(toks, qtok{kind: qNumber, text: q[i:j], pos: i, end: j})
			i = j
		case isLetter(c) || c == '_' || c == '@' || c == '$':
			j := i
			for j < len(q) && (isLetter(q[j]) || isDigit(q[j]) || q[j] == '_' || q[j] == '@' || q[j] == '.' || q[j] == '$') {
				j++
			}
			toks = append(toks, qtok{kind: qIdent, text: q[i:j], pos: i, end: j})
			i = j
		default:
			op := ""
			for _, o := range []string{"==", "!=", "<=", ">=", "=~", "=", "<", ">", "(", ")", "[", "]", ",", "*", "+", "-", "/", "%", "^", "!"} {
				if strings.HasPrefix(q[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, &malformed{fmt.Sprintf("unexpected character %q", string(rune(c))), i, i + 1}
			}
			toks = append(toks, qtok{kind: qOp, text: op, pos: i, end: i + len(op)})
			i += len(op)
		}
	}
	toks = append(toks, qtok{kind: qEOF, pos: len(q), end: len(q)})
	return toks, nil
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

var keywords = map[string]bool{"and": true, "or": true, "not": true, "like": true, "in": true, "as": true, "by": true, "asc": true, "desc": true}

func isKeyword(s string) bool { return keywords[strings.ToLower(s)] }

// delimited reads the literal that opens with the delimiter at q[i] and closes at the next one that is not escaped.
// An escaped delimiter stands for itself; esc writes any other escape (the byte after a backslash) into b. It
// returns the literal's text, the index after it, and false when it does not close.
func delimited(q string, i int, delim byte, esc func(b *strings.Builder, c byte)) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(q); {
		switch {
		case q[j] == '\\' && j+1 < len(q):
			if q[j+1] == delim {
				b.WriteByte(delim)
			} else {
				esc(&b, q[j+1])
			}
			j += 2
		case q[j] == delim:
			return b.String(), j + 1, true
		default:
			b.WriteByte(q[j])
			j++
		}
	}
	return "", 0, false
}

// unescapeString resolves an escape of a string literal: \n and \t are a line feed and a tab, any other escaped
// byte is itself.
func unescapeString(b *strings.Builder, c byte) {
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	default:
		b.WriteByte(c)
	}
}

// keepEscape keeps an escape of a regular expression as written, for the regular expression to read.
func keepEscape(b *strings.Builder, c byte) {
	b.WriteByte('\\')
	b.WriteByte(c)
}

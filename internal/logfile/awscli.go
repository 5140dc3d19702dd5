package logfile

import (
	"bytes"
	"errors"
	"fmt"
)

// The JSON the AWS CLI prints for `aws logs filter-log-events` and `aws logs get-log-events`
// (docs/design/aws-behaviour.md §6): an object whose "events" member is an array of events, each with
// "timestamp" (Unix milliseconds) and "message" and, from filter-log-events only, "logStreamName"; beside it
// "nextToken" (filter) or "nextForwardToken" and "nextBackwardToken" (get). Several pages saved one after the
// other are several such objects in a row. The CLI indents by four spaces; any JSON layout is read.
//
// The scanner reads one unit at a time (an event, a member of the page, a bracket), from a checkpoint: when the
// buffer ends inside a unit it asks for more and reads the unit again, so an event is never split between reads.
// It does not decode messages: it hands over their raw JSON contents, which workers decode in parallel.

// cliEvent is one event of the JSON: raw string contents, escapes not decoded.
type cliEvent struct {
	stream, message   []byte
	streamEsc, msgEsc bool
	timestamp         int64 // Unix milliseconds, 0 if absent
}

// scanStatus is what one step of the scanner found.
type scanStatus uint8

const (
	scanUnit scanStatus = iota // a unit was read (an event when the event is set)
	scanMore                   // the buffer ends inside a unit: read more and step again from the same place
	scanDone                   // the input ended after a whole page
)

// cliState is where the scanner is in the JSON.
type cliState uint8

const (
	cliTop        cliState = iota // before a page
	cliMemberKey                  // in a page, before a member (or the closing brace of an empty page)
	cliMemberNext                 // in a page, after a member
	cliEventFirst                 // in "events", before the first event (or the closing bracket)
	cliEventNext                  // in "events", after an event
)

type cliScanner struct {
	state cliState
	pages int
}

// errCLI is a malformed page.
type errCLI struct {
	at  int // offset in the buffer given to step
	msg string
}

func (e *errCLI) Error() string { return e.msg }

// step reads the next unit of s. It returns how many bytes it read, and the event when the unit was one. eof
// says that s holds the rest of the input.
func (c *cliScanner) step(s []byte, eof bool) (n int, ev *cliEvent, st scanStatus, err error) {
	i := skipSpace(s, 0)
	if i == len(s) {
		if !eof {
			return 0, nil, scanMore, nil
		}
		if c.state == cliTop {
			if c.pages == 0 {
				return i, nil, 0, &errCLI{i, "no page of events"}
			}
			return i, nil, scanDone, nil
		}
		return i, nil, 0, &errCLI{i, "the JSON ends inside a page"}
	}
	more := func() (int, *cliEvent, scanStatus, error) {
		if eof {
			return 0, nil, 0, &errCLI{len(s), "the JSON ends inside a page"}
		}
		return 0, nil, scanMore, nil
	}
	bad := func(at int, what string) (int, *cliEvent, scanStatus, error) {
		return 0, nil, 0, &errCLI{at, fmt.Sprintf("%s at %q", what, excerpt(s, at))}
	}
	switch c.state {
	case cliTop:
		if s[i] != '{' {
			return bad(i, "expected a page of events (an object)")
		}
		c.state = cliMemberKey
		c.pages++
		return i + 1, nil, scanUnit, nil
	case cliMemberNext:
		switch s[i] {
		case ',':
			c.state = cliMemberKey
			return i + 1, nil, scanUnit, nil
		case '}':
			c.state = cliTop
			return i + 1, nil, scanUnit, nil
		}
		return bad(i, "expected ',' or '}' after a member of the page")
	case cliMemberKey:
		if s[i] == '}' {
			c.state = cliTop
			return i + 1, nil, scanUnit, nil
		}
		key, _, j, ok := str(s, i)
		switch {
		case !ok && j == len(s):
			return more()
		case !ok:
			return bad(i, "expected a member name")
		}
		j = skipSpace(s, j)
		if j == len(s) {
			return more()
		}
		if s[j] != ':' {
			return bad(j, "expected ':'")
		}
		j = skipSpace(s, j+1)
		if j == len(s) {
			return more()
		}
		if string(key) == "events" {
			if s[j] != '[' {
				return bad(j, `expected the array of "events"`)
			}
			c.state = cliEventFirst
			return j + 1, nil, scanUnit, nil
		}
		end, ok := skipValue(s, j)
		if !ok {
			if end == len(s) {
				return more()
			}
			return bad(end, "malformed value")
		}
		c.state = cliMemberNext
		return end, nil, scanUnit, nil
	case cliEventNext:
		switch s[i] {
		case ']':
			c.state = cliMemberNext
			return i + 1, nil, scanUnit, nil
		case ',':
			i = skipSpace(s, i+1)
			if i == len(s) {
				return more()
			}
		default:
			return bad(i, "expected ',' or ']' after an event")
		}
	case cliEventFirst:
		if s[i] == ']' {
			c.state = cliMemberNext
			return i + 1, nil, scanUnit, nil
		}
	}
	// An event.
	e, end, err := event(s, i)
	if err != nil {
		if end == len(s) {
			return more()
		}
		return bad(end, err.Error())
	}
	c.state = cliEventNext
	return end, e, scanUnit, nil
}

var errIncomplete = errors.New("incomplete")

// event reads the event object at s[i:].
func event(s []byte, i int) (*cliEvent, int, error) {
	if s[i] != '{' {
		return nil, i, errors.New("expected an event (an object)")
	}
	e := &cliEvent{}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return e, i + 1, nil
	}
	for {
		key, _, j, ok := str(s, i)
		if !ok {
			if j == len(s) {
				return nil, j, errIncomplete
			}
			return nil, i, errors.New("expected a member name in an event")
		}
		j = skipSpace(s, j)
		if j == len(s) {
			return nil, j, errIncomplete
		}
		if s[j] != ':' {
			return nil, j, errors.New("expected ':' in an event")
		}
		j = skipSpace(s, j+1)
		if j == len(s) {
			return nil, j, errIncomplete
		}
		switch string(key) {
		case "message", "logStreamName":
			if s[j] != '"' { // null, or no value
				lit := []byte("null")
				if len(s)-j < len(lit) && bytes.HasPrefix(lit, s[j:]) {
					return nil, len(s), errIncomplete
				}
				if !bytes.HasPrefix(s[j:], lit) {
					return nil, j, fmt.Errorf("expected a string for %q", key)
				}
				j += len(lit)
				break
			}
			v, esc, end, ok := str(s, j)
			if !ok {
				return nil, end, errIncomplete // a string that does not end in s
			}
			if string(key) == "message" {
				e.message, e.msgEsc = v, esc
			} else {
				e.stream, e.streamEsc = v, esc
			}
			j = end
		case "timestamp":
			end, ok := skipValue(s, j)
			if !ok {
				if end == len(s) {
					return nil, end, errIncomplete
				}
				return nil, end, errors.New(`malformed "timestamp"`)
			}
			e.timestamp = millis(s[j:end])
			j = end
		default:
			end, ok := skipValue(s, j)
			if !ok {
				if end == len(s) {
					return nil, end, errIncomplete
				}
				return nil, end, errors.New("malformed value in an event")
			}
			j = end
		}
		j = skipSpace(s, j)
		if j == len(s) {
			return nil, j, errIncomplete
		}
		switch s[j] {
		case ',':
			i = skipSpace(s, j+1)
			if i == len(s) {
				return nil, i, errIncomplete
			}
		case '}':
			return e, j + 1, nil
		default:
			return nil, j, errors.New("expected ',' or '}' in an event")
		}
	}
}

// str reads the string at s[i:] and returns its raw contents, whether they hold escapes, and the index after its
// closing quote. When the string does not end in s, ok is false and end is len(s); when there is none, ok is
// false and end is i.
func str(s []byte, i int) (raw []byte, escaped bool, end int, ok bool) {
	if i >= len(s) || s[i] != '"' {
		return nil, false, i, false
	}
	start := i + 1
	for j := start; ; {
		k := bytes.IndexByte(s[j:], '"')
		if k < 0 {
			return nil, false, len(s), false
		}
		k += j
		bs := 0 // backslashes right before the quote
		for bs < k-start && s[k-1-bs] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			raw = s[start:k]
			return raw, bytes.IndexByte(raw, '\\') >= 0, k + 1, true
		}
		j = k + 1
	}
}

// skipValue skips the JSON value at s[i:] and returns the index after it. When the value does not end in s, ok is
// false and end is len(s).
func skipValue(s []byte, i int) (end int, ok bool) {
	depth := 0
	for i < len(s) {
		switch c := s[i]; c {
		case '"':
			_, _, e, ok := str(s, i)
			if !ok {
				return e, false
			}
			i = e
		case '{', '[':
			depth++
			i++
		case '}', ']':
			depth--
			if depth < 0 {
				return i, false
			}
			i++
		case ' ', '\t', '\n', '\r', ',', ':':
			if depth == 0 {
				return i, false
			}
			i++
		default:
			j := i
			for j < len(s) && (c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				j++
				if j < len(s) {
					c = s[j]
				}
			}
			if j == i {
				return i, false
			}
			if j == len(s) && depth == 0 {
				return j, false // a number may go on
			}
			i = j
		}
		if depth == 0 {
			return i, true
		}
	}
	return len(s), false
}

// millis reads a timestamp in milliseconds: an integer, possibly written as a float.
func millis(b []byte) int64 {
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
		if n > 1<<53 {
			return 0
		}
	}
	return n
}

// excerpt is a few bytes of s from i, for error messages.
func excerpt(s []byte, i int) string {
	i = min(i, len(s))
	return string(s[i:min(len(s), i+24)])
}

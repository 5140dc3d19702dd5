// Package duration parses the durations users give the provider and the setup tool (Go's spelling: "90m", "1h30m",
// "24h") and, for the spellings Go does not accept but people write ("1d", "2w", "30 min", "1.5 hours"), says which Go
// spelling to use instead.
package duration

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Error is a duration that does not parse.
type Error struct {
	// Input is the text given.
	Input string
	// Suggestion is the same duration in Go's spelling; empty when the text is not recognised at all.
	Suggestion string
}

func (e *Error) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("%q is not a Go duration: use %q", e.Input, e.Suggestion)
	}
	return fmt.Sprintf("%q is not a Go duration such as \"30m\", \"1h\" or \"24h\"", e.Input)
}

// Parse parses a Go duration. When s does not parse, the *Error suggests the Go spelling of what s most likely means.
func Parse(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	return 0, &Error{Input: s, Suggestion: suggest(s)}
}

// spelled matches one number and one unit, with optional space: "1d", "2 weeks", "1.5 hours", "30 min".
var spelled = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$`)

var units = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "wk": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

func suggest(s string) string {
	m := spelled.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	n, err := strconv.ParseFloat(m[1], 64)
	unit, ok := units[strings.ToLower(m[2])]
	if err != nil || !ok || n*float64(unit) > math.MaxInt64 {
		return ""
	}
	return Format(time.Duration(n * float64(unit)))
}

// Format spells d as users write it: "24h", "90m", "1h30m", "45s" (without Go's trailing zero units).
func Format(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Clamp returns the bound of [lo, hi] nearest to d, for suggesting a value in range; d itself when it is in range.
func Clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

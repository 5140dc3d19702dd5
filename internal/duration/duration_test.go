package duration

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         string
		want       time.Duration
		suggestion string // "" with an error: not recognised
		err        bool
	}{
		{in: "90m", want: 90 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1d", err: true, suggestion: "24h"},
		{in: "2w", err: true, suggestion: "336h"},
		{in: "30 min", err: true, suggestion: "30m"},
		{in: "1.5 hours", err: true, suggestion: "1h30m"},
		{in: "2 Days", err: true, suggestion: "48h"},
		{in: "10 fortnights", err: true},
		{in: "soon", err: true},
		{in: "", err: true},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		var de *Error
		switch {
		case !tc.err && (err != nil || got != tc.want):
			t.Errorf("Parse(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		case tc.err && (!errors.As(err, &de) || de.Suggestion != tc.suggestion || de.Input != tc.in):
			t.Errorf("Parse(%q) error %#v, want suggestion %q", tc.in, err, tc.suggestion)
		}
	}
	if _, err := Parse("1d"); err.Error() != `"1d" is not a Go duration: use "24h"` {
		t.Errorf("message: %s", err)
	}
	if _, err := Parse("soon"); err.Error() != `"soon" is not a Go duration such as "30m", "1h" or "24h"` {
		t.Errorf("message: %s", err)
	}
}

func TestFormatAndClamp(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 15 * time.Minute: "15m", 45 * time.Second: "45s", 36*time.Hour + 30*time.Second: "36h0m30s",
	} {
		if got := Format(d); got != want {
			t.Errorf("Format(%s) = %s, want %s", d, got, want)
		}
	}
	if Clamp(5*time.Minute, 15*time.Minute, 12*time.Hour) != 15*time.Minute || Clamp(24*time.Hour, 15*time.Minute, 12*time.Hour) != 12*time.Hour ||
		Clamp(time.Hour, 15*time.Minute, 12*time.Hour) != time.Hour {
		t.Error("Clamp")
	}
}

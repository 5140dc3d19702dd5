package cli

import (
	"strings"
	"testing"
)

func TestWriteCheckLines(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	err := writeCheckLines(&b, []setupCheck{
		{Section: "a", Name: "one", Status: checkOK, Message: "fine", Fix: "not shown"},
		{Section: "a", Name: "three", Status: checkWarn, Message: "hm\nsecond line", Fix: "do this"},
		{Section: "b", Name: "two", Status: checkFail, Message: "broken", Fix: "do that"},
		{Section: "b", Name: "four", Status: checkUnknown, Message: "not read", Fix: "allow it"},
	}, map[string]string{"a": "Section A", "b": "Section B"})
	if err != nil {
		t.Fatal(err)
	}
	want := `Section A
  ok       one    fine
  warn     three  hm
                  second line
                  fix: do this

Section B
  FAIL     two    broken
                  fix: do that
  unknown  four   not read
                  fix: allow it
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	for _, tc := range []struct {
		checks []setupCheck
		status string
		text   string
		code   int
	}{
		{[]setupCheck{{Status: checkOK}, {Status: checkWarn}, {Status: checkWarn}}, checkWarn, "1 ok, 2 warnings, 0 failures", exitOK},
		{[]setupCheck{{Status: checkOK}, {Status: checkUnknown}, {Status: checkWarn}}, checkUnknown, "1 ok, 1 warning, 0 failures, 1 not checked", exitUndecided},
		{[]setupCheck{{Status: checkFail}, {Status: checkUnknown}}, checkFail, "0 ok, 0 warnings, 1 failure, 1 not checked", exitProblems},
	} {
		s := summarizeChecks(tc.checks)
		code := exitOK
		if v := s.verdict("doctor"); v != nil {
			code = v.(*verdict).code //nolint:errorlint,forcetypeassert // verdict returns only *verdict
		}
		if s.status() != tc.status || s.String() != tc.text || code != tc.code {
			t.Errorf("summary %+v: status %q %q exit %d, want %q %q %d", s, s.status(), s.String(), code, tc.status, tc.text, tc.code)
		}
	}
}

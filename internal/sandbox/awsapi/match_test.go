package awsapi

import "testing"

func TestWildcardMatch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "abbc", false, false},
		{"a?c", "aéc", false, true}, // '?' is one character, not one byte
		{"*a*b*", "xxaxxbxx", false, true},
		{"*a*b*", "xxbxxaxx", false, false},
		{"logs:Put*", "logs:PutResourcePolicy", false, true},
		{"logs:put*", "logs:PutResourcePolicy", false, false},
		{"logs:put*", "logs:PutResourcePolicy", true, true},
		{"LOGS:*", "logs:DescribeLogGroups", true, true},
		{"ec2:Describe?pn*", "ec2:DescribeVpnConnections", false, true},
	}
	for _, c := range cases {
		if got := WildcardMatch(c.pattern, c.s, c.fold); got != c.want {
			t.Errorf("WildcardMatch(%q, %q, fold=%v) = %v, want %v", c.pattern, c.s, c.fold, got, c.want)
		}
	}
}

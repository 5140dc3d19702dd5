package awsapi

import "strings"

// WildcardMatch matches s against an IAM/EC2-style pattern with '*' (any run of characters) and '?' (one
// character), as IAM matches action names and resource ARNs and EC2 matches filter values. fold makes the match
// case-insensitive (IAM action names).
func WildcardMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	pat, str := []rune(pattern), []rune(s)
	// Iterative glob with single-star backtracking: linear in practice, no recursion to blow up on
	// hostile patterns.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(str) {
		switch {
		case p < len(pat) && (pat[p] == '?' || pat[p] == str[i]):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

package iam

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// IAM evaluation decisions, as SimulatePrincipalPolicy spells them.
const (
	DecisionAllowed      = "allowed"
	DecisionImplicitDeny = "implicitDeny"
	DecisionExplicitDeny = "explicitDeny"
)

// denyLists say which actions a principal may not perform. Entries are "service:Action" patterns
// with IAM wildcards ('*', '?'), matched case-insensitively like IAM action names.
type denyLists struct {
	implicit, explicit []string
}

func (d denyLists) decide(action string) string {
	for _, p := range d.explicit {
		if awsapi.WildcardMatch(strings.TrimSpace(p), action, true) {
			return DecisionExplicitDeny
		}
	}
	for _, p := range d.implicit {
		if awsapi.WildcardMatch(strings.TrimSpace(p), action, true) {
			return DecisionImplicitDeny
		}
	}
	return DecisionAllowed
}

// Decide evaluates action ("service:Action") for the IAM principal policyARN: a per-principal
// override if one was set, else the global deny lists.
func (s *Service) Decide(policyARN, action string) string {
	if d, ok := s.principalDeny[policyARN]; ok {
		return d.decide(action)
	}
	return s.deny.decide(action)
}

// Allowed reports whether Decide allows the action.
func (s *Service) Allowed(policyARN, action string) bool {
	return s.Decide(policyARN, action) == DecisionAllowed
}

// SetDenyActions replaces the global deny lists, which apply to every principal without an
// override: implicit entries behave like a missing Allow (implicitDeny), explicit ones like a Deny
// statement (explicitDeny). Both make the action fail with the service's access-denied error.
func (s *Service) SetDenyActions(implicit, explicit []string) {
	s.deny = denyLists{implicit: clone(implicit), explicit: clone(explicit)}
}

// SetPrincipalDenyActions gives one principal its own deny lists, replacing the global ones for it.
// principalARN is a role or user ARN; an assumed-role session ARN stands for its role.
func (s *Service) SetPrincipalDenyActions(principalARN string, implicit, explicit []string) {
	s.principalDeny[s.PrincipalFor(principalARN).PolicyARN] = denyLists{implicit: clone(implicit), explicit: clone(explicit)}
}

// ClearPrincipalDenyActions removes a principal's override: the global lists apply to it again.
func (s *Service) ClearPrincipalDenyActions(principalARN string) {
	delete(s.principalDeny, s.PrincipalFor(principalARN).PolicyARN)
}

func clone(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// actionPattern matches an IAM action name as policies write it: "service:Action" with '*' and '?' wildcards in the
// action, or "*" for every action.
var actionPattern = regexp.MustCompile(`^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$`)

// CheckActionPattern checks an entry of the deny lists (the sandbox's Options.DenyActions, POST /_sandbox/deny).
func CheckActionPattern(s string) error {
	if !actionPattern.MatchString(strings.TrimSpace(s)) {
		return fmt.Errorf("%q is not an IAM action: write service:Action, wildcards allowed (logs:DescribeResourcePolicies, iam:*, logs:Put*)", awsapi.Clip(s, 200))
	}
	return nil
}

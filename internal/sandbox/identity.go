package sandbox

import (
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/iam"
)

// Who calls, and what they may do: the sandbox's Go API over the IAM and STS models (internal/sandbox/iam, sts).

// RoleOption customises a role registered with AddRole.
type RoleOption = iam.RoleOption

// WithExternalID makes sts:AssumeRole of the role require this ExternalId.
func WithExternalID(id string) RoleOption { return iam.WithExternalID(id) }

// WithMaxSessionDuration sets the role's MaxSessionDuration (default 1 hour, as on AWS).
func WithMaxSessionDuration(d time.Duration) RoleOption { return iam.WithMaxSessionDuration(d) }

// CheckCallerARN checks that s can be the caller's identity (Options.CallerARN, POST /_sandbox/caller).
func CheckCallerARN(s string) error { return iam.CheckCallerARN(s) }

// CheckActionPattern checks an entry of the deny lists (Options.DenyActions, POST /_sandbox/deny).
func CheckActionPattern(s string) error { return iam.CheckActionPattern(s) }

// SetCallerARN changes the identity of requests not signed with AssumeRole credentials. The IAM
// principal behind it (role or user) is registered if unknown.
func (s *Server) SetCallerARN(callerARN string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callerARN = callerARN
	s.iam.RegisterPrincipalOf(callerARN)
}

// AddRole registers (or replaces) an IAM role, which GetRole, AssumeRole and
// SimulatePrincipalPolicy then know.
func (s *Server) AddRole(name, path string, opts ...RoleOption) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.AddRole(name, path, opts...)
}

// SetDenyActions replaces the global deny lists, which apply to every principal without an
// override: implicit entries behave like a missing Allow (implicitDeny), explicit ones like a Deny
// statement (explicitDeny). Both make the action fail with the service's access-denied error.
func (s *Server) SetDenyActions(implicit, explicit []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.SetDenyActions(implicit, explicit)
}

// SetPrincipalDenyActions gives one principal its own deny lists, replacing the global ones for it.
// principalARN is a role or user ARN; an assumed-role session ARN stands for its role.
func (s *Server) SetPrincipalDenyActions(principalARN string, implicit, explicit []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.SetPrincipalDenyActions(principalARN, implicit, explicit)
}

// ClearPrincipalDenyActions removes a principal's override: the global lists apply to it again.
func (s *Server) ClearPrincipalDenyActions(principalARN string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.iam.ClearPrincipalDenyActions(principalARN)
}

// callerFor resolves the access key of a request to its identity. Keys issued by sts:AssumeRole map
// to their assumed-role session; any other key (the sandbox verifies no signature) is the
// configured caller. Caller holds s.mu.
func (s *Server) callerFor(accessKey string) iam.Principal {
	if arn, ok := s.sts.SessionARN(accessKey); ok {
		return s.iam.PrincipalFor(arn)
	}
	return s.iam.PrincipalFor(s.callerARN)
}

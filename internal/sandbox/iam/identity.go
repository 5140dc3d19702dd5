package iam

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Role is an IAM role known to the sandbox.
type Role struct {
	Name, Path, ID  string
	Created         time.Time
	ExternalID      string        // sts:AssumeRole must send it, when set
	MaxSession      time.Duration // MaxSessionDuration
	TrustPolicyJSON string
}

func (r *Role) arn(partition, account string) string {
	return "arn:" + partition + ":iam::" + account + ":role" + r.Path + r.Name
}

// RoleARN is the role's ARN in the sandbox's partition and account.
func (s *Service) RoleARN(r *Role) string { return r.arn(s.opts.Partition, s.opts.AccountID) }

// User is an IAM user known to the sandbox (registered when the caller is an IAM user).
type User struct {
	Name, Path, ID string
	Created        time.Time
}

// RoleOption customises a role registered with AddRole.
type RoleOption func(*Role)

// WithExternalID makes sts:AssumeRole of the role require this ExternalId.
func WithExternalID(id string) RoleOption { return func(r *Role) { r.ExternalID = id } }

// WithMaxSessionDuration sets the role's MaxSessionDuration (default 1 hour, as on AWS).
func WithMaxSessionDuration(d time.Duration) RoleOption { return func(r *Role) { r.MaxSession = d } }

// Principal is the identity behind a request.
type Principal struct {
	ARN       string // as GetCallerIdentity returns it
	Account   string
	UserID    string
	PolicyARN string // the IAM principal whose policies apply (role ARN for a role session)
}

// stableID derives an AWS-shaped unique id (prefix + 17 characters) from a name, so that the same
// principal keeps its id across runs.
func stableID(prefix, name string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := fnv.New64a()
	_, _ = h.Write([]byte(prefix + "/" + name))
	v := h.Sum64()
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < 17; i++ {
		b.WriteByte(alphabet[v%32])
		v = v/32 ^ uint64(i)*0x9e3779b97f4a7c15
	}
	return b.String()
}

// splitPathName splits "path/to/name" (the resource part after "role/" or "user/") into "/path/to/"
// and "name".
func splitPathName(s string) (path, name string) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return "/", s
	}
	return "/" + s[:i+1], s[i+1:]
}

// PrincipalFor describes an ARN as an identity.
func (s *Service) PrincipalFor(callerARN string) Principal {
	p := Principal{ARN: callerARN, Account: s.opts.AccountID, PolicyARN: callerARN}
	a, err := awsapi.ParseARN(callerARN)
	if err != nil {
		p.UserID = s.opts.AccountID
		return p
	}
	p.Account = a.Account
	switch {
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		rest := strings.TrimPrefix(a.Resource, "assumed-role/")
		roleName, sessionName, _ := strings.Cut(rest, "/")
		p.UserID = stableID("AROA", roleName) + ":" + sessionName
		path := "/"
		if r, ok := s.roles[roleName]; ok {
			path = r.Path
		}
		p.PolicyARN = "arn:" + a.Partition + ":iam::" + a.Account + ":role" + path + roleName
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		p.UserID = a.Account + ":" + strings.TrimPrefix(a.Resource, "federated-user/")
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		_, name := splitPathName(strings.TrimPrefix(a.Resource, "user/"))
		p.UserID = stableID("AIDA", name)
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		_, name := splitPathName(strings.TrimPrefix(a.Resource, "role/"))
		p.UserID = stableID("AROA", name)
	default: // root and anything else
		p.UserID = a.Account
	}
	return p
}

// RegisterPrincipalOf makes sure the IAM principal behind a caller ARN exists, so that the
// provider's preflight (GetCallerIdentity → GetRole → SimulatePrincipalPolicy) works for any caller
// the sandbox is configured with.
func (s *Service) RegisterPrincipalOf(callerARN string) {
	a, err := awsapi.ParseARN(callerARN)
	if err != nil {
		return
	}
	switch {
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		name, _, _ := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
		if _, ok := s.roles[name]; !ok && name != "" {
			s.AddRole(name, "/")
		}
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		path, name := splitPathName(strings.TrimPrefix(a.Resource, "role/"))
		if _, ok := s.roles[name]; !ok && name != "" {
			s.AddRole(name, path)
		}
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		path, name := splitPathName(strings.TrimPrefix(a.Resource, "user/"))
		if _, ok := s.users[name]; !ok && name != "" {
			s.users[name] = &User{Name: name, Path: path, ID: stableID("AIDA", name), Created: s.opts.Now().UTC()}
		}
	}
}

// AddRole registers (or replaces) a role, which GetRole, AssumeRole and SimulatePrincipalPolicy then know. Its trust
// policy lets the account assume it.
func (s *Service) AddRole(name, path string, opts ...RoleOption) {
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	r := &Role{
		Name: name, Path: path, ID: stableID("AROA", name), Created: s.opts.Now().UTC().Truncate(time.Second),
		MaxSession: time.Hour,
		TrustPolicyJSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:` + s.opts.Partition + `:iam::` +
			s.opts.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`,
	}
	for _, o := range opts {
		o(r)
	}
	s.roles[name] = r
}

// Role returns the role named name.
func (s *Service) Role(name string) (*Role, bool) {
	r, ok := s.roles[name]
	return r, ok
}

// RoleByARN returns the role a role ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME) names exactly: only roles of the
// sandbox's account exist, and a role ARN with another path is another role.
func (s *Service) RoleByARN(a awsapi.ARN) (*Role, bool) {
	rest, ok := strings.CutPrefix(a.Resource, "role/")
	if !ok || a.Service != "iam" {
		return nil, false
	}
	_, name := splitPathName(rest)
	r, ok := s.roles[name]
	if !ok || a.Account != s.opts.AccountID || r.arn(a.Partition, a.Account) != a.String() {
		return nil, false
	}
	return r, true
}

// trustPolicyEncoded is the AssumeRolePolicyDocument as IAM returns it: URL-encoded JSON.
func (r *Role) trustPolicyEncoded() string {
	return strings.ReplaceAll(url.QueryEscape(r.TrustPolicyJSON), "+", "%20")
}

// callerARNPattern matches the identities a caller can have: an assumed-role session, a federated user, an IAM user
// or role (with a path), or the account root. It is compiled on first use: its counted repetitions make it cost
// almost 2 ms, which every start of the binary (the provider, each CLI command) would pay.
var callerARNPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws(-[a-z]+)*:(sts::[0-9]{12}:(assumed-role/[\w+=,.@-]{1,64}/[\w+=,.@-]{2,64}|federated-user/[\w+=,.@-]{2,64})|` +
		`iam::[0-9]{12}:((user|role)(/[\x21-\x7e]{1,510})?/[\w+=,.@-]{1,64}|root))$`)
})

// CheckCallerARN checks that s can be the caller's identity (the sandbox's Options.CallerARN, POST /_sandbox/caller).
func CheckCallerARN(s string) error {
	if !callerARNPattern().MatchString(s) {
		return fmt.Errorf("%q is not the ARN of an IAM user or role, an assumed-role session, a federated user or an account root; "+
			"for example arn:aws:sts::123456789012:assumed-role/ROLE/SESSION or arn:aws:iam::123456789012:user/NAME", awsapi.Clip(s, 200))
	}
	return nil
}

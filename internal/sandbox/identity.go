package sandbox

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// arn is a parsed Amazon Resource Name.
type arn struct {
	Partition, Service, Region, Account, Resource string
}

func parseARN(s string) (arn, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return arn{}, errors.New("not an ARN")
	}
	return arn{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, nil
}

func (a arn) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// role is an IAM role known to the sandbox.
type role struct {
	Name, Path, ID  string
	Created         time.Time
	ExternalID      string
	MaxSession      time.Duration
	TrustPolicyJSON string
}

func (r *role) arn(partition, account string) string {
	return "arn:" + partition + ":iam::" + account + ":role" + r.Path + r.Name
}

// user is an IAM user known to the sandbox (registered when the caller is an IAM user).
type user struct {
	Name, Path, ID string
	Created        time.Time
}

// session is a set of temporary credentials issued by sts:AssumeRole.
type session struct {
	ARN     string // arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	Role    string
	Expires time.Time
}

// RoleOption customises a role registered with AddRole.
type RoleOption func(*role)

// WithExternalID makes sts:AssumeRole of the role require this ExternalId.
func WithExternalID(id string) RoleOption { return func(r *role) { r.ExternalID = id } }

// WithMaxSessionDuration sets the role's MaxSessionDuration (default 1 hour, as on AWS).
func WithMaxSessionDuration(d time.Duration) RoleOption { return func(r *role) { r.MaxSession = d } }

// principal is the identity behind a request.
type principal struct {
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

// principalFor describes an ARN as an identity. Caller holds s.mu.
func (s *Server) principalFor(callerARN string) principal {
	p := principal{ARN: callerARN, Account: s.opts.AccountID, PolicyARN: callerARN}
	a, err := parseARN(callerARN)
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

// callerFor resolves the access key of a request to its identity. Keys issued by sts:AssumeRole map
// to their assumed-role session; any other key (the sandbox verifies no signature) is the
// configured caller. Caller holds s.mu.
func (s *Server) callerFor(accessKey string) principal {
	if sess, ok := s.sessions[accessKey]; ok {
		// Simplification: expired session credentials keep working (AWS would answer
		// ExpiredToken); the sandbox verifies no signature and no token either.
		return s.principalFor(sess.ARN)
	}
	return s.principalFor(s.callerARN)
}

// registerPrincipalOf makes sure the IAM principal behind a caller ARN exists, so that the
// provider's preflight (GetCallerIdentity → GetRole → SimulatePrincipalPolicy) works for any caller
// the sandbox is configured with. Caller holds s.mu.
func (s *Server) registerPrincipalOf(callerARN string) {
	a, err := parseARN(callerARN)
	if err != nil {
		return
	}
	switch {
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		name, _, _ := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
		if _, ok := s.roles[name]; !ok && name != "" {
			s.addRoleLocked(name, "/")
		}
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		path, name := splitPathName(strings.TrimPrefix(a.Resource, "role/"))
		if _, ok := s.roles[name]; !ok && name != "" {
			s.addRoleLocked(name, path)
		}
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		path, name := splitPathName(strings.TrimPrefix(a.Resource, "user/"))
		if _, ok := s.users[name]; !ok && name != "" {
			s.users[name] = &user{Name: name, Path: path, ID: stableID("AIDA", name), Created: s.now().UTC()}
		}
	}
}

func (s *Server) addRoleLocked(name, path string, opts ...RoleOption) {
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	r := &role{
		Name: name, Path: path, ID: stableID("AROA", name), Created: s.now().UTC().Truncate(time.Second),
		MaxSession: time.Hour,
		TrustPolicyJSON: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:` + s.partition() + `:iam::` +
			s.opts.AccountID + `:root"},"Action":"sts:AssumeRole"}]}`,
	}
	for _, o := range opts {
		o(r)
	}
	s.roles[name] = r
}

// trustPolicyEncoded is the AssumeRolePolicyDocument as IAM returns it: URL-encoded JSON.
func (r *role) trustPolicyEncoded() string {
	return strings.ReplaceAll(url.QueryEscape(r.TrustPolicyJSON), "+", "%20")
}

// callerARNPattern matches the identities a caller can have: an assumed-role session, a federated user, an IAM user
// or role (with a path), or the account root.
var callerARNPattern = regexp.MustCompile(`^arn:aws(-[a-z]+)*:(sts::[0-9]{12}:(assumed-role/[\w+=,.@-]{1,64}/[\w+=,.@-]{2,64}|federated-user/[\w+=,.@-]{2,64})|` +
	`iam::[0-9]{12}:((user|role)(/[\x21-\x7e]{1,510})?/[\w+=,.@-]{1,64}|root))$`)

// CheckCallerARN checks that s can be the caller's identity (Options.CallerARN, POST /_sandbox/caller).
func CheckCallerARN(s string) error {
	if !callerARNPattern.MatchString(s) {
		return fmt.Errorf("%q is not the ARN of an IAM user or role, an assumed-role session, a federated user or an account root; "+
			"for example arn:aws:sts::123456789012:assumed-role/ROLE/SESSION or arn:aws:iam::123456789012:user/NAME", clip(s, 200))
	}
	return nil
}

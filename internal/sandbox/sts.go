package sandbox

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// stsHandler serves one STS action (2011-06-15, awsQuery). It runs with s.mu held.
type stsHandler func(s *Server, caller principal, p params) (any, *apiError)

var stsActions map[string]stsHandler

func init() {
	stsActions = map[string]stsHandler{
		"GetCallerIdentity": (*Server).getCallerIdentity,
		"AssumeRole":        (*Server).assumeRole,
	}
}

func (s *Server) serveSTS(caller principal, req *awsRequest, requestID string) (*response, *apiError) {
	result, e := stsActions[req.action](s, caller, req.params)
	if e != nil {
		return nil, e
	}
	return queryResponse(stsNamespace, req.action, requestID, result), nil
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string   `xml:"Arn"`
	UserID  string   `xml:"UserId"`
	Account string   `xml:"Account"`
}

func (s *Server) getCallerIdentity(caller principal, _ params) (any, *apiError) {
	return &getCallerIdentityResult{Arn: caller.ARN, UserID: caller.UserID, Account: caller.Account}, nil
}

type assumeRoleResult struct {
	XMLName     xml.Name `xml:"AssumeRoleResult"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
}

var roleSessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// validationError is the awsQuery input-validation error ("1 validation error detected: …").
func validationError(format string, args ...any) *apiError {
	return newError(0, "ValidationError", format, args...)
}

func (s *Server) assumeRole(caller principal, p params) (any, *apiError) {
	roleARN, ok := p.str("RoleArn")
	if !ok {
		return nil, validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	sessionName, ok := p.str("RoleSessionName")
	if !ok {
		return nil, validationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	if !roleSessionNamePattern.MatchString(sessionName) {
		return nil, validationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", clip(sessionName, 80))
	}
	duration := time.Hour
	if v, err := p.integer("DurationSeconds"); err != nil {
		return nil, validationError("%s", err.Error())
	} else if v != nil {
		switch {
		case *v < 900:
			return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", *v)
		case *v > 43200:
			return nil, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", *v)
		}
		duration = time.Duration(*v) * time.Second
	}
	denied := newError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, clip(roleARN, 256))
	a, err := parseARN(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, validationError("%s is invalid", clip(roleARN, 256))
	}
	_, name := splitPathName(strings.TrimPrefix(a.Resource, "role/"))
	r, ok := s.roles[name]
	// Only roles of the sandbox's account exist; a role ARN with another path is another role.
	if !ok || a.Account != s.opts.AccountID || r.arn(a.Partition, a.Account) != roleARN {
		return nil, denied
	}
	if r.ExternalID != "" && p.get("ExternalId") != r.ExternalID {
		return nil, denied
	}
	if duration > r.MaxSession {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if strings.Contains(caller.ARN, ":assumed-role/") && duration > time.Hour {
		return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	out := &assumeRoleResult{}
	key := "ASIA" + s.randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
	out.Credentials.AccessKeyID = key
	out.Credentials.SecretAccessKey = s.randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
	token := make([]byte, 96)
	for i := range token {
		token[i] = byte(s.rnd.IntN(256))
	}
	out.Credentials.SessionToken = "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(token)
	expires := s.now().Add(duration).UTC()
	out.Credentials.Expiration = expires.Format(time.RFC3339)
	sessionARN := "arn:" + a.Partition + ":sts::" + a.Account + ":assumed-role/" + r.Name + "/" + sessionName
	out.AssumedRoleUser.Arn = sessionARN // no path, as AWS
	out.AssumedRoleUser.AssumedRoleID = r.ID + ":" + sessionName
	s.sessions[key] = &session{ARN: sessionARN, Role: r.Name, Expires: expires}
	return out, nil
}

// randomString draws n characters of alphabet from the seeded source. Caller holds s.mu.
func (s *Server) randomString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rnd.IntN(len(alphabet))]
	}
	return string(b)
}

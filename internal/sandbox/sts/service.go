// Package sts is the sandbox's model of AWS Security Token Service (2011-06-15, awsQuery): GetCallerIdentity, and
// AssumeRole of the roles the iam model knows, whose temporary credentials then act as the role session.
//
// A Service is not safe for concurrent use: the sandbox calls it under its one lock. Like the rest of the sandbox it
// imports no package of the product.
package sts

import (
	"encoding/base64"
	"encoding/xml"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/iam"
)

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Options configure a Service.
type Options struct {
	IAM  *iam.Service     // the roles AssumeRole assumes
	Rand *rand.Rand       // the sandbox's seeded source: access keys, secrets and tokens
	Now  func() time.Time // clock
}

// Service is STS of one account.
type Service struct {
	opts     Options
	sessions map[string]*session // by access key
}

// session is a set of temporary credentials issued by sts:AssumeRole.
type session struct {
	ARN     string // arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	Role    string
	Expires time.Time
}

// New returns an STS that has issued no credentials.
func New(opts Options) *Service {
	return &Service{opts: opts, sessions: map[string]*session{}}
}

// handler serves one STS action.
type handler func(s *Service, caller iam.Principal, p awsapi.Params) (any, *awsapi.Error)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"GetCallerIdentity": (*Service).getCallerIdentity,
		"AssumeRole":        (*Service).assumeRole,
	}
}

// HasAction reports whether STS has the action (as far as the sandbox emulates it).
func HasAction(action string) bool { return handlers[action] != nil }

// Serve runs an action HasAction knows for caller, after the caller's permission was checked.
func (s *Service) Serve(caller iam.Principal, action string, p awsapi.Params, requestID string) (*awsapi.Response, *awsapi.Error) {
	result, e := handlers[action](s, caller, p)
	if e != nil {
		return nil, e
	}
	return awsapi.QueryResponse(Namespace, action, requestID, result), nil
}

// SessionARN is the assumed-role session ARN of an access key AssumeRole issued.
//
// Simplification: expired session credentials keep working (AWS would answer ExpiredToken); the sandbox verifies no
// signature and no token either.
func (s *Service) SessionARN(accessKey string) (string, bool) {
	sess, ok := s.sessions[accessKey]
	if !ok {
		return "", false
	}
	return sess.ARN, true
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string   `xml:"Arn"`
	UserID  string   `xml:"UserId"`
	Account string   `xml:"Account"`
}

func (s *Service) getCallerIdentity(caller iam.Principal, _ awsapi.Params) (any, *awsapi.Error) {
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

// roleSessionNamePattern is compiled on first use, not at every start of the binary.
var roleSessionNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })

func (s *Service) assumeRole(caller iam.Principal, p awsapi.Params) (any, *awsapi.Error) {
	roleARN, ok := p.Str("RoleArn")
	if !ok {
		return nil, awsapi.ValidationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	sessionName, ok := p.Str("RoleSessionName")
	if !ok {
		return nil, awsapi.ValidationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	if !roleSessionNamePattern().MatchString(sessionName) {
		return nil, awsapi.ValidationError("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", awsapi.Clip(sessionName, 80))
	}
	duration := time.Hour
	if v, err := p.Integer("DurationSeconds"); err != nil {
		return nil, awsapi.ValidationError("%s", err.Error())
	} else if v != nil {
		switch {
		case *v < 900:
			return nil, awsapi.ValidationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", *v)
		case *v > 43200:
			return nil, awsapi.ValidationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", *v)
		}
		duration = time.Duration(*v) * time.Second
	}
	denied := awsapi.NewError(http.StatusForbidden, awsapi.CodeAccessDenied, "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, awsapi.Clip(roleARN, 256))
	a, err := awsapi.ParseARN(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, awsapi.ValidationError("%s is invalid", awsapi.Clip(roleARN, 256))
	}
	r, ok := s.opts.IAM.RoleByARN(a)
	if !ok {
		return nil, denied
	}
	if r.ExternalID != "" && p.Get("ExternalId") != r.ExternalID {
		return nil, denied
	}
	if duration > r.MaxSession {
		return nil, awsapi.ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if strings.Contains(caller.ARN, ":assumed-role/") && duration > time.Hour {
		return nil, awsapi.ValidationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}

	out := &assumeRoleResult{}
	key := "ASIA" + s.randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
	out.Credentials.AccessKeyID = key
	out.Credentials.SecretAccessKey = s.randomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)
	token := make([]byte, 96)
	for i := range token {
		token[i] = byte(s.opts.Rand.IntN(256))
	}
	out.Credentials.SessionToken = "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(token)
	expires := s.opts.Now().Add(duration).UTC()
	out.Credentials.Expiration = expires.Format(time.RFC3339)
	sessionARN := "arn:" + a.Partition + ":sts::" + a.Account + ":assumed-role/" + r.Name + "/" + sessionName
	out.AssumedRoleUser.Arn = sessionARN // no path, as AWS
	out.AssumedRoleUser.AssumedRoleID = r.ID + ":" + sessionName
	s.sessions[key] = &session{ARN: sessionARN, Role: r.Name, Expires: expires}
	return out, nil
}

// randomString draws n characters of alphabet from the seeded source.
func (s *Service) randomString(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.opts.Rand.IntN(len(alphabet))]
	}
	return string(b)
}

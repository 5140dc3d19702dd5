// Package iam is the sandbox's model of AWS Identity and Access Management: the principals requests act as (roles,
// users, and the sessions STS issues for roles), GetRole and SimulatePrincipalPolicy (IAM 2010-05-08, awsQuery), and
// the deny lists that stand for the principals' policies, which the sandbox applies to every AWS call and the
// simulator reports.
//
// A Service is not safe for concurrent use: the sandbox calls it under its one lock. Like the rest of the sandbox it
// imports no package of the product; AWS behaviour it relies on is recorded in docs/design/aws-behaviour.md.
package iam

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Namespace is the XML namespace of IAM responses.
const Namespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// IAM error codes (besides awsapi's common ones).
const (
	CodeNoSuchEntity = "NoSuchEntity"
	CodeInvalidInput = "InvalidInput"
)

// Options configure a Service.
type Options struct {
	Partition, AccountID string
	Now                  func() time.Time
	// DenyActions / ExplicitDenyActions are the global deny lists (see SetDenyActions).
	DenyActions, ExplicitDenyActions []string
}

// Service is the IAM model of one account.
type Service struct {
	opts          Options
	roles         map[string]*Role
	users         map[string]*User
	deny          denyLists
	principalDeny map[string]denyLists
}

// New returns an account without roles or users.
func New(opts Options) *Service {
	return &Service{
		opts:          opts,
		roles:         map[string]*Role{},
		users:         map[string]*User{},
		deny:          denyLists{implicit: clone(opts.DenyActions), explicit: clone(opts.ExplicitDenyActions)},
		principalDeny: map[string]denyLists{},
	}
}

// handler serves one IAM action.
type handler func(s *Service, p awsapi.Params) (any, *awsapi.Error)

var handlers map[string]handler

func init() {
	handlers = map[string]handler{
		"GetRole":                 (*Service).getRole,
		"SimulatePrincipalPolicy": (*Service).simulatePrincipalPolicy,
	}
}

// HasAction reports whether IAM has the action (as far as the sandbox emulates it).
func HasAction(action string) bool { return handlers[action] != nil }

// Serve runs an action HasAction knows, after the caller's permission was checked.
func (s *Service) Serve(action string, p awsapi.Params, requestID string) (*awsapi.Response, *awsapi.Error) {
	result, e := handlers[action](s, p)
	if e != nil {
		return nil, e
	}
	return awsapi.QueryResponse(Namespace, action, requestID, result), nil
}

func noSuchEntity(kind, name string) *awsapi.Error {
	return awsapi.NewError(http.StatusNotFound, CodeNoSuchEntity, "The %s with name %s cannot be found.", kind, awsapi.Clip(name, 128))
}

type xRole struct {
	Path                     string   `xml:"Path"`
	RoleName                 string   `xml:"RoleName"`
	RoleID                   string   `xml:"RoleId"`
	Arn                      string   `xml:"Arn"`
	CreateDate               string   `xml:"CreateDate"`
	AssumeRolePolicyDocument string   `xml:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int64    `xml:"MaxSessionDuration"`
	RoleLastUsed             struct{} `xml:"RoleLastUsed"`
}

type getRoleResult struct {
	XMLName xml.Name `xml:"GetRoleResult"`
	Role    xRole    `xml:"Role"`
}

func (s *Service) getRole(p awsapi.Params) (any, *awsapi.Error) {
	name, ok := p.Str("RoleName")
	if !ok {
		return nil, awsapi.ValidationError("1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r, ok := s.roles[name]
	if !ok {
		return nil, noSuchEntity("role", name)
	}
	return &getRoleResult{Role: xRole{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: s.RoleARN(r),
		CreateDate: r.Created.UTC().Format(time.RFC3339), AssumeRolePolicyDocument: r.trustPolicyEncoded(),
		MaxSessionDuration: int64(r.MaxSession / time.Second),
	}}, nil
}

type simulateResult struct {
	XMLName           xml.Name            `xml:"SimulatePrincipalPolicyResult"`
	EvaluationResults []xEvaluationResult `xml:"EvaluationResults>member"`
	IsTruncated       bool                `xml:"IsTruncated"`
}

type xEvaluationResult struct {
	EvalActionName       string   `xml:"EvalActionName"`
	EvalResourceName     string   `xml:"EvalResourceName"`
	EvalDecision         string   `xml:"EvalDecision"`
	MatchedStatements    struct{} `xml:"MatchedStatements"`
	MissingContextValues struct{} `xml:"MissingContextValues"`
}

// simulatePrincipalPolicy answers from the deny lists of the principal (explicit → explicitDeny,
// implicit → implicitDeny, else allowed). PolicySourceArn must name an existing user, group or role;
// a session ARN is refused like AWS does ("You cannot specify the ARN of an assumed role").
//
// UNCONFIRMED: whether the simulator recognises permission-only actions such as
// logs:CreateLogDelivery (docs/design/aws-behaviour.md §4.2); the sandbox evaluates any action name.
func (s *Service) simulatePrincipalPolicy(p awsapi.Params) (any, *awsapi.Error) {
	source, ok := p.Str("PolicySourceArn")
	if !ok {
		return nil, awsapi.ValidationError("1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
	}
	actions := p.MemberList("ActionNames")
	if len(actions) == 0 {
		return nil, awsapi.ValidationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	if e := s.checkPolicySource(source); e != nil {
		return nil, e
	}
	// IAM's MaxItems range (1 to 1000). The sandbox answers in one page whatever the value.
	if v, err := p.Integer("MaxItems"); err != nil {
		return nil, awsapi.ValidationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", awsapi.Clip(p.Get("MaxItems"), 32))
	} else if v != nil && *v < 1 {
		return nil, awsapi.ValidationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", *v)
	} else if v != nil && *v > 1000 {
		return nil, awsapi.ValidationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", *v)
	}
	resources := p.MemberList("ResourceArns")
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := &simulateResult{}
	for _, action := range actions {
		for _, res := range resources {
			out.EvaluationResults = append(out.EvaluationResults, xEvaluationResult{
				EvalActionName: action, EvalResourceName: res, EvalDecision: s.Decide(source, action),
			})
		}
	}
	return out, nil
}

// checkPolicySource verifies that PolicySourceArn names an IAM principal the sandbox knows.
func (s *Service) checkPolicySource(source string) *awsapi.Error {
	a, err := awsapi.ParseARN(source)
	if err != nil || len(source) < 20 {
		return awsapi.NewError(0, CodeInvalidInput, "Invalid ARN: %s", awsapi.Clip(source, 256))
	}
	if a.Service == "sts" {
		// UNCONFIRMED: message wording (docs/design/aws-behaviour.md §4.3: "SimulatePrincipalPolicy requires an IAM role
		// ARN, not an STS assumed-role session ARN").
		return awsapi.NewError(0, CodeInvalidInput, "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role, not an assumed-role session.", awsapi.Clip(source, 256))
	}
	if a.Service != "iam" {
		return awsapi.NewError(0, CodeInvalidInput, "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role.", awsapi.Clip(source, 256))
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	_, name := splitPathName(rest)
	switch kind {
	case "role":
		if r, ok := s.roles[name]; ok && a.Account == s.opts.AccountID && r.arn(a.Partition, a.Account) == source {
			return nil
		}
		return noSuchEntity("role", name)
	case "user":
		if u, ok := s.users[name]; ok && a.Account == s.opts.AccountID && "arn:"+a.Partition+":iam::"+a.Account+":user"+u.Path+u.Name == source {
			return nil
		}
		return noSuchEntity("user", name)
	case "group":
		return noSuchEntity("group", name) // the sandbox has no groups
	}
	return awsapi.NewError(0, CodeInvalidInput, "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role.", awsapi.Clip(source, 256))
}

package sandbox

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// iamHandler serves one IAM action (2010-05-08, awsQuery). It runs with s.mu held.
type iamHandler func(s *Server, caller principal, p params) (any, *apiError)

var iamActions map[string]iamHandler

func init() {
	iamActions = map[string]iamHandler{
		"GetRole":                 (*Server).getRole,
		"SimulatePrincipalPolicy": (*Server).simulatePrincipalPolicy,
	}
}

func (s *Server) serveIAM(caller principal, req *awsRequest, requestID string) (*response, *apiError) {
	result, e := iamActions[req.action](s, caller, req.params)
	if e != nil {
		return nil, e
	}
	return queryResponse(iamNamespace, req.action, requestID, result), nil
}

func noSuchEntity(kind, name string) *apiError {
	return newError(http.StatusNotFound, "NoSuchEntity", "The %s with name %s cannot be found.", kind, clip(name, 128))
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

func (s *Server) getRole(_ principal, p params) (any, *apiError) {
	name, ok := p.str("RoleName")
	if !ok {
		return nil, validationError("1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")
	}
	r, ok := s.roles[name]
	if !ok {
		return nil, noSuchEntity("role", name)
	}
	return &getRoleResult{Role: xRole{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.arn(s.partition(), s.opts.AccountID),
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
func (s *Server) simulatePrincipalPolicy(_ principal, p params) (any, *apiError) {
	source, ok := p.str("PolicySourceArn")
	if !ok {
		return nil, validationError("1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
	}
	actions := p.memberList("ActionNames")
	if len(actions) == 0 {
		return nil, validationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	if e := s.checkPolicySource(source); e != nil {
		return nil, e
	}
	// IAM's MaxItems range (1 to 1000). The sandbox answers in one page whatever the value.
	if v, err := p.integer("MaxItems"); err != nil {
		return nil, validationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", clip(p.get("MaxItems"), 32))
	} else if v != nil && *v < 1 {
		return nil, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", *v)
	} else if v != nil && *v > 1000 {
		return nil, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", *v)
	}
	resources := p.memberList("ResourceArns")
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	out := &simulateResult{}
	for _, action := range actions {
		for _, res := range resources {
			out.EvaluationResults = append(out.EvaluationResults, xEvaluationResult{
				EvalActionName: action, EvalResourceName: res, EvalDecision: s.decide(source, action),
			})
		}
	}
	return out, nil
}

// checkPolicySource verifies that PolicySourceArn names an IAM principal the sandbox knows.
func (s *Server) checkPolicySource(source string) *apiError {
	a, err := parseARN(source)
	if err != nil || len(source) < 20 {
		return newError(0, "InvalidInput", "Invalid ARN: %s", clip(source, 256))
	}
	if a.Service == "sts" {
		// UNCONFIRMED: message wording (docs/design/aws-behaviour.md §4.3: "SimulatePrincipalPolicy requires an IAM role
		// ARN, not an STS assumed-role session ARN").
		return newError(0, "InvalidInput", "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role, not an assumed-role session.", clip(source, 256))
	}
	if a.Service != "iam" {
		return newError(0, "InvalidInput", "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role.", clip(source, 256))
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
	return newError(0, "InvalidInput", "Invalid PolicySourceArn %s: specify the ARN of an IAM user, group or role.", clip(source, 256))
}

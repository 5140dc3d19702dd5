package iampolicy

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
)

// STS is the part of the STS client Check uses.
type STS interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// IAM is the part of the IAM client Check uses.
type IAM interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	SimulatePrincipalPolicy(ctx context.Context, in *iam.SimulatePrincipalPolicyInput, optFns ...func(*iam.Options)) (*iam.SimulatePrincipalPolicyOutput, error)
}

// Clients is what Check needs: the clients, the caller if already known, and the scope the actions are
// simulated in.
type Clients struct {
	STS STS
	IAM IAM
	// CallerARN is the sts:GetCallerIdentity ARN if the caller already knows it; empty: Check asks STS.
	CallerARN string
	// Scope gives the resources actions are simulated on (see Check).
	Scope Scope
}

// ClientsFrom adapts the shared AWS clients.
func ClientsFrom(c *awsconfig.Clients) Clients {
	return Clients{
		STS:       c.STS,
		IAM:       c.IAM,
		CallerARN: c.CallerARN,
		Scope:     Scope{Partition: c.Partition, Region: c.Region, AccountID: c.AccountID},
	}
}

// Result is the outcome of a permissions check.
type Result struct {
	// PrincipalARN is the IAM principal simulated (for an assumed-role session: its role, with the role's path
	// when iam:GetRole could read it). Empty when no principal could be determined.
	PrincipalARN string
	// CallerARN is the caller identity when the principal defaulted to the caller.
	CallerARN string
	// Actions are the actions checked, sorted.
	Actions []string
	// Allowed is true when the simulation ran and allowed every action.
	Allowed bool
	// Missing are the actions no policy allows (implicitDeny), sorted.
	Missing []string
	// ExplicitlyDenied are the actions a Deny statement, permissions boundary or SCP denies (explicitDeny), sorted.
	ExplicitlyDenied []string
	// Evaluated is false when the simulation could not run; Reason then says why and what was not checked.
	Evaluated bool
	// Reason explains the result in one or more sentences, including notes such as a role path that could not be read.
	Reason string
}

// Fix says how to grant what the simulation found missing, in sentences; "" when nothing is. policy names, in the
// adapter's vocabulary, the policy to attach and where to get it, completing "Attach to <principal> ...": "the
// policy that `terraform-provider-vpnlogs policy` prints". An explicit Deny needs its own fix: no Allow overrides it.
func (r Result) Fix(policy string) string {
	var fixes []string
	if len(r.Missing) > 0 {
		fixes = append(fixes, fmt.Sprintf("Attach to %s %s (it grants %s).", r.PrincipalARN, policy, strings.Join(r.Missing, ", ")))
	}
	if len(r.ExplicitlyDenied) > 0 {
		fixes = append(fixes, fmt.Sprintf("Remove or narrow the explicit Deny of %s (an identity policy, a permissions boundary or a "+
			"service control policy): an Allow does not override it.", strings.Join(r.ExplicitlyDenied, ", ")))
	}
	return strings.Join(fixes, " ")
}

// maxActionsPerCall bounds ActionNames in one SimulatePrincipalPolicy request.
//
// UNCONFIRMED: the IAM API reference gives no maximum number of ActionNames; choice: 100 per request (the
// default MaxItems), which every action set of this package fits in one request.
const maxActionsPerCall = 100

// maxItems is the page size asked of SimulatePrincipalPolicy (the API's maximum, 1000).
const maxItems = 1000

// Check simulates principalARN's identity-based permissions for actions with iam:SimulatePrincipalPolicy.
//
//   - principalARN empty: the caller (c.CallerARN, or sts:GetCallerIdentity).
//   - An assumed-role session ARN stands for its role; the role's path, which session ARNs drop, is read with
//     iam:GetRole. If that fails the pathless role ARN is simulated and Reason says so.
//   - IAM users, roles and groups are simulated as given; federated users and the root user cannot be simulated
//     (Evaluated false, Reason says to give principal_arn).
//   - actions empty: RequiredActions.
//
// Each action is simulated on the resource the policy document grants it on in c.Scope (for example
// ec2:ModifyVpnTunnelOptions on arn:aws:ec2:REGION:ACCOUNT:vpn-connection/*), so a principal holding exactly the
// scoped document is allowed; unknown actions on "*". All actions go in one request (paginated).
//
// Check never returns an error: a simulation that cannot run is a Result with Evaluated false.
func Check(ctx context.Context, c Clients, principalARN string, actions []string) Result {
	var res Result
	res.Actions = NormalizeActions(actions)
	for _, a := range res.Actions {
		if svc, name, ok := strings.Cut(a, ":"); !ok || svc == "" || name == "" || strings.ContainsAny(a, " \t") {
			res.Reason = fmt.Sprintf("%q is not an IAM action name; write actions as service:Action, for example %s. Nothing was checked.", a, ActionCreateLogDelivery)
			return res
		}
	}
	notChecked := "Not checked: " + strings.Join(res.Actions, ", ") + "."

	// Who is simulated.
	given := strings.TrimSpace(principalARN)
	if given == "" {
		res.CallerARN = c.CallerARN
		if res.CallerARN == "" {
			out, err := c.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				res.Reason = fmt.Sprintf("The caller could not be identified: sts:GetCallerIdentity failed (%s), so the permissions were not simulated. "+
					"Give principal_arn (--principal-arn) as the IAM user or role to check. %s", errorText(err), notChecked)
				return res
			}
			res.CallerARN = aws.ToString(out.Arn)
		}
		given = res.CallerARN
	}
	p, err := ParsePrincipal(given)
	if err != nil {
		res.Reason = "The permissions were not simulated: " + err.Error() + ". Give principal_arn (--principal-arn) as an IAM user or role ARN. " + notChecked
		return res
	}
	if err := p.Simulatable(); err != nil {
		res.Reason = "The permissions were not simulated: " + err.Error() + ". " + notChecked
		return res
	}

	// Who calls IAM, for messages about the caller's own permissions.
	caller := "the caller"
	if who := firstNonEmpty(res.CallerARN, c.CallerARN); who != "" {
		caller = who
	}

	var notes []string
	res.PrincipalARN = p.ARN
	pathless := false
	if p.Kind == KindAssumedRole {
		// UNCONFIRMED: whether IAM resolves a pathless role ARN of a role that has a path. Choice: when iam:GetRole
		// fails, simulate the pathless ARN anyway and, on NoSuchEntity, tell the user to give the full ARN.
		res.PrincipalARN = p.RoleARN()
		out, err := c.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(p.Name)})
		switch {
		case err == nil && out.Role != nil && aws.ToString(out.Role.Arn) != "":
			res.PrincipalARN = aws.ToString(out.Role.Arn)
		case awsconfig.IsAccessDenied(err):
			pathless = true
			notes = append(notes, fmt.Sprintf("The role's path could not be read (%s may not call %s on role %s), so the role ARN without a path, %s, was simulated. "+
				"If the role has a path, give principal_arn (--principal-arn) with the role's full ARN, or allow %s on it.",
				caller, ActionGetRole, p.Name, res.PrincipalARN, ActionGetRole))
		default:
			pathless = true
			notes = append(notes, fmt.Sprintf("The role's path could not be read with %s (%s), so the role ARN without a path, %s, was simulated.",
				ActionGetRole, errorText(err), res.PrincipalARN))
		}
	}

	decisions, err := simulate(ctx, c.IAM, res.PrincipalARN, res.Actions, c.Scope)
	if err != nil {
		res.Reason = joinSentences(append(notes, simulationFailure(err, caller, res.PrincipalARN, pathless), notChecked)...)
		return res
	}

	var undecided []string
	for _, a := range res.Actions {
		switch decisions[strings.ToLower(a)] {
		case string(iamtypes.PolicyEvaluationDecisionTypeAllowed):
		case string(iamtypes.PolicyEvaluationDecisionTypeExplicitDeny):
			res.ExplicitlyDenied = append(res.ExplicitlyDenied, a)
		case string(iamtypes.PolicyEvaluationDecisionTypeImplicitDeny):
			res.Missing = append(res.Missing, a)
		default:
			undecided = append(undecided, a)
		}
	}
	if len(undecided) > 0 {
		res.Missing, res.ExplicitlyDenied = nil, nil
		res.Reason = joinSentences(append(notes,
			fmt.Sprintf("iam:SimulatePrincipalPolicy returned no decision for %s, so the result is incomplete and was not used.", strings.Join(undecided, ", ")),
			notChecked)...)
		return res
	}

	res.Evaluated = true
	res.Allowed = len(res.Missing) == 0 && len(res.ExplicitlyDenied) == 0
	var summary string
	switch {
	case res.Allowed:
		summary = fmt.Sprintf("%s may perform all %d checked actions.", res.PrincipalARN, len(res.Actions))
	default:
		var parts []string
		if len(res.Missing) > 0 {
			parts = append(parts, fmt.Sprintf("no policy allows %s", strings.Join(res.Missing, ", ")))
		}
		if len(res.ExplicitlyDenied) > 0 {
			parts = append(parts, fmt.Sprintf("an explicit Deny (identity policy, permissions boundary or SCP) denies %s", strings.Join(res.ExplicitlyDenied, ", ")))
		}
		summary = fmt.Sprintf("%s may not perform %d of %d checked actions: %s.", res.PrincipalARN,
			len(res.Missing)+len(res.ExplicitlyDenied), len(res.Actions), strings.Join(parts, "; "))
	}
	res.Reason = joinSentences(append([]string{summary}, notes...)...)
	return res
}

// simulate runs the simulation and returns each action's decision, keyed by lower-cased action name.
//
// UNCONFIRMED (docs/design/aws-behaviour.md §4.2, §8 item 14): whether the simulator recognises permission-only actions such as
// logs:CreateLogDelivery; choice: its decisions are used as returned, and an error (InvalidInput) makes the result
// not evaluated, never "missing".
//
// UNCONFIRMED: how the simulator matches a ResourceArns entry that itself contains wildcards (for example
// arn:aws:ec2:us-east-1:123456789012:vpn-connection/*); choice: simulate on the exact ARN pattern the document
// grants, so that statements granting "*" or that pattern match it. A policy that grants only specific connection
// IDs shows as missing ec2:ModifyVpnTunnelOptions; give principal_arn and check by hand in that case.
func simulate(ctx context.Context, client IAM, principal string, actions []string, scope Scope) (map[string]string, error) {
	exact := map[string]string{}     // decision on the action's own resource
	aggregate := map[string]string{} // most restrictive decision over all simulated resources
	for start := 0; start < len(actions); start += maxActionsPerCall {
		chunk := actions[start:min(start+maxActionsPerCall, len(actions))]
		want := map[string]string{} // action (lower case) → the resource it is judged on
		var resources []string
		for _, a := range chunk {
			r := scope.simulationResource(a)
			want[strings.ToLower(a)] = r
			if !slices.Contains(resources, r) {
				resources = append(resources, r)
			}
		}
		in := &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(principal),
			ActionNames:     chunk,
			MaxItems:        aws.Int32(maxItems),
		}
		if len(resources) > 1 || resources[0] != resourceAll {
			sort.Strings(resources)
			in.ResourceArns = resources
		}
		for {
			out, err := client.SimulatePrincipalPolicy(ctx, in)
			if err != nil {
				return nil, err
			}
			for _, r := range out.EvaluationResults {
				action := strings.ToLower(aws.ToString(r.EvalActionName))
				resource, ok := want[action]
				if !ok {
					continue
				}
				if d, ok := decisionOn(r, resource, len(in.ResourceArns) <= 1); ok {
					exact[action] = d
				}
				aggregate[action] = mostRestrictive(aggregate[action], string(r.EvalDecision))
			}
			if !out.IsTruncated || aws.ToString(out.Marker) == "" {
				break
			}
			in.Marker = out.Marker
		}
	}
	for a, d := range aggregate {
		if _, ok := exact[a]; !ok {
			// No per-resource decision for the action's own resource: fall back to the aggregate, which is never
			// more permissive.
			exact[a] = d
		}
	}
	return exact, nil
}

// decisionOn reads an action's decision on resource from one evaluation result. Today the simulator returns
// one result per action, with per-resource decisions in ResourceSpecificResults and the most restrictive
// decision on top; it used to return one result per action and resource, named by EvalResourceName. Both
// shapes are read. single: only one resource was simulated, so the top-level decision is the resource's.
func decisionOn(r iamtypes.EvaluationResult, resource string, single bool) (string, bool) {
	for _, rr := range r.ResourceSpecificResults {
		if aws.ToString(rr.EvalResourceName) == resource {
			return string(rr.EvalResourceDecision), true
		}
	}
	if single || aws.ToString(r.EvalResourceName) == resource {
		return string(r.EvalDecision), true
	}
	return "", false
}

// mostRestrictive orders decisions explicitDeny > implicitDeny > allowed; "" is no decision yet.
func mostRestrictive(a, b string) string {
	rank := func(d string) int {
		switch d {
		case string(iamtypes.PolicyEvaluationDecisionTypeExplicitDeny):
			return 3
		case string(iamtypes.PolicyEvaluationDecisionTypeImplicitDeny):
			return 2
		case string(iamtypes.PolicyEvaluationDecisionTypeAllowed):
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// NormalizeActions is the action list Check uses: trimmed, without empties and duplicates (IAM action names are
// case-insensitive), sorted; nothing left means RequiredActions.
func NormalizeActions(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range in {
		a = strings.TrimSpace(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		out = append(out, a)
	}
	if len(out) == 0 {
		return append([]string(nil), RequiredActions...)
	}
	sort.Strings(out)
	return out
}

// IAM error codes simulationFailure explains.
const (
	codeNoSuchEntity = "NoSuchEntity"
	codeInvalidInput = "InvalidInput"
)

// simulationFailure explains a SimulatePrincipalPolicy error: what was not checked and what to do.
func simulationFailure(err error, caller, principal string, pathless bool) string {
	code := awserr.Code(err)
	switch {
	case awsconfig.IsAccessDenied(err):
		return fmt.Sprintf("The permissions of %s were not simulated: %s may not call %s (%s). Allow %s on %s to enable this check.",
			principal, caller, ActionSimulatePrincipalPolicy, code, ActionSimulatePrincipalPolicy, principal)
	case code == codeNoSuchEntity && pathless:
		return fmt.Sprintf("The permissions were not simulated: IAM has no role %s (NoSuchEntity). The role probably has a path, which could not be read; "+
			"give principal_arn (--principal-arn) with the role's full ARN.", principal)
	case code == codeNoSuchEntity:
		return fmt.Sprintf("The permissions were not simulated: IAM has no principal %s (NoSuchEntity). Check the ARN, including the path.", principal)
	case code == codeInvalidInput:
		return fmt.Sprintf("The permissions were not simulated: IAM cannot simulate %s (%s). Give principal_arn (--principal-arn) as an IAM user or role ARN.",
			principal, errorText(err))
	}
	return fmt.Sprintf("The permissions of %s were not simulated: %s failed (%s).", principal, ActionSimulatePrincipalPolicy, errorText(err))
}

// errorText is the API error's code and message when there is one, else the error.
func errorText(err error) string {
	if code := awserr.Code(err); code != "" {
		if msg := awserr.Message(err); msg != "" {
			return code + ": " + msg
		}
		return code
	}
	if err == nil {
		return "no role returned"
	}
	return err.Error()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinSentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

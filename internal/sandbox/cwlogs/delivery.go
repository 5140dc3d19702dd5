package cwlogs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// DeliveryPolicyName is the account-level policy V1 log delivery maintains, and the name
// the sandbox gives the log-group-level policies it creates under DeliveryModelLogGroup.
const DeliveryPolicyName = "AWSLogDeliveryWrite20150319"

// Delivery policy models: where V1 log delivery grants delivery.logs.amazonaws.com write
// access to a log group (docs/design/aws-behaviour.md §3.4–§3.6). AWS documents both and
// does not say which accounts get which, so the sandbox lets a test choose.
const (
	// DeliveryModelAccount: the account-level policy AWSLogDeliveryWrite20150319 grows by
	// one Resource entry per log group (5,120 characters by default), with the
	// /aws/vendedlogs/* wildcard as the way out. What the Site-to-Site VPN logs page
	// describes.
	DeliveryModelAccount = "account"
	// DeliveryModelLogGroup: "For newly created subscriptions, resource policies are
	// configured at the log group level and have a maximum size of 51,200 bytes. If an
	// existing account-level resource policy already grants permissions through
	// wildcards, a separate log group level policy would not be created." (CloudWatch
	// Logs' current V1 vended-logs page). The account-level policies are never changed.
	DeliveryModelLogGroup = "log-group"
)

// DeliveryPolicyModels lists the valid Options.DeliveryPolicyModel values, default first.
func DeliveryPolicyModels() []string { return []string{DeliveryModelAccount, DeliveryModelLogGroup} }

// ValidDeliveryPolicyModel reports whether m is one of DeliveryPolicyModels.
func ValidDeliveryPolicyModel(m string) bool { return slices.Contains(DeliveryPolicyModels(), m) }

const (
	deliveryPrincipal = "delivery.logs.amazonaws.com"
	deliverySid       = "AWSLogDeliveryWrite20150319"
	vendedLogsPrefix  = "/aws/vendedlogs/"
)

// Codes of DeliveryError: what the EC2 side returns from ModifyVpnTunnelOptions /
// CreateVpnConnection.
// UNCONFIRMED: AWS's codes for all of these (docs/design/aws-behaviour.md §3.7, §8 items 4 and 7);
// InvalidParameterValue and ResourceLimitExceeded are documented EC2 common codes.
const (
	DeliveryCodeInvalidParameterValue = "InvalidParameterValue"
	DeliveryCodeResourceLimitExceeded = "ResourceLimitExceeded"
	DeliveryCodeInternalError         = "InternalError"
)

// DeliveryError is returned by EnableDelivery; Code is the EC2 error code to return.
type DeliveryError struct{ Code, Message string }

func (e *DeliveryError) Error() string { return e.Code + ": " + e.Message }

// VendedLogsWildcard is the entry log delivery adds for /aws/vendedlogs/ groups
// (observed form: no ":log-stream:*" suffix).
func (s *Service) VendedLogsWildcard() string {
	return s.logsARNPrefix() + "log-group:" + vendedLogsPrefix + "*"
}

// DeliveryResourceEntry is the per-group Resource entry log delivery adds.
func (s *Service) DeliveryResourceEntry(logGroupName string) string {
	return s.groupARN(logGroupName) + ":log-stream:*"
}

// EnableDelivery is what AWS's V1 log delivery does when a Site-to-Site VPN tunnel log
// is enabled towards these log groups (ARNs with or without ":*"): it makes sure a
// resource policy lets delivery.logs.amazonaws.com write to each group. Which policy
// depends on Options.DeliveryPolicyModel: under DeliveryModelLogGroup see
// enableLogGroupDelivery; under DeliveryModelAccount (the default) it is the
// account-level policy AWSLogDeliveryWrite20150319, as below. All-or-nothing: on error
// nothing changes. The returned error is a *DeliveryError.
//
// Account model (docs/design/aws-behaviour.md §3.4–§3.7):
//   - no policy yet: create the documented form (Sid AWSLogDeliveryWrite20150319,
//     Principal.Service list, the two actions, Resource list, Condition on
//     aws:SourceAccount/aws:SourceArn), minified. Needs a free slot among the
//     MaxAccountPolicies account-level policies.
//   - policy exists: the group is covered if an Allow statement for the delivery
//     principal has a Resource entry matching
//     arn:aws:logs:R:A:log-group:NAME:log-stream:* (IAM wildcards * and ?, so
//     .../log-group:/aws/vendedlogs/*, .../log-group:* and * also cover). Covered: no change.
//   - not covered: /aws/vendedlogs/ groups add the single wildcard entry
//     arn:aws:logs:R:A:log-group:/aws/vendedlogs/*; other groups append their own entry
//     as the last Resource element of the first delivery statement. Then, when the
//     document length reaches VendedLogsThreshold × PolicySizeLimit, the wildcard entry
//     is also added if it still fits.
//   - over PolicySizeLimit: error, nothing changes.
func (s *Service) EnableDelivery(logGroupARNs []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(logGroupARNs))
	for _, arn := range logGroupARNs {
		name, derr := s.deliveryTarget(arn)
		if derr != nil {
			return derr
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil
	}
	if s.opt.DeliveryPolicyModel == DeliveryModelLogGroup {
		return s.enableLogGroupDelivery(names)
	}
	cur := s.accountPolicies[DeliveryPolicyName]
	if cur == nil && len(s.accountPolicies) >= s.opt.MaxAccountPolicies {
		return &DeliveryError{Code: DeliveryCodeResourceLimitExceeded, Message: fmt.Sprintf(
			"Unable to enable log delivery: the CloudWatch Logs resource policy %s does not exist and cannot be created, "+
				"because the account already has %d CloudWatch Logs resource policies in %s (the maximum is %d per account and Region). "+
				"Delete an unused resource policy (logs:DeleteResourcePolicy) and retry.",
			DeliveryPolicyName, len(s.accountPolicies), s.opt.Region, s.opt.MaxAccountPolicies)}
	}
	doc := ""
	if cur != nil {
		doc = cur.document
	}
	orig := doc
	for _, name := range names {
		var derr *DeliveryError
		doc, derr = s.coverGroup(doc, name)
		if derr != nil {
			return derr
		}
	}
	if cur != nil && doc == orig {
		return nil
	}
	if cur == nil {
		cur = &resourcePolicy{name: DeliveryPolicyName, scope: ScopeAccount}
		s.accountPolicies[DeliveryPolicyName] = cur
	}
	cur.document, cur.updated = doc, s.nowMillis()
	return nil
}

// deliveryTarget validates one destination ARN and returns the log group name.
func (s *Service) deliveryTarget(arn string) (string, *DeliveryError) {
	part, region, account, name, ok := splitGroupARN(arn)
	if !ok {
		return "", &DeliveryError{Code: DeliveryCodeInvalidParameterValue, Message: fmt.Sprintf(
			"The CloudWatch Logs log group ARN %q is not valid. Expected arn:%s:logs:%s:%s:log-group:NAME (optionally followed by :*).",
			arn, awsapi.Partition(s.opt.Region), s.opt.Region, s.opt.AccountID)}
	}
	if part != awsapi.Partition(s.opt.Region) || region != s.opt.Region || account != s.opt.AccountID {
		return "", &DeliveryError{Code: DeliveryCodeInvalidParameterValue, Message: fmt.Sprintf(
			"The CloudWatch Logs log group %q is in Region %q and account %q; log delivery needs a log group in the VPN connection's Region %q and account %q.",
			arn, region, account, s.opt.Region, s.opt.AccountID)}
	}
	if s.groups[name] == nil {
		return "", &DeliveryError{Code: DeliveryCodeInvalidParameterValue, Message: fmt.Sprintf(
			"The CloudWatch Logs log group %s (%s) does not exist. Create the log group before enabling tunnel logging.",
			name, arn)}
	}
	return name, nil
}

func (s *Service) documentedStatement(entry string) *jnode {
	return jobj(
		"Sid", jstr(deliverySid),
		"Effect", jstr("Allow"),
		"Principal", jobj("Service", jarr(jstr(deliveryPrincipal))),
		"Action", jarr(jstr("logs:CreateLogStream"), jstr("logs:PutLogEvents")),
		"Resource", jarr(jstr(entry)),
		"Condition", jobj(
			"StringEquals", jobj("aws:SourceAccount", jarr(jstr(s.opt.AccountID))),
			"ArnLike", jobj("aws:SourceArn", jarr(jstr(s.logsARNPrefix()+"*"))),
		),
	)
}

// DocumentedDeliveryPolicy is the minified policy log delivery creates for a first
// Resource entry.
func (s *Service) DocumentedDeliveryPolicy(entry string) string {
	return jobj("Version", jstr("2012-10-17"), "Statement", jarr(s.documentedStatement(entry))).minified()
}

// isDeliveryStatement: an Allow statement whose Principal.Service names the delivery principal.
func isDeliveryStatement(st *jnode) bool {
	if st == nil || st.kind != jObject {
		return false
	}
	eff := st.get("Effect")
	if eff == nil || eff.kind != jString || eff.str != "Allow" {
		return false
	}
	pr := st.get("Principal")
	for _, svc := range pr.get("Service").strings() {
		if svc == deliveryPrincipal {
			return true
		}
	}
	return false
}

func statementList(root *jnode) []*jnode {
	st := root.get("Statement")
	switch {
	case st == nil:
		return nil
	case st.kind == jArray:
		return st.vals
	case st.kind == jObject:
		return []*jnode{st}
	}
	return nil
}

func coveredBy(stmts []*jnode, target string) bool {
	for _, st := range stmts {
		if !isDeliveryStatement(st) {
			continue
		}
		for _, r := range st.get("Resource").strings() {
			if awsapi.WildcardMatch(r, target, false) {
				return true
			}
		}
	}
	return false
}

// appendResource appends entry as the last element of the statement's Resource
// (a string Resource becomes a list; a missing one is created).
func appendResource(st *jnode, entry string) {
	r := st.get("Resource")
	switch {
	case r != nil && r.kind == jArray:
		r.vals = append(r.vals, jstr(entry))
	case r != nil && r.kind == jString:
		st.set("Resource", jarr(r, jstr(entry)))
	default:
		st.set("Resource", jarr(jstr(entry)))
	}
}

// coverGroup returns the document after making sure it covers the group.
func (s *Service) coverGroup(doc, name string) (string, *DeliveryError) {
	need := s.DeliveryResourceEntry(name)
	wildcard := s.VendedLogsWildcard()
	probe := s.DeliveryResourceEntry(vendedLogsPrefix + "probe")
	vended := strings.HasPrefix(name, vendedLogsPrefix)
	entry := need
	if vended {
		// Our documented choice: /aws/vendedlogs/ groups never grow the policy beyond
		// the one wildcard entry.
		// UNCONFIRMED: that AWS adds the wildcard (rather than the group's own entry)
		// for a /aws/vendedlogs/ group.
		entry = wildcard
	}
	root, out, derr := s.withDeliveryGrant(doc, "the CloudWatch Logs resource policy "+DeliveryPolicyName, need, entry)
	if derr != nil || out == doc {
		return out, derr
	}
	limit := s.opt.PolicySizeLimit
	if !vended && float64(runeLen(out)) >= s.opt.VendedLogsThreshold*float64(limit) && !coveredBy(statementList(root), probe) {
		// "When CloudWatch Logs detects that a policy approaches this size limit, it
		// automatically enables log groups that start with /aws/vendedlogs/."
		for _, st := range statementList(root) {
			if isDeliveryStatement(st) {
				appendResource(st, wildcard)
				if with := root.minified(); runeLen(with) <= limit {
					out = with
				}
				break
			}
		}
	}
	if n := runeLen(out); n > limit {
		// UNCONFIRMED: the error Site-to-Site VPN surfaces when the policy is full.
		return "", &DeliveryError{Code: DeliveryCodeInvalidParameterValue, Message: fmt.Sprintf(
			"Unable to enable log delivery: the CloudWatch Logs resource policy %s would be %d characters, over the limit of %d. Use a log group whose name starts with %s.",
			DeliveryPolicyName, n, limit, vendedLogsPrefix)}
	}
	return out, nil
}

// withDeliveryGrant returns the policy document doc ("" for a policy that does not exist
// yet) edited to grant the delivery principal entry, unless a delivery statement already
// covers need: then doc itself. root is the edited document's tree; what names the
// policy in the error about a document that cannot be edited.
// UNCONFIRMED: AWS re-serializes the whole policy when it edits it; the sandbox writes
// the edited document minified (keys in their original order, scalars as written). A
// pretty-printed policy therefore becomes minified on the first change; a covered group
// changes nothing.
func (s *Service) withDeliveryGrant(doc, what, need, entry string) (root *jnode, out string, derr *DeliveryError) {
	root = jobj("Version", jstr("2012-10-17"), "Statement", jarr())
	if doc != "" {
		var err error
		if root, err = parseOrdered(doc); err != nil || root.kind != jObject {
			// UNCONFIRMED: what AWS does with an unparseable policy it has to edit.
			return nil, "", &DeliveryError{Code: DeliveryCodeInternalError, Message: fmt.Sprintf(
				"Unable to enable log delivery: %s is not a valid JSON policy document.", what)}
		}
	}
	if coveredBy(statementList(root), need) {
		return root, doc, nil
	}
	s.addDeliveryGrant(root, entry)
	return root, root.minified(), nil
}

// addDeliveryGrant makes the policy grant the delivery principal entry: appended as the
// last Resource element of the first delivery statement, or, without one, as the
// documented statement appended to Statement ("If a policy exists without the
// statement, that statement is appended.").
func (s *Service) addDeliveryGrant(root *jnode, entry string) {
	for _, st := range statementList(root) {
		if isDeliveryStatement(st) {
			appendResource(st, entry)
			return
		}
	}
	st := root.get("Statement")
	newSt := s.documentedStatement(entry)
	switch {
	case st != nil && st.kind == jArray:
		st.vals = append(st.vals, newSt)
	case st != nil && st.kind == jObject:
		root.set("Statement", jarr(st, newSt))
	default:
		root.set("Statement", jarr(newSt))
	}
}

package cwlogs

import (
	"fmt"
	"sort"
)

// enableLogGroupDelivery is EnableDelivery under DeliveryModelLogGroup, for validated
// names of existing log groups; the caller holds s.mu. AWS: "For newly created
// subscriptions, resource policies are configured at the log group level and have a
// maximum size of 51,200 bytes. If an existing account-level resource policy already
// grants permissions through wildcards, a separate log group level policy would not be
// created." (docs/design/aws-behaviour.md §3.6). For each group:
//
//   - covered by an account-level policy (see accountDeliveryStatements): nothing;
//   - covered by the group's own RESOURCE-scope policy: nothing;
//   - no policy yet: one is created with the documented statement (as in the account
//     model) whose Resource is the group's entry arn:…:log-group:NAME:log-stream:*,
//     named DeliveryPolicyName, resourceArn the group's ARN without ":*", revisionId "1";
//   - a policy without such a grant: the entry is added as in the account model (last
//     Resource element of its first delivery statement, else the documented statement
//     appended), the document re-serialized minified, and the revisionId advanced.
//
// An edited document over ResourcePolicySizeLimit bytes is refused and nothing changes.
// /aws/vendedlogs/ groups are not special: they are covered only by a wildcard someone
// put in an account-level policy. The account-level policies are never changed, so
// neither their size limit nor their count applies.
//
// UNCONFIRMED: the name AWS gives a log-group-level policy it creates. The sandbox uses
// DeliveryPolicyName, the only name AWS is known to give a policy written by log delivery;
// clients should recognize such a policy by its grant to delivery.logs.amazonaws.com,
// not by its name.
// UNCONFIRMED: that a /aws/vendedlogs/ group with no account-level wildcard gets its own
// policy rather than a wildcard added to an account-level policy (this model never
// edits account-level policies).
// UNCONFIRMED: the statement AWS writes into a log-group-level policy; the sandbox writes
// the documented V1 statement.
func (s *Service) enableLogGroupDelivery(names []string) error {
	account := s.accountDeliveryStatements()
	staged := map[string]string{} // group name → edited document
	var changed []string
	for _, name := range names {
		need := s.DeliveryResourceEntry(name)
		if coveredBy(account, need) {
			continue
		}
		g := s.groups[name]
		doc, seen := staged[name]
		if !seen && g.policy != nil {
			doc = g.policy.document
		}
		edited, derr := s.coverInGroupPolicy(g, doc, need)
		if derr != nil {
			return derr
		}
		if edited == doc {
			continue
		}
		if !seen {
			changed = append(changed, name)
		}
		staged[name] = edited
	}
	now := s.nowMillis()
	for _, name := range changed {
		g := s.groups[name]
		if g.policy == nil {
			g.policy = &resourcePolicy{name: DeliveryPolicyName, scope: ScopeResource, resourceARN: s.groupARN(name)}
		}
		g.policy.document = staged[name]
		g.policy.newRevision(now)
	}
	return nil
}

// accountDeliveryStatements are the statements of every account-level policy (in name
// order) that grant the delivery principal; unparseable policies grant nothing.
// UNCONFIRMED: AWS's words are "grants permissions through wildcards"; the sandbox
// counts any Allow statement for delivery.logs.amazonaws.com in any account-level policy
// whose Resource matches the group's entry, wildcard or explicit (as IAM would: the
// permission exists already). Conditions are not evaluated.
func (s *Service) accountDeliveryStatements() []*jnode {
	names := make([]string, 0, len(s.accountPolicies))
	for n := range s.accountPolicies {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*jnode
	for _, n := range names {
		root, err := parseOrdered(s.accountPolicies[n].document)
		if err != nil {
			continue
		}
		for _, st := range statementList(root) {
			if isDeliveryStatement(st) {
				out = append(out, st)
			}
		}
	}
	return out
}

// coverInGroupPolicy returns the group's policy document (doc; "" for none) after making
// it grant the delivery principal need.
func (s *Service) coverInGroupPolicy(g *logGroup, doc, need string) (string, *DeliveryError) {
	_, out, derr := s.withDeliveryGrant(doc, "the resource policy of CloudWatch Logs log group "+g.name, need, need)
	if derr != nil || out == doc {
		return out, derr
	}
	if n, limit := policyLength(ScopeResource, out), s.opt.ResourcePolicySizeLimit; n > limit {
		// UNCONFIRMED: the error Site-to-Site VPN surfaces when a log-group-level policy
		// is full; the code is the account model's.
		return "", &DeliveryError{Code: DeliveryCodeInvalidParameterValue, Message: fmt.Sprintf(
			"Unable to enable log delivery: the resource policy of CloudWatch Logs log group %s would be %d bytes, "+
				"over the limit of %d bytes for a log-group-level resource policy. Remove statements the policy no longer "+
				"needs (logs:PutResourcePolicy with the log group's ARN and the policy's revisionId), or grant %s "+
				"logs:CreateLogStream and logs:PutLogEvents on a wildcard such as %s in an account-level resource policy "+
				"and use a log group whose name starts with %s.",
			g.name, n, limit, deliveryPrincipal, s.VendedLogsWildcard(), vendedLogsPrefix)}
	}
	return out, nil
}

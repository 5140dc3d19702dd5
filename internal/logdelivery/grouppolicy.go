package logdelivery

// The log-group-level model (ModelLogGroup): what enabling delivery to a log group does to the group's own
// (RESOURCE-scope) policy.

// GroupPolicyProjection is what enabling delivery to one log group does under the log-group-level model.
type GroupPolicyProjection struct {
	// LogGroupARN is the normalised ARN; Name the log group name.
	LogGroupARN, Name string
	// CoveredBy names the policy that already lets delivery write to the group: an account-level policy (AWS then
	// creates no policy for the group: "If an existing account-level resource policy already grants permissions
	// through wildcards, a separate log group level policy would not be created"), or the group's own policy. Empty
	// when AWS would have to create or extend the group's own policy.
	CoveredBy string
	// CoveredByAccount is true when CoveredBy is an account-level policy.
	CoveredByAccount bool
	// PolicyName is the group's own policy; empty when the group has none (or it has no name).
	PolicyName string
	// HasPolicy is true when the group has a policy of its own; NewPolicy when AWS would create one.
	HasPolicy, NewPolicy bool
	// CurrentBytes is the size of the group's own policy now (0 without one); ProjectedBytes after the change.
	CurrentBytes, ProjectedBytes int
	// Limit is GroupPolicySizeLimit.
	Limit int
	// Entry is the Resource entry AWS adds for the group, empty when nothing changes; Growth the bytes the change adds
	// (the entry with its quotes and comma, and what AWS writes around it: a new statement, or the whole new policy).
	Entry  string
	Growth int
	// Text is the text AWS would insert into the group's policy, or its whole document when NewPolicy; TextReplaces
	// says where.
	Text, TextReplaces string
	// ReadErr is set when the group's own policy could not be read: the group is not projected.
	ReadErr error
}

// Grows reports whether the change creates or extends the group's own policy.
func (g GroupPolicyProjection) Grows() bool { return g.Growth > 0 }

// Fits reports whether the group's policy stays within its limit (a group that was not read counts as fitting).
func (g GroupPolicyProjection) Fits() bool { return g.ProjectedBytes <= g.Limit }

// NearLimit reports whether the change leaves the group's policy at NearLimitRatio of its limit or more.
func (g GroupPolicyProjection) NearLimit() bool {
	return g.Grows() && float64(g.ProjectedBytes) >= NearLimitRatio*float64(g.Limit)
}

// Remaining is the limit minus the projected size; negative when it does not fit.
func (g GroupPolicyProjection) Remaining() int { return g.Limit - g.ProjectedBytes }

// ProjectGroupPolicy works out, under the log-group-level model, what enabling delivery to g does, given the
// account-level policies (b) and the group's own policies as DescribeResourcePolicies (policy scope RESOURCE)
// returned them:
//
//   - a group an account-level policy covers (Budget.Covers) needs nothing;
//   - a group whose own policy grants delivery on arn:…:log-group:NAME:log-stream:* needs nothing;
//   - a group without a policy of its own gets the documented policy with that one entry;
//   - a group whose own policy does not grant it gets the entry added as in the account-level model (insertEntries).
//
// Sizes are in bytes, as AWS states this limit; what AWS inserts is ASCII (log group names are), so its characters
// are its bytes. /aws/vendedlogs/ groups are not special here: only an account-level wildcard covers them.
// UNCONFIRMED (docs/design/aws-behaviour.md §8 item 6): the statement AWS writes into a log group's own policy (the
// documented V1 statement is projected, the longer variant); that AWS extends an existing policy of the group rather
// than refusing; that any account-level grant covering the group, wildcard or explicit, suppresses the group's policy
// (AWS says "through wildcards"); that a /aws/vendedlogs/ group without an account-level wildcard gets its own policy.
func (b *Budget) ProjectGroupPolicy(g LogGroupARN, own []Policy) GroupPolicyProjection {
	gp := GroupPolicyProjection{LogGroupARN: g.String(), Name: g.Name, Limit: GroupPolicySizeLimit}
	if by, ok := b.coveredBy(g); ok {
		gp.CoveredBy, gp.CoveredByAccount = by, true
		return gp
	}
	entry := DeliveryEntry(g)
	var first *PolicyInfo
	for _, p := range own {
		info := analyzePolicy(Policy{Name: p.Name, Scope: ScopeResource, Document: p.Document, ResourceARN: p.ResourceARN})
		if first == nil {
			first = &info
		}
		if info.grantsEntry(entry) {
			gp.CoveredBy, gp.PolicyName, gp.HasPolicy = policyLabel(p.Name)+" (its own policy)", p.Name, true
			gp.CurrentBytes = len(p.Document)
			gp.ProjectedBytes = gp.CurrentBytes
			return gp
		}
	}
	s := Scope{Partition: g.Partition, Region: g.Region, AccountID: g.AccountID}
	gp.Entry = entry
	if first == nil {
		gp.NewPolicy = true
		gp.Text = DocumentedPolicy(s, []string{entry})
		gp.TextReplaces = "the new policy of the log group"
		gp.Growth = len(gp.Text)
		gp.ProjectedBytes = gp.Growth
		return gp
	}
	gp.HasPolicy, gp.PolicyName = true, first.Name
	gp.CurrentBytes = len(first.Document)
	ins := insertEntries(*first, s, []string{entry})
	gp.Text, gp.TextReplaces = ins.text, ins.replaces
	gp.Growth = ins.skeleton + ins.growth[0]
	gp.ProjectedBytes = gp.CurrentBytes + gp.Growth
	return gp
}

// grantsEntry reports whether a delivery statement of the policy has a Resource entry that matches entry (IAM
// wildcards): the test the sandbox applies before it adds an entry. Unlike coversGroup it counts neither the bare
// group ARN nor a statement without Resource, so a projection errs on the side of a larger policy.
func (pi PolicyInfo) grantsEntry(entry string) bool {
	if pi.parsed == nil {
		return false
	}
	for _, st := range pi.parsed.statements {
		if st.grantsDelivery() && st.covers(entry) {
			return true
		}
	}
	return false
}

// grantsOwnGroup reports whether a log group's own (RESOURCE-scope) policy lets log delivery write to the group: the
// evidence ModelAuto looks for.
func grantsOwnGroup(g LogGroupARN, own []Policy) (ModelEvidence, bool) {
	for _, p := range own {
		info := analyzePolicy(Policy{Name: p.Name, Scope: ScopeResource, Document: p.Document, ResourceARN: p.ResourceARN})
		if info.coversGroup(g) {
			return ModelEvidence{LogGroupARN: g.String(), PolicyName: p.Name}, true
		}
	}
	return ModelEvidence{}, false
}

package logdelivery

import (
	"sort"
	"strings"
)

// Budget is the state of an account's CloudWatch Logs resource policies as far as log delivery is concerned: the
// account-level policies with their sizes, the delivery policy, what it covers, and the limits.
type Budget struct {
	// Scope is the partition, region and account the policies belong to. An empty AccountID (the provider was told
	// not to request it) is filled in from the delivery policy's entries when they name one.
	Scope Scope
	// Limit is the size limit of an account-level policy, in characters.
	Limit int
	// MaxPolicies is the number of account-level policies allowed per account and region.
	MaxPolicies int
	// Policies are the account-level policies, sorted by name.
	Policies []PolicyInfo
	// CoveredLogGroupARNs are the log groups (normalised ARNs) named by a per-group entry of a delivery statement.
	CoveredLogGroupARNs []string
	// Wildcards are the other Resource entries of delivery statements (wildcards such as
	// arn:aws:logs:R:A:log-group:/aws/vendedlogs/*, and unusual forms).
	Wildcards []string
	// VendedLogsCovered is true when the account-level policies already cover every /aws/vendedlogs/ group.
	VendedLogsCovered bool

	delivery int // index into Policies, -1 when the account has no delivery policy
	// deliveryByName is true when the delivery policy was found by its name rather than by its statement.
	deliveryByName bool
}

// NewBudget analyses the account-level policies (policies of another scope are ignored). A limit of 0 or less
// means DefaultPolicySizeLimit.
//
// The delivery policy is the one named AWSLogDeliveryWrite20150319, or else the first policy (by name) with a
// statement that lets delivery.logs.amazonaws.com call logs:CreateLogStream or logs:PutLogEvents.
// UNCONFIRMED: that AWS appends to such a differently named policy instead of creating
// AWSLogDeliveryWrite20150319 (which would take one more of the 10 slots).
func NewBudget(scope Scope, limit int, policies []Policy) *Budget {
	if limit <= 0 {
		limit = DefaultPolicySizeLimit
	}
	b := &Budget{Scope: scope, Limit: limit, MaxPolicies: MaxAccountPolicies, delivery: -1}
	for _, p := range policies {
		if p.Scope != "" && p.Scope != ScopeAccount {
			continue
		}
		b.Policies = append(b.Policies, analyzePolicy(p))
	}
	sort.SliceStable(b.Policies, func(i, j int) bool { return b.Policies[i].Name < b.Policies[j].Name })
	for i, p := range b.Policies {
		if p.Name == DeliveryPolicyName {
			b.delivery, b.deliveryByName = i, true
			break
		}
	}
	if b.delivery < 0 {
		for i, p := range b.Policies {
			if p.GrantsDelivery {
				b.delivery = i
				break
			}
		}
	}
	var groups, others []string
	for _, p := range b.Policies {
		g, o := p.deliveryEntries()
		groups = append(groups, g...)
		others = append(others, o...)
	}
	b.CoveredLogGroupARNs = sortedUnique(groups)
	b.Wildcards = sortedUnique(others)
	if b.Scope.AccountID == "" {
		for _, g := range b.CoveredLogGroupARNs {
			if a, err := ParseLogGroupARN(g); err == nil && a.Partition == b.Scope.Partition && a.Region == b.Scope.Region {
				b.Scope.AccountID = a.AccountID
				break
			}
		}
	}
	b.VendedLogsCovered = b.Scope.AccountID != "" && b.coversVended(b.Scope)
	return b
}

// vendedProbes are unrelated names under /aws/vendedlogs/ (without the prefix): a policy that covers both covers
// every group under the prefix, not one particular group.
var vendedProbes = []string{"a", "vpnlogs-probe/x.y_z#1"}

// coversVended reports whether the account-level policies cover any /aws/vendedlogs/ group of the scope. Two
// unrelated probe names must both be covered, so that an entry for one particular vendedlogs group does not count.
func (b *Budget) coversVended(s Scope) bool {
	for _, probe := range vendedProbes {
		g := s.LogGroupARN(VendedLogsPrefix + probe)
		if _, ok := b.coveredBy(g); !ok {
			return false
		}
	}
	return true
}

// DeliveryPolicy returns the delivery policy, if the account has one.
func (b *Budget) DeliveryPolicy() (PolicyInfo, bool) {
	if b.delivery < 0 {
		return PolicyInfo{}, false
	}
	return b.Policies[b.delivery], true
}

// UsedCharacters is the delivery policy's stored size; 0 when there is none.
func (b *Budget) UsedCharacters() int {
	if p, ok := b.DeliveryPolicy(); ok {
		return p.Characters
	}
	return 0
}

// PolicyCount is the number of account-level policies.
func (b *Budget) PolicyCount() int { return len(b.Policies) }

// PolicyNames are the names of the account-level policies, sorted.
func (b *Budget) PolicyNames() []string {
	names := make([]string, 0, len(b.Policies))
	for _, p := range b.Policies {
		names = append(names, p.Name)
	}
	return names
}

// Covers reports whether the account-level policies already let log delivery write to the group: delivering to it
// adds nothing to the delivery policy.
func (b *Budget) Covers(g LogGroupARN) bool {
	_, ok := b.coveredBy(g)
	return ok
}

// coveredBy names the account-level policy whose delivery statement covers the group.
// UNCONFIRMED: whether AWS looks at every account-level policy or only at AWSLogDeliveryWrite20150319 before it
// adds an entry. A grant in any account-level policy counts here; in the common case (AWS's own policy is the only
// one that names delivery.logs.amazonaws.com) both readings agree.
func (b *Budget) coveredBy(g LogGroupARN) (string, bool) {
	for _, p := range b.Policies {
		if p.coversGroup(g) {
			return p.Name, true
		}
	}
	return "", false
}

// ProjectOptions refine a projection.
type ProjectOptions struct {
	// ResourcePolicies are RESOURCE-scope (log-group-level) policies of the groups being projected. A group whose
	// own policy lets delivery write to it does not need an account-level entry (docs/design/aws-behaviour.md §3.6).
	ResourcePolicies []Policy
}

// GroupProjection is what enabling delivery to one log group does to the delivery policy.
type GroupProjection struct {
	// LogGroupARN is the normalised ARN (no ":*").
	LogGroupARN string
	// Name is the log group name.
	Name string
	// Vended is true for groups under /aws/vendedlogs/.
	Vended bool
	// CoveredBy names the policy that already lets delivery write to the group; empty when none does.
	CoveredBy string
	// Entry is the Resource entry AWS would add for this group: its own entry, or the /aws/vendedlogs/* wildcard
	// for the uncovered vendedlogs group that comes first by ARN. Empty when the group is covered or another group's
	// entry covers it.
	Entry string
	// Growth is the number of characters Entry adds to the minified document: the quoted entry and the comma that
	// separates it from the entry before it. What AWS adds around the entries (a new policy, a new statement) is
	// Projection.Skeleton, not part of any group's growth.
	Growth int
}

// Covered reports whether the group is covered before the projected change.
func (g GroupProjection) Covered() bool { return g.CoveredBy != "" }

// Projection is the projected state of the delivery policy after delivery to some log groups is enabled.
type Projection struct {
	Limit       int
	MaxPolicies int
	// PolicyName is the delivery policy that grows or is created.
	PolicyName string
	// NewPolicy is true when AWS would have to create the delivery policy.
	NewPolicy bool
	// CurrentCharacters is the delivery policy's stored size (0 when it does not exist yet).
	CurrentCharacters int
	// ProjectedCharacters is its size after the change.
	ProjectedCharacters int
	// PolicyCount and ProjectedPolicyCount are the number of account-level policies before and after.
	PolicyCount, ProjectedPolicyCount int
	// Groups are the projected groups in the order given (duplicates removed).
	Groups []GroupProjection
	// Entries are the Resource entries AWS would add, in the order of their groups' ARNs.
	Entries []string
	// Skeleton is the number of characters AWS adds around the entries: the whole policy without entries when it
	// creates the delivery policy, a delivery statement when it appends one, the brackets or the Resource key when
	// the statement's Resource is not a list yet. 0 when the entries go into an existing list.
	Skeleton int
	// SkeletonWhat says what Skeleton stands for, e.g. "the policy AWSLogDeliveryWrite20150319 itself, which AWS
	// creates"; empty when Skeleton is 0.
	SkeletonWhat string
	// Text is the exact text AWS would insert into the stored document (for a statement whose Resource is a
	// list: inserted before its closing bracket), or the whole new document when NewPolicy is set. Empty when
	// nothing changes.
	Text string
	// TextReplaces describes what Text stands for, e.g. "appended to the Resource list of statement
	// AWSLogDeliveryWrite".
	TextReplaces string
}

// FitsSize reports whether the projected policy is within the limit.
func (p Projection) FitsSize() bool { return p.ProjectedCharacters <= p.Limit }

// FitsCount reports whether the account stays within the number of account-level policies.
func (p Projection) FitsCount() bool { return p.ProjectedPolicyCount <= p.MaxPolicies }

// Fits reports whether AWS can apply the change.
func (p Projection) Fits() bool { return p.FitsSize() && p.FitsCount() }

// NearLimit reports whether the projected policy uses NearLimitRatio of the limit or more.
func (p Projection) NearLimit() bool {
	return float64(p.ProjectedCharacters) >= NearLimitRatio*float64(p.Limit)
}

// Remaining is the limit minus the projected size; negative when the projection does not fit.
func (p Projection) Remaining() int { return p.Limit - p.ProjectedCharacters }

// Growing returns the groups that add characters, in order.
func (p Projection) Growing() []GroupProjection {
	var out []GroupProjection
	for _, g := range p.Groups {
		if g.Growth > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Uncovered returns the ARNs of the groups not covered before the change (vendedlogs groups included).
func (p Projection) Uncovered() []string {
	var out []string
	for _, g := range p.Groups {
		if !g.Covered() {
			out = append(out, g.LogGroupARN)
		}
	}
	return out
}

// Project computes what enabling delivery to the groups does to the delivery policy.
//
// For each group not yet covered, AWS adds one Resource entry to the first delivery statement of the delivery
// policy: arn:P:logs:R:A:log-group:NAME:log-stream:* for an ordinary group, and once for all /aws/vendedlogs/
// groups the wildcard arn:P:logs:R:A:log-group:/aws/vendedlogs/*. In a minified list an entry costs its length plus
// two quotes, plus a comma unless it is the list's first. Without a delivery policy AWS creates the documented one,
// which takes one of the account's 10 policy slots; its text without entries is the projection's Skeleton.
//
// Entries are assigned in the order of the groups' ARNs, whatever order the groups are given in: the same set of
// groups always gives the same projection (which vendedlogs group carries the wildcard, which entry comes first).
//
// UNCONFIRMED: that AWS adds the wildcard rather than the group's own entry for a /aws/vendedlogs/ group.
// UNCONFIRMED: AWS also adds the wildcard on its own when the policy "approaches" the limit; the threshold is not
// documented, so the projection does not add it (it only counts it when it is already present). The real policy
// may therefore end up one wildcard entry longer than projected, which AWS only does when that still fits.
// UNCONFIRMED: whether AWS re-serializes an edited policy. The projection keeps the stored document's formatting
// and inserts minified text; for a pretty-printed policy that over-estimates if AWS minifies on edit.
func (b *Budget) Project(groups []LogGroupARN, opts ProjectOptions) Projection {
	p := Projection{
		Limit:                b.Limit,
		MaxPolicies:          b.MaxPolicies,
		PolicyName:           DeliveryPolicyName,
		CurrentCharacters:    b.UsedCharacters(),
		PolicyCount:          b.PolicyCount(),
		ProjectedPolicyCount: b.PolicyCount(),
	}
	cur, hasPolicy := b.DeliveryPolicy()
	if hasPolicy {
		p.PolicyName = cur.Name
	}
	resourcePolicies := map[string][]PolicyInfo{}
	for _, rp := range opts.ResourcePolicies {
		key := TrimARNSuffix(rp.ResourceARN)
		if a, err := ParseLogGroupARN(rp.ResourceARN); err == nil {
			key = a.String()
		}
		info := analyzePolicy(Policy{Name: rp.Name, Scope: ScopeResource, Document: rp.Document, ResourceARN: rp.ResourceARN})
		resourcePolicies[key] = append(resourcePolicies[key], info)
	}

	seen := map[string]bool{}
	var parsed []LogGroupARN // parallel to p.Groups
	for _, g := range groups {
		key := g.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		gp := GroupProjection{LogGroupARN: key, Name: g.Name, Vended: g.Vended()}
		if by, ok := b.coveredBy(g); ok {
			gp.CoveredBy = by
		} else {
			for _, rp := range resourcePolicies[key] {
				if rp.coversGroup(g) {
					gp.CoveredBy = rp.Name + " (log group policy)"
					break
				}
			}
		}
		p.Groups = append(p.Groups, gp)
		parsed = append(parsed, g)
	}

	// Entries in ARN order.
	order := make([]int, len(p.Groups))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return p.Groups[order[i]].LogGroupARN < p.Groups[order[j]].LogGroupARN })
	wildcardAdded := map[Scope]bool{}
	var entryScope *Scope
	var entryGroup []int // p.Groups index of each entry
	for _, gi := range order {
		gp := &p.Groups[gi]
		if gp.Covered() {
			continue
		}
		g := parsed[gi]
		s := Scope{Partition: g.Partition, Region: g.Region, AccountID: g.AccountID}
		switch {
		case !gp.Vended:
			gp.Entry = DeliveryEntry(g)
		case !wildcardAdded[s]:
			wildcardAdded[s] = true
			gp.Entry = VendedLogsWildcard(s)
		}
		if gp.Entry != "" {
			p.Entries = append(p.Entries, gp.Entry)
			entryGroup = append(entryGroup, gi)
			if entryScope == nil {
				entryScope = &s
			}
		}
	}
	if len(p.Entries) == 0 {
		p.ProjectedCharacters = p.CurrentCharacters
		return p
	}

	var growth []int
	switch {
	case !hasPolicy:
		p.NewPolicy = true
		p.ProjectedPolicyCount++
		_, growth = listTail(p.Entries, 0)
		p.Text = DocumentedPolicy(*entryScope, p.Entries)
		p.TextReplaces = "the new policy " + DeliveryPolicyName
		p.Skeleton = Characters(DocumentedPolicy(*entryScope, nil))
		p.SkeletonWhat = "the policy " + DeliveryPolicyName + " itself, which AWS creates"
	default:
		ins := insertEntries(cur, *entryScope, p.Entries)
		p.Text, p.TextReplaces, p.Skeleton, p.SkeletonWhat, growth = ins.text, ins.replaces, ins.skeleton, ins.skeletonWhat, ins.growth
	}
	total := p.Skeleton
	for i, gi := range entryGroup {
		p.Groups[gi].Growth = growth[i]
		total += growth[i]
	}
	p.ProjectedCharacters = p.CurrentCharacters + total
	return p
}

// VendedCoverage is what covering every /aws/vendedlogs/ group of an account and region takes, given the policies as
// they are.
type VendedCoverage struct {
	// Entry is the wildcard entry that covers every /aws/vendedlogs/ group of the scope.
	Entry string
	// CoveredBy names the account-level policy that covers every such group already; empty when none does.
	CoveredBy string
	// Growth is what Entry adds to the policy (GroupProjection.Growth); 0 when CoveredBy is set.
	Growth int
	// Skeleton is what AWS would add around it (Projection.Skeleton), e.g. the whole policy when it has to create it.
	Skeleton int
	// FitsSize reports whether that growth fits the size limit.
	FitsSize bool
	// FitsCount reports whether the account has room for the delivery policy, when AWS has to create it.
	FitsCount bool
}

// VendedCoverage works out the VendedCoverage of the scope.
func (b *Budget) VendedCoverage(s Scope) VendedCoverage {
	c := VendedCoverage{Entry: VendedLogsWildcard(s), FitsSize: true, FitsCount: true}
	if b.coversVended(s) {
		c.CoveredBy, _ = b.coveredBy(s.LogGroupARN(VendedLogsPrefix + vendedProbes[0]))
		return c
	}
	// One of the probes is a group no policy covers when the prefix is not covered: the first delivery to it adds Entry.
	for _, probe := range vendedProbes {
		g := s.LogGroupARN(VendedLogsPrefix + probe)
		if _, covered := b.coveredBy(g); covered {
			continue
		}
		p := b.Project([]LogGroupARN{g}, ProjectOptions{})
		c.Growth, c.Skeleton, c.FitsSize, c.FitsCount = p.Groups[0].Growth, p.Skeleton, p.FitsSize(), p.FitsCount()
		break
	}
	return c
}

// VendedAlternative is the usual fix for delivery that grows the delivery policy too much: the same log groups under
// /aws/vendedlogs/, which all share one wildcard entry.
type VendedAlternative struct {
	// Groups are the groups outside /aws/vendedlogs/ that grow the policy, sorted by ARN. VendedName gives the name
	// to use instead of each.
	Groups []GroupProjection
	// VendedCoverage is what the renamed groups cost, in their account and region, given the policies as they are.
	VendedCoverage
	// InProjection is true when the projection adds Entry already: a group under /aws/vendedlogs/ is among those
	// that grow the policy, so the renamed groups add nothing more.
	InProjection bool
}

// VendedAlternative works out the VendedAlternative of a projection made from b. ok is false when no group outside
// /aws/vendedlogs/ grows the policy: renaming cannot help then.
func (b *Budget) VendedAlternative(p Projection) (alt VendedAlternative, ok bool) {
	growing := p.Growing()
	sort.SliceStable(growing, func(i, j int) bool { return growing[i].LogGroupARN < growing[j].LogGroupARN })
	for _, g := range growing {
		if !g.Vended {
			alt.Groups = append(alt.Groups, g)
		}
	}
	if len(alt.Groups) == 0 {
		return alt, false
	}
	alt.InProjection = len(alt.Groups) < len(growing)
	first, err := ParseLogGroupARN(alt.Groups[0].LogGroupARN)
	if err != nil { // not reached: projected groups are parsed ARNs
		return alt, false
	}
	alt.VendedCoverage = b.VendedCoverage(Scope{Partition: first.Partition, Region: first.Region, AccountID: first.AccountID})
	return alt, true
}

// listTail is the minified text of entries appended to a Resource list that already holds `existing` entries, and
// what each entry adds to it: its quoted length, plus the comma before it unless it is the list's first.
func listTail(entries []string, existing int) (string, []int) {
	var sb strings.Builder
	growth := make([]int, len(entries))
	for i, e := range entries {
		q := jsonString(e)
		growth[i] = Characters(q)
		if existing+i > 0 {
			sb.WriteString(",")
			growth[i]++
		}
		sb.WriteString(q)
	}
	return sb.String(), growth
}

// insertion is what AWS writes into an existing policy to let delivery write to more log groups.
type insertion struct {
	// text is inserted into the stored document; replaces says where (see Projection.Text and TextReplaces).
	text, replaces string
	// skeleton is what the text adds around the entries, and skeletonWhat says what it is (Projection.Skeleton).
	skeleton     int
	skeletonWhat string
	// growth is what each entry adds (GroupProjection.Growth).
	growth []int
}

// insertEntries works out how AWS adds the entries to the existing policy cur: as the last elements of the Resource
// of its first delivery statement, or, when it has none, as the documented statement appended to it ("If a policy
// exists without the statement, that statement is appended.", docs/design/aws-behaviour.md §3.4). The same rule
// serves the account-level delivery policy and a log group's own policy.
func insertEntries(cur PolicyInfo, s Scope, entries []string) insertion {
	var ins insertion
	st, ok := cur.firstDeliveryStatement()
	switch {
	case cur.ParseError != nil:
		// UNCONFIRMED: what AWS does with a delivery policy it cannot parse. Assume an append to a list.
		ins.text, ins.growth = listTail(entries, 1)
		ins.replaces = "appended to the Resource list (the stored policy could not be parsed: " + cur.ParseError.Error() + ")"
	case ok && st.form == resourceList:
		ins.text, ins.growth = listTail(entries, len(st.resources))
		ins.replaces = "appended to the Resource list of statement " + sidOr(st.sid)
	case ok && st.form == resourceString:
		// "X" becomes ["X",…]: two brackets more.
		var tail string
		tail, ins.growth = listTail(entries, 1)
		ins.text = "[" + jsonString(st.resources[0]) + tail + "]"
		ins.replaces = "the new Resource of statement " + sidOr(st.sid) + " (a string until now)"
		ins.skeleton = 2
		ins.skeletonWhat = "the brackets that make the Resource of statement " + sidOr(st.sid) + " a list"
	case ok: // no Resource at all
		var tail string
		tail, ins.growth = listTail(entries, 0)
		ins.text = `,"Resource":[` + tail + "]"
		ins.replaces = "appended to statement " + sidOr(st.sid) + " (it has no Resource)"
		ins.skeleton = Characters(`,"Resource":[]`)
		ins.skeletonWhat = "a Resource list for statement " + sidOr(st.sid)
	default:
		// "If a policy exists without the statement, that statement is appended."
		_, ins.growth = listTail(entries, 0)
		stmt := DocumentedStatement(s, entries)
		ins.skeleton = Characters(DocumentedStatement(s, nil))
		switch {
		case cur.parsed.form == statementList && cur.parsed.emptyList:
			ins.text = stmt
		case cur.parsed.form == statementList:
			ins.text = "," + stmt
			ins.skeleton++
		case cur.parsed.form == statementObject:
			// {…} becomes [{…},{…}]
			ins.text = "," + stmt
			ins.skeleton += 3
		default:
			ins.text = `,"Statement":[` + stmt + "]"
			ins.skeleton += Characters(`,"Statement":[]`)
		}
		ins.replaces = "a new statement appended to " + policyLabel(cur.Name)
		ins.skeletonWhat = "the delivery statement AWS appends to " + policyLabel(cur.Name)
	}
	return ins
}

// policyLabel names a policy in messages; a log group's own policy may have no name.
func policyLabel(name string) string {
	if name == "" {
		return "the unnamed policy"
	}
	return name
}

func sidOr(sid string) string {
	if sid == "" {
		return "(no Sid)"
	}
	return sid
}

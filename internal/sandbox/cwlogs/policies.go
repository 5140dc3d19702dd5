package cwlogs

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

// Policy scopes.
const (
	ScopeAccount  = "ACCOUNT"
	ScopeResource = "RESOURCE"
)

type resourcePolicy struct {
	name, document string // RESOURCE scope: name may be "" (PutResourcePolicy without policyName)
	scope          string
	resourceARN    string // RESOURCE scope: as sent
	rev            int64  // RESOURCE scope: revision number, 1 for a new policy
	updated        int64  // ms
}

// revisionID is the policy's revisionId ("" for ACCOUNT scope). RESOURCE-scope revisions
// count the policy's versions: "1" when created, "2" after the first change, and so on
// (what terraform-provider-aws's acceptance tests of resource-scoped policies observe
// against AWS).
// UNCONFIRMED: that a policy re-created after DeleteResourcePolicy starts again at "1".
func (p *resourcePolicy) revisionID() string {
	if p.rev == 0 {
		return ""
	}
	return strconv.FormatInt(p.rev, 10)
}

// newRevision records a change of a RESOURCE-scope policy at now (ms).
func (p *resourcePolicy) newRevision(now int64) {
	p.rev++
	p.updated = now
}

// Policy is a stored resource policy (for inspection in tests).
type Policy struct {
	Name, Scope, Document, ResourceARN, RevisionID string
	LastUpdated                                    time.Time
}

func (p *resourcePolicy) export() Policy {
	return Policy{
		Name: p.name, Scope: p.scope, Document: p.document, ResourceARN: p.resourceARN,
		RevisionID: p.revisionID(), LastUpdated: time.UnixMilli(p.updated).UTC(),
	}
}

type resourcePolicyOut struct {
	PolicyName      string `json:"policyName,omitempty"`
	PolicyDocument  string `json:"policyDocument"`
	LastUpdatedTime int64  `json:"lastUpdatedTime"`
	PolicyScope     string `json:"policyScope,omitempty"`
	ResourceArn     string `json:"resourceArn,omitempty"`
	RevisionID      string `json:"revisionId,omitempty"`
}

func (p *resourcePolicy) out() resourcePolicyOut {
	// UNCONFIRMED: whether AWS returns policyScope for account-level policies; the
	// sandbox always sets it (ACCOUNT or RESOURCE). revisionId/resourceArn are only
	// populated for resource-scoped policies, as the API documents.
	// UNCONFIRMED: what policyName AWS returns for a resource-scoped policy created
	// without one; the sandbox leaves it out.
	return resourcePolicyOut{
		PolicyName: p.name, PolicyDocument: p.document, LastUpdatedTime: p.updated,
		PolicyScope: p.scope, ResourceArn: p.resourceARN, RevisionID: p.revisionID(),
	}
}

// policyLengthError is the service-side validation message seen from AWS
// ("Policy document length breaking Cloudwatch Logs Constraints, either < 1 or > 5120"),
// with the configured limit.
func policyLengthError(limit int) *APIError {
	return invalidParam("Policy document length breaking Cloudwatch Logs Constraints, either < 1 or > %d", limit)
}

// policyLength is how a document is measured against its scope's limit: ACCOUNT scope in
// characters (Unicode code points, the API model's length constraint), RESOURCE scope in
// bytes ("have a maximum size of 51,200 bytes"; docs/design/aws-behaviour.md §3.3, §3.6).
// UNCONFIRMED: that AWS counts log-group-level documents in UTF-8 bytes; the two only
// differ for documents with non-ASCII text (log group names and ARNs are ASCII).
func policyLength(scope, doc string) int {
	if scope == ScopeResource {
		return len(doc)
	}
	return runeLen(doc)
}

// nullParam and checkExpectedRevision give the API's own validation messages.
func nullParam(field string) *APIError {
	return invalidParam("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func checkExpectedRevision(rev *string) *APIError {
	if rev != nil && *rev == "" {
		return invalidParam("1 validation error detected: Value '' at 'expectedRevisionId' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	return nil
}

// putResourcePolicy creates or replaces an account-level policy (no resourceArn; by
// policyName) or the one policy of a log group (resourceArn; docs/design/aws-behaviour.md
// §3.2, §3.6).
func (s *Service) putResourcePolicy(body []byte) (any, *APIError) {
	var req struct {
		PolicyName         *string `json:"policyName"`
		PolicyDocument     *string `json:"policyDocument"`
		ResourceArn        *string `json:"resourceArn"`
		ExpectedRevisionID *string `json:"expectedRevisionId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	resourceScope := req.ResourceArn != nil
	name := ""
	if req.PolicyName != nil {
		name = *req.PolicyName
	}
	// A resource-scoped policy is identified by its log group: policyName is optional
	// there (terraform-provider-aws creates, updates and deletes them without one).
	// UNCONFIRMED: whether AWS refuses a policyName together with resourceArn (that
	// provider treats the two as exclusive); the sandbox accepts and stores it.
	if name == "" && !resourceScope {
		return nil, nullParam("policyName")
	}
	if req.PolicyDocument == nil {
		return nil, nullParam("policyDocument")
	}
	if err := checkExpectedRevision(req.ExpectedRevisionID); err != nil {
		return nil, err
	}
	scope, limit := ScopeAccount, s.opt.PolicySizeLimit
	if resourceScope {
		scope, limit = ScopeResource, s.opt.ResourcePolicySizeLimit
	}
	doc := *req.PolicyDocument
	if n := policyLength(scope, doc); n < 1 || n > limit {
		return nil, policyLengthError(limit)
	}
	if !json.Valid([]byte(doc)) {
		// UNCONFIRMED: exact message for a document that is not JSON.
		return nil, invalidParam("The policy document is not valid JSON.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowMillis()
	if !resourceScope {
		// UNCONFIRMED: whether AWS normalizes whitespace before storing/counting; the
		// sandbox stores and counts the document exactly as sent.
		// UNCONFIRMED: expectedRevisionId is ignored for account-level policies.
		p := s.accountPolicies[name]
		if p == nil {
			if len(s.accountPolicies) >= s.opt.MaxAccountPolicies {
				return nil, newErr(CodeLimitExceeded, "Resource limit exceeded.")
			}
			p = &resourcePolicy{name: name, scope: ScopeAccount}
			s.accountPolicies[p.name] = p
		}
		p.document, p.updated = doc, now
		return struct {
			ResourcePolicy resourcePolicyOut `json:"resourcePolicy"`
		}{p.out()}, nil
	}
	g, apiErr := s.groupFromARN("resourceArn", *req.ResourceArn)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := checkRevision(g, name, req.ExpectedRevisionID, true); apiErr != nil {
		return nil, apiErr
	}
	p := g.policy
	if p == nil {
		p = &resourcePolicy{name: name, scope: ScopeResource}
		g.policy = p
	}
	p.document, p.resourceARN = doc, *req.ResourceArn
	p.newRevision(now)
	return struct {
		ResourcePolicy resourcePolicyOut `json:"resourcePolicy"`
		RevisionID     string            `json:"revisionId"`
	}{p.out(), p.revisionID()}, nil
}

// checkRevision is the optimistic-concurrency check of PutResourcePolicy (put) and
// DeleteResourcePolicy with resourceArn. expectedRevisionId is "Required when
// resourceArn is provided to prevent concurrent modifications. Use null when creating a
// resource policy for the first time"; a failed check is OperationAbortedException,
// CloudWatch Logs' "concurrent modification" error, listed for both operations. A
// policyName, when given, must be the policy's own: one policy per log group.
// UNCONFIRMED: the codes for (a) a non-null expectedRevisionId when no policy exists,
// (b) null when one exists (put), (c) a mismatch: all OperationAbortedException;
// (d) another policyName while the group has a policy: LimitExceededException (put) or
// ResourceNotFoundException (delete); (e) delete without expectedRevisionId:
// InvalidParameterException.
func checkRevision(g *logGroup, name string, expected *string, put bool) *APIError {
	cur := g.policy
	switch {
	case cur == nil && !put:
		if name != "" {
			return notFound("Policy with name [%s] does not exist for resource %s", name, g.name)
		}
		return notFound("The log group %s has no resource policy.", g.name)
	case cur == nil && expected != nil:
		return newErr(CodeOperationAborted, "The log group %s has no resource policy, but expectedRevisionId %q was given. Use null when creating a resource policy for the first time.", g.name, *expected)
	case cur == nil:
		return nil
	case name != "" && name != cur.name && put:
		return newErr(CodeLimitExceeded, "Resource limit exceeded. The log group %s already has a resource policy (%s); a log group can have one resource policy.", g.name, policyLabel(cur))
	case name != "" && name != cur.name:
		return notFound("Policy with name [%s] does not exist for resource %s", name, g.name)
	case expected == nil && put:
		return newErr(CodeOperationAborted, "The resource policy %s of log group %s already exists; pass its current revisionId as expectedRevisionId to update it.", policyLabel(cur), g.name)
	case expected == nil:
		return invalidParam("expectedRevisionId is required when deleting a resource-scoped policy.")
	case *expected != cur.revisionID():
		return newErr(CodeOperationAborted, "A conflicting operation is currently in progress against this resource: expectedRevisionId %q does not match the current revision %q.", *expected, cur.revisionID())
	}
	return nil
}

// policyLabel names a policy in messages.
func policyLabel(p *resourcePolicy) string {
	if p.name == "" {
		return "(unnamed)"
	}
	return p.name
}

func (s *Service) describeResourcePolicies(body []byte) (any, *APIError) {
	var req struct {
		NextToken   *string `json:"nextToken"`
		Limit       *int64  `json:"limit"`
		ResourceArn *string `json:"resourceArn"`
		PolicyScope *string `json:"policyScope"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	limit, apiErr := checkLimit("limit", req.Limit, 50, 50)
	if apiErr != nil {
		return nil, apiErr
	}
	scope := ScopeAccount
	if req.PolicyScope != nil {
		switch *req.PolicyScope {
		case ScopeAccount, ScopeResource:
			scope = *req.PolicyScope
		default:
			return nil, invalidParam("1 validation error detected: Value '%s' at 'policyScope' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, RESOURCE]", *req.PolicyScope)
		}
	} else if req.ResourceArn != nil {
		// UNCONFIRMED: a resourceArn without policyScope is treated as RESOURCE.
		scope = ScopeResource
	}
	after := ""
	if req.NextToken != nil {
		k, ok := decodeToken("rp", *req.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		after = k
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*resourcePolicy
	switch scope {
	case ScopeAccount:
		if req.ResourceArn != nil {
			return nil, invalidParam("resourceArn can only be used with policyScope RESOURCE.")
		}
		for _, p := range s.accountPolicies {
			all = append(all, p)
		}
	case ScopeResource:
		// UNCONFIRMED: RESOURCE scope without resourceArn is rejected (the docs only
		// describe the per-log-group query).
		if req.ResourceArn == nil {
			return nil, invalidParam("resourceArn is required when policyScope is RESOURCE.")
		}
		g, apiErr := s.groupFromARN("resourceArn", *req.ResourceArn)
		if apiErr != nil && apiErr.Code != CodeResourceNotFound {
			return nil, apiErr
		}
		// A missing log group lists no policies (ResourceNotFound is not among the
		// documented errors of DescribeResourcePolicies).
		if g != nil && g.policy != nil {
			all = append(all, g.policy)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	out := []resourcePolicyOut{}
	var next *string
	for _, p := range all {
		if after != "" && p.name <= after {
			continue
		}
		if len(out) == limit {
			tok := encodeToken("rp", out[len(out)-1].PolicyName)
			next = &tok
			break
		}
		out = append(out, p.out())
	}
	return struct {
		ResourcePolicies []resourcePolicyOut `json:"resourcePolicies"`
		NextToken        *string             `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Service) deleteResourcePolicy(body []byte) (any, *APIError) {
	var req struct {
		PolicyName         *string `json:"policyName"`
		ResourceArn        *string `json:"resourceArn"`
		ExpectedRevisionID *string `json:"expectedRevisionId"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	name := ""
	if req.PolicyName != nil {
		name = *req.PolicyName
	}
	if name == "" && req.ResourceArn == nil {
		return nil, nullParam("policyName")
	}
	if err := checkExpectedRevision(req.ExpectedRevisionID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.ResourceArn == nil {
		if s.accountPolicies[name] == nil {
			return nil, notFound("Policy with name [%s] does not exist", name)
		}
		delete(s.accountPolicies, name)
		return struct{}{}, nil
	}
	g, apiErr := s.groupFromARN("resourceArn", *req.ResourceArn)
	if apiErr != nil {
		return nil, apiErr
	}
	if apiErr := checkRevision(g, name, req.ExpectedRevisionID, false); apiErr != nil {
		return nil, apiErr
	}
	g.policy = nil
	return struct{}{}, nil
}

// ---- inspection / seeding ----

// SeedAccountPolicy stores an account-level policy as is, bypassing every limit (to
// seed a near-full account).
func (s *Service) SeedAccountPolicy(name, document string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accountPolicies[name] = &resourcePolicy{name: name, document: document, scope: ScopeAccount, updated: s.nowMillis()}
}

// AccountPolicies returns the account-level policies sorted by name.
func (s *Service) AccountPolicies() []Policy {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Policy, 0, len(s.accountPolicies))
	for _, p := range s.accountPolicies {
		out = append(out, p.export())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AccountPolicy returns one account-level policy.
func (s *Service) AccountPolicy(name string) (Policy, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.accountPolicies[name]
	if p == nil {
		return Policy{}, false
	}
	return p.export(), true
}

// ResourcePolicies returns the RESOURCE-scope policies of a log group (at most one),
// given its ARN (with or without ":*") or its name.
func (s *Service) ResourcePolicies(logGroupARN string) []Policy {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := logGroupARN
	if _, _, _, n, ok := splitGroupARN(logGroupARN); ok {
		name = n
	}
	g := s.groups[name]
	if g == nil || g.policy == nil {
		return nil
	}
	return []Policy{g.policy.export()}
}

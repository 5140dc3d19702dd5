package cwlogs

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"time"
)

// Policy scopes.
const (
	ScopeAccount  = "ACCOUNT"
	ScopeResource = "RESOURCE"
)

type resourcePolicy struct {
	name, document string
	scope          string
	resourceARN    string // RESOURCE scope: as sent
	revision       string // RESOURCE scope only
	updated        int64  // ms
}

// Policy is a stored resource policy (for inspection in tests).
type Policy struct {
	Name, Scope, Document, ResourceARN, RevisionID string
	LastUpdated                                    time.Time
}

func (p *resourcePolicy) export() Policy {
	return Policy{
		Name: p.name, Scope: p.scope, Document: p.document, ResourceARN: p.resourceARN,
		RevisionID: p.revision, LastUpdated: time.UnixMilli(p.updated).UTC(),
	}
}

type resourcePolicyOut struct {
	PolicyName      string `json:"policyName"`
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
	return resourcePolicyOut{
		PolicyName: p.name, PolicyDocument: p.document, LastUpdatedTime: p.updated,
		PolicyScope: p.scope, ResourceArn: p.resourceARN, RevisionID: p.revision,
	}
}

func (s *Service) newRevision(name string) string {
	s.revSeq++
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", name, s.revSeq)
	x := h.Sum64()
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(x>>32), uint16(x>>16), s.revSeq&0xfff, uint16(x)&0xfff, s.revSeq)
}

// policyLengthError is the service-side validation message seen from AWS
// ("Policy document length breaking Cloudwatch Logs Constraints, either < 1 or > 5120"),
// with the configured limit.
func policyLengthError(limit int) *APIError {
	return invalidParam("Policy document length breaking Cloudwatch Logs Constraints, either < 1 or > %d", limit)
}

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
	if req.PolicyName == nil || *req.PolicyName == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null")
	}
	if req.PolicyDocument == nil {
		return nil, invalidParam("1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null")
	}
	resourceScope := req.ResourceArn != nil
	limit := s.opt.PolicySizeLimit
	if resourceScope {
		limit = s.opt.ResourcePolicySizeLimit
	}
	doc := *req.PolicyDocument
	// The length is counted in characters (Unicode code points), not bytes.
	if n := runeLen(doc); n < 1 || n > limit {
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
		p := s.accountPolicies[*req.PolicyName]
		if p == nil {
			if len(s.accountPolicies) >= s.opt.MaxAccountPolicies {
				return nil, newErr(CodeLimitExceeded, "Resource limit exceeded.")
			}
			p = &resourcePolicy{name: *req.PolicyName, scope: ScopeAccount}
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
	// One policy per log group. expectedRevisionId is AWS's optimistic-concurrency
	// check ("Use null when creating a resource policy for the first time"); a failed
	// check is OperationAbortedException, CloudWatch Logs' "concurrent modification"
	// error, which is listed for PutResourcePolicy.
	// UNCONFIRMED: the codes for (a) a non-null expectedRevisionId when no policy
	// exists, (b) null when one exists, (c) a mismatch: all OperationAbortedException;
	// (d) a different policyName while the group already has a policy: LimitExceededException.
	cur := g.policy
	switch {
	case cur == nil && req.ExpectedRevisionID != nil:
		return nil, newErr(CodeOperationAborted, "The log group %s has no resource policy, but expectedRevisionId %q was given. Use null when creating a resource policy for the first time.", g.name, *req.ExpectedRevisionID)
	case cur != nil && cur.name != *req.PolicyName:
		return nil, newErr(CodeLimitExceeded, "Resource limit exceeded. The log group %s already has a resource policy (%s); a log group can have one resource policy.", g.name, cur.name)
	case cur != nil && req.ExpectedRevisionID == nil:
		return nil, newErr(CodeOperationAborted, "The resource policy %s of log group %s already exists; pass its current revisionId as expectedRevisionId to update it.", cur.name, g.name)
	case cur != nil && *req.ExpectedRevisionID != cur.revision:
		return nil, newErr(CodeOperationAborted, "A conflicting operation is currently in progress against this resource: expectedRevisionId %q does not match the current revision %q.", *req.ExpectedRevisionID, cur.revision)
	}
	p := &resourcePolicy{
		name: *req.PolicyName, document: doc, scope: ScopeResource,
		resourceARN: *req.ResourceArn, revision: s.newRevision(*req.PolicyName), updated: now,
	}
	g.policy = p
	return struct {
		ResourcePolicy resourcePolicyOut `json:"resourcePolicy"`
		RevisionID     string            `json:"revisionId"`
	}{p.out(), p.revision}, nil
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
	if req.PolicyName == nil || *req.PolicyName == "" {
		return nil, invalidParam("1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.ResourceArn == nil {
		if s.accountPolicies[*req.PolicyName] == nil {
			return nil, notFound("Policy with name [%s] does not exist", *req.PolicyName)
		}
		delete(s.accountPolicies, *req.PolicyName)
		return struct{}{}, nil
	}
	g, apiErr := s.groupFromARN("resourceArn", *req.ResourceArn)
	if apiErr != nil {
		return nil, apiErr
	}
	if g.policy == nil || g.policy.name != *req.PolicyName {
		return nil, notFound("Policy with name [%s] does not exist for resource %s", *req.PolicyName, *req.ResourceArn)
	}
	// "Required when deleting a resource-scoped policy to prevent concurrent modifications."
	if req.ExpectedRevisionID == nil {
		return nil, invalidParam("expectedRevisionId is required when deleting a resource-scoped policy.")
	}
	if *req.ExpectedRevisionID != g.policy.revision {
		return nil, newErr(CodeOperationAborted, "A conflicting operation is currently in progress against this resource: expectedRevisionId %q does not match the current revision %q.", *req.ExpectedRevisionID, g.policy.revision)
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

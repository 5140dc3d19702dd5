package logdelivery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Names and limits of CloudWatch Logs resource policies (docs/design/aws-behaviour.md §3.2–3.4).
const (
	// DeliveryPolicyName is the account-level policy AWS's V1 log delivery creates and grows.
	DeliveryPolicyName = "AWSLogDeliveryWrite20150319"
	// DeliveryPrincipal is the service principal log delivery writes as.
	DeliveryPrincipal = "delivery.logs.amazonaws.com"
	// DeliverySid is the Sid of the documented statement (the observed variant uses "AWSLogDeliveryWrite").
	DeliverySid = "AWSLogDeliveryWrite20150319"
	// DefaultPolicySizeLimit is the account-level policy size AWS documents, in characters.
	// UNCONFIRMED: the enforced value (5120 in the docs, 51200 in the API model and recent error texts since
	// ~Nov 2025); callers take it from a setting.
	DefaultPolicySizeLimit = 5120
	// MaxAccountPolicies is the number of account-level resource policies per Region ("can't be changed").
	MaxAccountPolicies = 10
	// NearLimitRatio is the share of the limit from which the budget is reported as close to full.
	NearLimitRatio = 0.9
)

// Policy scopes, as DescribeResourcePolicies spells them.
const (
	ScopeAccount  = "ACCOUNT"
	ScopeResource = "RESOURCE"
)

// deliveryActions are the actions log delivery needs on the log group's streams.
var deliveryActions = []string{"logs:CreateLogStream", "logs:PutLogEvents"}

// Policy is one CloudWatch Logs resource policy as stored.
type Policy struct {
	Name     string
	Scope    string // ScopeAccount or ScopeResource
	Document string
	// ResourceARN is the log group a RESOURCE-scope policy belongs to; empty for account-level policies.
	ResourceARN string
}

// Characters is the policy's size as AWS counts it against the limit: the length of the policyDocument string
// in Unicode code points, whitespace included.
//
// UNCONFIRMED: AWS documents "characters" and validates the parameter with a Smithy @length constraint; whether a
// character outside the Basic Multilingual Plane counts once (code point, our choice) or twice (UTF-16, as Java's
// String.length would) is not documented. Whitespace is counted as stored; whether AWS normalizes whitespace a
// caller submits is UNCONFIRMED (docs/design/aws-behaviour.md §3.3), so we count the document exactly as DescribeResourcePolicies
// returns it.
func Characters(document string) int { return utf8.RuneCountInString(document) }

// Characters is Characters(p.Document).
func (p Policy) Characters() int { return Characters(p.Document) }

// resourceForm says how a statement's Resource is written, which decides the text an appended entry needs.
type resourceForm int

const (
	resourceAbsent resourceForm = iota
	resourceString
	resourceList
)

// statement is the part of a policy statement that matters for log delivery.
type statement struct {
	sid        string
	allow      bool
	principals []string // service principals, and "*" for Principal "*" / {"AWS":"*"}
	actions    []string
	resources  []string
	form       resourceForm
	// negated is true when the statement uses NotPrincipal, NotAction or NotResource; such statements are
	// never treated as granting delivery.
	negated bool
}

// statementForm says how the policy's Statement is written.
type statementForm int

const (
	statementAbsent statementForm = iota
	statementObject
	statementList
)

// parsedPolicy is a policy document reduced to its statements.
type parsedPolicy struct {
	statements []statement
	form       statementForm
	emptyList  bool // Statement is []
}

// parsePolicy reads a policy document leniently: the observed variants (Principal.Service as a string or a
// list, Resource as a string or a list, Statement as an object or a list, pretty-printed or minified) all parse.
func parsePolicy(doc string) (*parsedPolicy, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("the policy document is not valid JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("the policy document has data after its JSON object")
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, errors.New("the policy document is not a JSON object")
	}
	p := &parsedPolicy{}
	var raw []any
	switch st := obj["Statement"].(type) {
	case nil:
		p.form = statementAbsent
	case map[string]any:
		p.form = statementObject
		raw = []any{st}
	case []any:
		p.form = statementList
		p.emptyList = len(st) == 0
		raw = st
	default:
		return nil, errors.New("the policy document's Statement is neither an object nor a list")
	}
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		p.statements = append(p.statements, parseStatement(m))
	}
	return p, nil
}

func parseStatement(m map[string]any) statement {
	s := statement{}
	s.sid, _ = m["Sid"].(string)
	eff, _ := m["Effect"].(string)
	s.allow = strings.EqualFold(eff, "Allow")
	switch pr := m["Principal"].(type) {
	case string: // "*" or, tolerated, a bare service name
		s.principals = []string{pr}
	case map[string]any:
		s.principals = stringsOf(pr["Service"])
		for _, a := range stringsOf(pr["AWS"]) {
			if a == "*" {
				s.principals = append(s.principals, "*")
			}
		}
	}
	s.actions = stringsOf(m["Action"])
	switch r := m["Resource"].(type) {
	case string:
		s.form = resourceString
		s.resources = []string{r}
	case []any:
		s.form = resourceList
		s.resources = stringsOf(r)
	}
	_, np := m["NotPrincipal"]
	_, na := m["NotAction"]
	_, nr := m["NotResource"]
	s.negated = np || na || nr
	return s
}

func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// grantsDelivery reports whether the statement lets log delivery write: Allow, the delivery service principal
// (Principal "*" is not counted: it is not a delivery grant we can attribute), and at least one of the delivery
// actions (IAM wildcards such as "logs:*" match).
func (s statement) grantsDelivery() bool {
	if !s.allow || s.negated {
		return false
	}
	principal := false
	for _, p := range s.principals {
		if strings.EqualFold(strings.TrimSpace(p), DeliveryPrincipal) {
			principal = true
		}
	}
	if !principal {
		return false
	}
	for _, a := range s.actions {
		for _, want := range deliveryActions {
			if globMatch(strings.ToLower(a), strings.ToLower(want)) {
				return true
			}
		}
	}
	return false
}

// covers reports whether one of the statement's Resource entries matches target (IAM wildcards '*' and '?').
func (s statement) covers(target string) bool {
	for _, r := range s.resources {
		if globMatch(r, target) {
			return true
		}
	}
	return false
}

// globMatch matches s against an IAM-style pattern: '*' is any run of characters, '?' any one character.
func globMatch(pattern, s string) bool {
	p, t := []rune(pattern), []rune(s)
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Scope is the partition, region and account whose policies are read.
type Scope struct {
	Partition, Region, AccountID string
}

// LogGroupARN is the ARN of the log group with this name in the scope's partition, region and account.
func (s Scope) LogGroupARN(name string) LogGroupARN {
	return LogGroupARN{Partition: s.Partition, Region: s.Region, AccountID: s.AccountID, Name: name}
}

func (s Scope) logsPrefix() string {
	return "arn:" + s.Partition + ":logs:" + s.Region + ":" + s.AccountID + ":"
}

// DeliveryEntry is the Resource entry log delivery adds for one log group:
// arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME:log-stream:*.
func DeliveryEntry(g LogGroupARN) string { return g.String() + ":log-stream:*" }

// VendedLogsWildcard is the single entry that covers every /aws/vendedlogs/ group of an account and region
// (observed form: no ":log-stream:*" suffix, docs/design/aws-behaviour.md §3.4).
func VendedLogsWildcard(s Scope) string {
	return s.logsPrefix() + "log-group:" + VendedLogsPrefix + "*"
}

// VendedName is the log group name to use instead of name so that delivery does not grow the account's policy:
// "/aws/vendedlogs/" followed by name without its leading slashes. Names already under the prefix are returned
// as they are.
func VendedName(name string) string {
	if IsVended(name) {
		return name
	}
	return VendedLogsPrefix + strings.TrimLeft(name, "/")
}

// PolicyInfo is one policy with what the budget needs to know about it.
type PolicyInfo struct {
	Policy
	// Characters is the stored size (see Characters).
	Characters int
	// GrantsDelivery is true when a statement lets delivery.logs.amazonaws.com write log streams.
	GrantsDelivery bool
	// ParseError is set when the document could not be read as a policy; such a policy covers nothing.
	ParseError error

	parsed *parsedPolicy
}

func analyzePolicy(p Policy) PolicyInfo {
	info := PolicyInfo{Policy: p, Characters: p.Characters()}
	pp, err := parsePolicy(p.Document)
	if err != nil {
		info.ParseError = err
		return info
	}
	info.parsed = pp
	for _, st := range pp.statements {
		if st.grantsDelivery() {
			info.GrantsDelivery = true
		}
	}
	return info
}

// coversGroup reports whether a delivery statement of the policy covers the group's log streams.
//
// For account-level policies the target is the stream pattern delivery writes to
// (arn:…:log-group:NAME:log-stream:*), matched with IAM wildcards, so per-group entries, "…:log-group:NAME:*",
// "…:log-group:/aws/vendedlogs/*" and "*" all cover. For a log group's own (RESOURCE-scope) policy the group ARN
// with and without ":*" also counts, and a statement without Resource covers its group.
// UNCONFIRMED: the exact test AWS applies before it decides a group is already covered; the Condition block is not
// evaluated (the documented Condition limits the grant to the policy's own account, which is the only account
// delivery writes from).
func (pi PolicyInfo) coversGroup(g LogGroupARN) bool {
	if pi.parsed == nil {
		return false
	}
	targets := []string{DeliveryEntry(g)}
	if pi.Scope == ScopeResource {
		targets = append(targets, g.String(), g.String()+":*")
	}
	for _, st := range pi.parsed.statements {
		if !st.grantsDelivery() {
			continue
		}
		if pi.Scope == ScopeResource && st.form == resourceAbsent {
			return true
		}
		for _, t := range targets {
			if st.covers(t) {
				return true
			}
		}
	}
	return false
}

// deliveryEntries returns the Resource entries of the policy's delivery statements, split into per-group entries
// (log group ARNs, normalised, for entries of the form …:log-group:NAME:log-stream:* with a NAME free of
// wildcards) and every other entry (wildcards and unusual forms).
func (pi PolicyInfo) deliveryEntries() (groups, others []string) {
	if pi.parsed == nil {
		return nil, nil
	}
	for _, st := range pi.parsed.statements {
		if !st.grantsDelivery() {
			continue
		}
		for _, r := range st.resources {
			if base, ok := strings.CutSuffix(r, ":log-stream:*"); ok && !strings.ContainsAny(base, "*?") {
				if a, err := ParseLogGroupARN(base); err == nil {
					groups = append(groups, a.String())
					continue
				}
			}
			others = append(others, r)
		}
	}
	return groups, others
}

// firstDeliveryStatement is the statement log delivery appends to: the first statement granting delivery.
// UNCONFIRMED: which statement AWS appends to when a policy has several (our choice: the first).
func (pi PolicyInfo) firstDeliveryStatement() (statement, bool) {
	if pi.parsed == nil {
		return statement{}, false
	}
	for _, st := range pi.parsed.statements {
		if st.grantsDelivery() {
			return st, true
		}
	}
	return statement{}, false
}

// jsonString quotes s as JSON without HTML escaping (AWS writes '<', '>' and '&' as they are).
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimRight(b.String(), "\n")
}

func jsonList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = jsonString(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// DocumentedStatement is the statement log delivery writes, minified, in the documented form (docs/design/aws-behaviour.md §3.4:
// Sid AWSLogDeliveryWrite20150319, Principal.Service as a list, the two actions, the Resource list and the
// Condition on aws:SourceAccount/aws:SourceArn).
// UNCONFIRMED: which variant AWS writes today; the documented one is the longer of the two (it has the
// Condition), so projecting it errs on the side of a larger policy.
func DocumentedStatement(s Scope, resources []string) string {
	return `{"Sid":` + jsonString(DeliverySid) +
		`,"Effect":"Allow","Principal":{"Service":[` + jsonString(DeliveryPrincipal) + `]}` +
		`,"Action":` + jsonList(deliveryActions) +
		`,"Resource":` + jsonList(resources) +
		`,"Condition":{"StringEquals":{"aws:SourceAccount":` + jsonList([]string{s.AccountID}) +
		`},"ArnLike":{"aws:SourceArn":` + jsonList([]string{s.logsPrefix() + "*"}) + `}}}`
}

// DocumentedPolicy is the minified policy log delivery creates when the account has none.
func DocumentedPolicy(s Scope, resources []string) string {
	return `{"Version":"2012-10-17","Statement":[` + DocumentedStatement(s, resources) + `]}`
}

func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

package cwlogs

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

type logGroup struct {
	name               string
	created            int64
	retention          int // days; 0 = never expire
	kmsKeyID           string
	class              string
	deletionProtection bool
	tags               map[string]string
	streams            map[string]*logStream
	policy             *resourcePolicy // the RESOURCE-scope policy, if any
}

// ---- names, ARNs, tokens ----

// logsARNPrefix is "arn:PARTITION:logs:REGION:ACCOUNT:".
func (s *Service) logsARNPrefix() string {
	return fmt.Sprintf("arn:%s:logs:%s:%s:", awsapi.Partition(s.opt.Region), s.opt.Region, s.opt.AccountID)
}

// groupARN is the log group ARN without the trailing ":*" (LogGroup.logGroupArn).
func (s *Service) groupARN(name string) string {
	return s.logsARNPrefix() + "log-group:" + name
}

func (s *Service) streamARN(group, stream string) string {
	return s.groupARN(group) + ":log-stream:" + stream
}

// GroupARN returns the ARN of a log group as DescribeLogGroups' logGroupArn (no ":*").
func (s *Service) GroupARN(name string) string { return s.groupARN(name) }

func validGroupNameChar(r rune) bool {
	return r == '.' || r == '-' || r == '_' || r == '/' || r == '#' ||
		(r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
}

// validateGroupName applies the model constraints of LogGroupName
// (length 1..512, pattern [\.\-_/#A-Za-z0-9]+).
func validateGroupName(field string, name *string) *APIError {
	if name == nil {
		return invalidParam("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	n := *name
	if len(n) < 1 {
		return invalidParam("1 validation error detected: Value '' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", field)
	}
	if utf8.RuneCountInString(n) > 512 {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 512", n, field)
	}
	for _, r := range n {
		if !validGroupNameChar(r) {
			return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", n, field)
		}
	}
	return nil
}

func validateStreamName(field string, name *string) *APIError {
	if name == nil {
		return invalidParam("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	n := *name
	if len(n) < 1 {
		return invalidParam("1 validation error detected: Value '' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", field)
	}
	if utf8.RuneCountInString(n) > 512 {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 512", n, field)
	}
	if strings.ContainsAny(n, ":*") {
		return invalidParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", n, field)
	}
	return nil
}

// splitGroupARN parses arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*].
func splitGroupARN(arn string) (partition, region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
		return "", "", "", "", false
	}
	name = strings.TrimSuffix(parts[6], ":*")
	if name == "" || strings.Contains(name, ":") {
		return "", "", "", "", false
	}
	return parts[1], parts[3], parts[4], name, true
}

// groupLocked returns the named log group, or AWS's ResourceNotFoundException. The caller holds s.mu.
func (s *Service) groupLocked(name string) (*logGroup, *APIError) {
	if g := s.groups[name]; g != nil {
		return g, nil
	}
	return nil, notFound("The specified log group does not exist.")
}

// groupFromARN resolves a log group ARN (with or without ":*") in this account+Region.
func (s *Service) groupFromARN(field, arn string) (*logGroup, *APIError) {
	part, region, account, name, ok := splitGroupARN(arn)
	if !ok {
		return nil, invalidParam("Invalid %s: %q is not a log group ARN (expected arn:%s:logs:%s:%s:log-group:NAME)", field, arn, awsapi.Partition(s.opt.Region), s.opt.Region, s.opt.AccountID)
	}
	if part != awsapi.Partition(s.opt.Region) || region != s.opt.Region || account != s.opt.AccountID {
		return nil, notFound("The specified log group does not exist.")
	}
	return s.groupLocked(name)
}

// resolveGroup implements the logGroupName | logGroupIdentifier pair: exactly one must
// be given; the identifier is a name or an ARN (with or without ":*").
func (s *Service) resolveGroup(name, identifier *string) (*logGroup, *APIError) {
	if (name == nil) == (identifier == nil) {
		return nil, invalidParam("You must specify either logGroupIdentifier or logGroupName, but not both.")
	}
	if name != nil {
		if err := validateGroupName("logGroupName", name); err != nil {
			return nil, err
		}
		return s.groupLocked(*name)
	}
	id := *identifier
	if id == "" || utf8.RuneCountInString(id) > 2048 {
		return nil, invalidParam("1 validation error detected: Value '%s' at 'logGroupIdentifier' failed to satisfy constraint: Member must have length between 1 and 2048", id)
	}
	if strings.HasPrefix(id, "arn:") {
		return s.groupFromARN("logGroupIdentifier", id)
	}
	return s.groupLocked(id)
}

func encodeToken(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + key))
}

func decodeToken(kind, tok string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", false
	}
	k, key, ok := strings.Cut(string(b), "\x00")
	if !ok || k != kind {
		return "", false
	}
	return key, true
}

func invalidToken() *APIError { return invalidParam("The specified nextToken is invalid.") }

// checkLimit validates a page-size parameter, which AWS bounds to 1..hi, and defaults it to def.
func checkLimit(field string, v *int64, hi, def int64) (int, *APIError) {
	if v == nil {
		return int(def), nil
	}
	if *v < 1 || *v > hi {
		return 0, invalidParam("1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value between 1 and %d", *v, field, hi)
	}
	return int(*v), nil
}

// ---- operations ----

var logGroupClasses = map[string]bool{"STANDARD": true, "INFREQUENT_ACCESS": true, "DELIVERY": true, "ESSENTIALS": true}

func (s *Service) createLogGroup(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName              *string           `json:"logGroupName"`
		KmsKeyID                  *string           `json:"kmsKeyId"`
		Tags                      map[string]string `json:"tags"`
		LogGroupClass             *string           `json:"logGroupClass"`
		DeletionProtectionEnabled *bool             `json:"deletionProtectionEnabled"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if req.KmsKeyID != nil {
		if err := s.validateKMSKeyARN(req.KmsKeyID); err != nil {
			return nil, err
		}
	}
	if len(req.Tags) > maxTags {
		return nil, invalidParam("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", maxTags)
	}
	if err := validateTags(req.Tags); err != nil {
		return nil, err
	}
	class := "STANDARD"
	if req.LogGroupClass != nil {
		if !logGroupClasses[*req.LogGroupClass] {
			return nil, invalidParam("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY, ESSENTIALS]", *req.LogGroupClass)
		}
		class = *req.LogGroupClass
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := *req.LogGroupName
	if s.groups[name] != nil {
		return nil, newErr(CodeResourceAlreadyExists, "The specified log group already exists")
	}
	g := &logGroup{
		name:    name,
		created: s.nowMillis(),
		class:   class,
		tags:    map[string]string{},
		streams: map[string]*logStream{},
	}
	if req.KmsKeyID != nil {
		g.kmsKeyID = *req.KmsKeyID
	}
	if req.DeletionProtectionEnabled != nil {
		g.deletionProtection = *req.DeletionProtectionEnabled
	}
	for k, v := range req.Tags {
		g.tags[k] = v
	}
	s.groups[name] = g
	return struct{}{}, nil
}

func (s *Service) deleteLogGroup(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName *string `json:"logGroupName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	if g.deletionProtection {
		// UNCONFIRMED: the code AWS returns for deleting a protected group.
		return nil, newErr(CodeInvalidOperation, "Log group %s has deletion protection enabled; disable it before deleting the log group.", g.name)
	}
	// Streams, events and the RESOURCE-scope policy go with the group. Account-level
	// policies that name the group are left alone (AWS does not clean them up).
	delete(s.groups, g.name)
	return struct{}{}, nil
}

type logGroupOut struct {
	LogGroupName              string `json:"logGroupName"`
	CreationTime              int64  `json:"creationTime"`
	RetentionInDays           *int   `json:"retentionInDays,omitempty"`
	MetricFilterCount         *int   `json:"metricFilterCount,omitempty"`
	Arn                       string `json:"arn"`
	LogGroupArn               string `json:"logGroupArn,omitempty"`
	StoredBytes               *int64 `json:"storedBytes,omitempty"`
	KmsKeyID                  string `json:"kmsKeyId,omitempty"`
	LogGroupClass             string `json:"logGroupClass,omitempty"`
	DeletionProtectionEnabled *bool  `json:"deletionProtectionEnabled,omitempty"`
}

func (s *Service) describeLogGroups(body []byte) (any, *APIError) {
	var req struct {
		LogGroupNamePrefix    *string  `json:"logGroupNamePrefix"`
		LogGroupNamePattern   *string  `json:"logGroupNamePattern"`
		LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
		LogGroupClass         *string  `json:"logGroupClass"`
		NextToken             *string  `json:"nextToken"`
		Limit                 *int64   `json:"limit"`
		IncludeLinkedAccounts *bool    `json:"includeLinkedAccounts"`
		AccountIdentifiers    []string `json:"accountIdentifiers"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	limit, err := checkLimit("limit", req.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	if req.LogGroupNamePrefix != nil && req.LogGroupNamePattern != nil {
		return nil, invalidParam("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one of these parameters can be passed.")
	}
	if req.LogGroupNamePrefix != nil {
		if err := validateGroupName("logGroupNamePrefix", req.LogGroupNamePrefix); err != nil {
			return nil, err
		}
	}
	if req.LogGroupNamePattern != nil {
		p := *req.LogGroupNamePattern
		if utf8.RuneCountInString(p) > 512 {
			return nil, invalidParam("1 validation error detected: Value '%s' at 'logGroupNamePattern' failed to satisfy constraint: Member must have length less than or equal to 512", p)
		}
		for _, r := range p {
			if !validGroupNameChar(r) {
				return nil, invalidParam("1 validation error detected: Value '%s' at 'logGroupNamePattern' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]*", p)
			}
		}
	}
	if req.LogGroupIdentifiers != nil {
		if req.LogGroupNamePrefix != nil || req.LogGroupNamePattern != nil || req.LogGroupClass != nil {
			return nil, invalidParam("If you specify logGroupIdentifiers, the only other filter you can specify is includeLinkedAccounts.")
		}
		if len(req.LogGroupIdentifiers) < 1 || len(req.LogGroupIdentifiers) > 50 {
			return nil, invalidParam("1 validation error detected: Value at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length between 1 and 50")
		}
	}
	if req.LogGroupClass != nil && !logGroupClasses[*req.LogGroupClass] {
		return nil, invalidParam("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY, ESSENTIALS]", *req.LogGroupClass)
	}
	after := ""
	if req.NextToken != nil {
		k, ok := decodeToken("lg", *req.NextToken)
		if !ok {
			return nil, invalidToken()
		}
		after = k
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var ids map[string]bool
	if req.LogGroupIdentifiers != nil {
		ids = map[string]bool{}
		for _, id := range req.LogGroupIdentifiers {
			if strings.HasPrefix(id, "arn:") {
				if _, r, a, n, ok := splitGroupARN(id); ok && r == s.opt.Region && a == s.opt.AccountID {
					ids[n] = true
				}
				continue
			}
			ids[id] = true
		}
	}
	names := s.sortedGroupNames()
	out := []logGroupOut{}
	var next *string
	for _, n := range names {
		if after != "" && n <= after {
			continue
		}
		g := s.groups[n]
		if req.LogGroupNamePrefix != nil && !strings.HasPrefix(n, *req.LogGroupNamePrefix) {
			continue
		}
		if req.LogGroupNamePattern != nil && !strings.Contains(n, *req.LogGroupNamePattern) {
			continue
		}
		if ids != nil && !ids[n] {
			continue
		}
		if req.LogGroupClass != nil {
			// "If you specify either INFREQUENT_ACCESS or ESSENTIALS, the results include
			// log groups in both the Infrequent Access and Essentials log classes."
			want := *req.LogGroupClass
			if want == "INFREQUENT_ACCESS" || want == "ESSENTIALS" {
				if g.class != "INFREQUENT_ACCESS" && g.class != "ESSENTIALS" {
					continue
				}
			} else if g.class != want {
				continue
			}
		}
		if len(out) == limit {
			tok := encodeToken("lg", out[len(out)-1].LogGroupName)
			next = &tok
			break
		}
		out = append(out, s.describeGroup(g, req.LogGroupNamePattern != nil))
	}
	return struct {
		LogGroups []logGroupOut `json:"logGroups"`
		NextToken *string       `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Service) describeGroup(g *logGroup, short bool) logGroupOut {
	o := logGroupOut{
		LogGroupName: g.name,
		CreationTime: g.created,
		Arn:          s.groupARN(g.name) + ":*",
	}
	if short {
		// "If you specify logGroupNamePattern in your request, then only arn,
		// creationTime, and logGroupName are included in the response."
		return o
	}
	if g.retention > 0 {
		r := g.retention
		o.RetentionInDays = &r
	}
	zero := 0
	o.MetricFilterCount = &zero
	o.LogGroupArn = s.groupARN(g.name)
	var stored int64
	for _, st := range g.streams {
		stored += st.storedBytes
	}
	o.StoredBytes = &stored
	o.KmsKeyID = g.kmsKeyID
	o.LogGroupClass = g.class
	dp := g.deletionProtection
	o.DeletionProtectionEnabled = &dp
	return o
}

func (s *Service) sortedGroupNames() []string {
	names := make([]string, 0, len(s.groups))
	for n := range s.groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AllowedRetentionDays are the values PutRetentionPolicy accepts.
var AllowedRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func (s *Service) putRetentionPolicy(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName    *string `json:"logGroupName"`
		RetentionInDays *int64  `json:"retentionInDays"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	if req.RetentionInDays == nil {
		return nil, invalidParam("1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null")
	}
	ok := false
	for _, d := range AllowedRetentionDays {
		if int64(d) == *req.RetentionInDays {
			ok = true
		}
	}
	if !ok {
		return nil, invalidParam("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: %s", *req.RetentionInDays, strings.ReplaceAll(fmt.Sprint(AllowedRetentionDays), " ", ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	// UNCONFIRMED: (simplified) AWS deletes expired events asynchronously (up to 72 h);
	// the sandbox keeps stored events and only applies retention to new PutLogEvents
	// batches (expiredLogEventEndIndex).
	g.retention = int(*req.RetentionInDays)
	return struct{}{}, nil
}

func (s *Service) deleteRetentionPolicy(body []byte) (any, *APIError) {
	var req struct {
		LogGroupName *string `json:"logGroupName"`
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := validateGroupName("logGroupName", req.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, gerr := s.groupLocked(*req.LogGroupName)
	if gerr != nil {
		return nil, gerr
	}
	g.retention = 0
	return struct{}{}, nil
}

// ---- inspection ----

// LogGroupNames returns the names of all log groups, sorted.
func (s *Service) LogGroupNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedGroupNames()
}

// CreateLogGroup creates a log group directly (for seeding tests); it applies the
// same validation as the API.
func (s *Service) CreateLogGroup(name string) error {
	b, _ := marshal(map[string]string{"logGroupName": name})
	_, err := s.createLogGroup(b)
	if err != nil {
		return err
	}
	return nil
}

// Package cwlogs is the sandbox's model of Amazon CloudWatch Logs: the AWS JSON 1.1
// operations the product uses (log groups and their KMS keys, streams, events, resource
// policies, Logs Insights) and the V1 log delivery that Site-to-Site VPN performs when a
// tunnel log is enabled.
//
// The package is an independent model of AWS: it imports no package of the product (of the
// sandbox, only awsapi for partitions). Permission checks, fault injection and request counting are done by the
// sandbox core before Handle is called; this package implements the service
// semantics (validation, limits, paging, error codes, side effects).
//
// AWS behaviour is recorded in docs/design/aws-behaviour.md; where AWS does not document
// it, a comment starting "UNCONFIRMED:" states the choice made (listed in §8 there).
package cwlogs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Options configures a Service.
type Options struct {
	Region, AccountID string
	Now               func() time.Time // nil => time.Now
	// PolicySizeLimit is the ACCOUNT-scope policy document limit in characters
	// (Unicode code points); 0 => 5120.
	// UNCONFIRMED: the enforced value (docs say 5120, model and recent error text say 51200);
	// it is a setting so scenarios can pick either.
	PolicySizeLimit int
	// ResourcePolicySizeLimit is the RESOURCE-scope (log-group-level) policy document
	// limit in bytes; 0 => 51200.
	ResourcePolicySizeLimit int
	// MaxAccountPolicies is the account-level policy count per Region; 0 => 10
	// ("This quota can't be changed").
	MaxAccountPolicies int
	// VendedLogsThreshold is the fraction of PolicySizeLimit at/above which log delivery
	// adds the /aws/vendedlogs/* entry; 0 => 0.8.
	// UNCONFIRMED: AWS only says "approaches the size limit"; 0.8 is our choice.
	VendedLogsThreshold float64
	// DeliveryPolicyModel is where V1 log delivery grants delivery.logs.amazonaws.com
	// write access: DeliveryModelAccount ("" means this) or DeliveryModelLogGroup. See
	// EnableDelivery. Any other value makes New panic.
	DeliveryPolicyModel string
	// RateLimits enforces per-API TPS quotas (token buckets, burst = rate) with
	// ThrottlingException.
	RateLimits bool
	// SurfacePanics lets a panic in an operation propagate out of Handle instead of becoming
	// InternalServerException, so that fuzz tests see it. Servers leave it false.
	SurfacePanics bool
}

// Defaults applied by New.
const (
	DefaultPolicySizeLimit         = 5120
	DefaultResourcePolicySizeLimit = 51200
	DefaultMaxAccountPolicies      = 10
	DefaultVendedLogsThreshold     = 0.8
)

// Service is one account+Region of CloudWatch Logs. It is safe for concurrent use.
type Service struct {
	mu  sync.Mutex
	opt Options

	groups          map[string]*logGroup
	accountPolicies map[string]*resourcePolicy
	queries         map[string]*query

	seq      int64 // global event sequence (ingestion order)
	querySeq int64
	tokenSeq int64 // upload sequence tokens

	buckets map[string]*bucket
}

// New returns an empty CloudWatch Logs account+Region.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PolicySizeLimit <= 0 {
		o.PolicySizeLimit = DefaultPolicySizeLimit
	}
	if o.ResourcePolicySizeLimit <= 0 {
		o.ResourcePolicySizeLimit = DefaultResourcePolicySizeLimit
	}
	if o.MaxAccountPolicies <= 0 {
		o.MaxAccountPolicies = DefaultMaxAccountPolicies
	}
	if o.VendedLogsThreshold <= 0 {
		o.VendedLogsThreshold = DefaultVendedLogsThreshold
	}
	if o.DeliveryPolicyModel == "" {
		o.DeliveryPolicyModel = DeliveryModelAccount
	}
	if !ValidDeliveryPolicyModel(o.DeliveryPolicyModel) {
		panic(fmt.Sprintf("cwlogs: delivery policy model %q is not one of %v", o.DeliveryPolicyModel, DeliveryPolicyModels()))
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	return &Service{
		opt:             o,
		groups:          map[string]*logGroup{},
		accountPolicies: map[string]*resourcePolicy{},
		queries:         map[string]*query{},
		buckets:         map[string]*bucket{},
	}
}

func (s *Service) now() time.Time { return s.opt.Now() }

func (s *Service) nowMillis() int64 { return s.opt.Now().UnixMilli() }

// APIError is a CloudWatch Logs error: Code is the AWS error code (the "__type").
type APIError struct {
	Code    string
	Message string
	// compile carries MalformedQueryException's queryCompileError.
	compile *queryCompileError
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status AWS uses for the error.
func (e *APIError) Status() int {
	switch e.Code {
	case CodeServiceUnavailable, CodeInternalServer, CodeInternalFailure:
		return 500
	}
	return 400
}

func newErr(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalidParam(format string, args ...any) *APIError {
	return newErr(CodeInvalidParameter, format, args...)
}

func notFound(format string, args ...any) *APIError {
	return newErr(CodeResourceNotFound, format, args...)
}

// Error codes used by this package (the "__type" values).
const (
	CodeInvalidParameter      = "InvalidParameterException"
	CodeResourceNotFound      = "ResourceNotFoundException"
	CodeResourceAlreadyExists = "ResourceAlreadyExistsException"
	CodeLimitExceeded         = "LimitExceededException"
	CodeOperationAborted      = "OperationAbortedException"
	CodeMalformedQuery        = "MalformedQueryException"
	CodeThrottling            = "ThrottlingException"
	CodeTooManyTags           = "TooManyTagsException"
	CodeSerialization         = "SerializationException"
	CodeUnknownOperation      = "UnknownOperationException"
	CodeInternalServer        = "InternalServerException"
	CodeInvalidOperation      = "InvalidOperationException"

	// Answered by the sandbox core before Handle is reached (permissions, injected faults), and 5xx codes.
	CodeAccessDenied       = "AccessDeniedException"
	CodeServiceUnavailable = "ServiceUnavailableException"
	CodeInternalFailure    = "InternalFailure"
)

type handlerFunc func(s *Service, body []byte) (any, *APIError)

var handlers = map[string]handlerFunc{
	"CreateLogGroup":           (*Service).createLogGroup,
	"DeleteLogGroup":           (*Service).deleteLogGroup,
	"DescribeLogGroups":        (*Service).describeLogGroups,
	"PutRetentionPolicy":       (*Service).putRetentionPolicy,
	"DeleteRetentionPolicy":    (*Service).deleteRetentionPolicy,
	"TagResource":              (*Service).tagResource,
	"UntagResource":            (*Service).untagResource,
	"ListTagsForResource":      (*Service).listTagsForResource,
	"TagLogGroup":              (*Service).tagLogGroup,
	"UntagLogGroup":            (*Service).untagLogGroup,
	"ListTagsLogGroup":         (*Service).listTagsLogGroup,
	"CreateLogStream":          (*Service).createLogStream,
	"DeleteLogStream":          (*Service).deleteLogStream,
	"DescribeLogStreams":       (*Service).describeLogStreams,
	"PutLogEvents":             (*Service).putLogEvents,
	"GetLogEvents":             (*Service).getLogEvents,
	"FilterLogEvents":          (*Service).filterLogEvents,
	"PutResourcePolicy":        (*Service).putResourcePolicy,
	"DescribeResourcePolicies": (*Service).describeResourcePolicies,
	"DeleteResourcePolicy":     (*Service).deleteResourcePolicy,
	"StartQuery":               (*Service).startQuery,
	"GetQueryResults":          (*Service).getQueryResults,
	"StopQuery":                (*Service).stopQuery,
	"AssociateKmsKey":          (*Service).associateKmsKey,
	"DisassociateKmsKey":       (*Service).disassociateKmsKey,
}

// Operations lists the operations Handle implements, sorted.
func Operations() []string {
	out := make([]string, 0, len(handlers))
	for k := range handlers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Handle serves one AWS JSON 1.1 operation; op is the part of X-Amz-Target after
// "Logs_20140328.". It returns the HTTP status, the response body (a JSON object, also
// for errors: {"__type":code,"message":...}) and the AWS error code ("" on success).
// Handle never panics (unless Options.SurfacePanics): a panic in an operation becomes
// InternalServerException.
func (s *Service) Handle(op string, body []byte) (status int, resp []byte, errCode string) {
	if !s.opt.SurfacePanics {
		defer func() {
			if r := recover(); r != nil {
				status, resp, errCode = errorResponse(newErr(CodeInternalServer, "internal error in the CloudWatch Logs sandbox: %v", r))
			}
		}()
	}
	h, ok := handlers[op]
	if !ok {
		if len(op) > 64 { // never echo a hostile name back in full
			op = op[:64] + "…"
		}
		return errorResponse(newErr(CodeUnknownOperation, "Operation %q is not supported by the CloudWatch Logs sandbox (supported: %v)", op, Operations()))
	}
	if s.opt.RateLimits && !s.allow(op) {
		return errorResponse(newErr(CodeThrottling, "Rate exceeded"))
	}
	out, apiErr := h(s, body)
	if apiErr != nil {
		return errorResponse(apiErr)
	}
	b, err := marshal(out)
	if err != nil {
		return errorResponse(newErr(CodeInternalServer, "encoding the response: %v", err))
	}
	return 200, b, ""
}

type errorBody struct {
	Type              string             `json:"__type"`
	Message           string             `json:"message"`
	QueryCompileError *queryCompileError `json:"queryCompileError,omitempty"`
}

type queryCompileError struct {
	Location *queryCompileErrorLocation `json:"location,omitempty"`
	Message  string                     `json:"message,omitempty"`
}

type queryCompileErrorLocation struct {
	StartCharOffset int `json:"startCharOffset"`
	EndCharOffset   int `json:"endCharOffset"`
}

func errorResponse(e *APIError) (int, []byte, string) {
	b, err := marshal(errorBody{Type: e.Code, Message: e.Message, QueryCompileError: e.compile})
	if err != nil {
		b = []byte(`{"__type":"InternalServerException","message":"encoding the error failed"}`)
		return 500, b, CodeInternalServer
	}
	return e.Status(), b, e.Code
}

// marshal encodes v without HTML escaping (AWS does not escape <, >, &).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// decode unmarshals the request body; an empty body is an empty object. Syntax and
// type errors are SerializationException, as AWS's JSON protocol does.
func decode(body []byte, v any) *APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return newErr(CodeSerialization, "Unable to deserialize the request: field %q has the wrong type (%s given)", te.Field, te.Value)
		}
		return newErr(CodeSerialization, "Unable to parse the request body as JSON: %v", err)
	}
	return nil
}

// ---- rate limits ----

type bucket struct {
	tokens float64
	last   time.Time
}

// UNCONFIRMED: current TPS quotas. FilterLogEvents 5, GetLogEvents 10 and
// DescribeLogGroups 5 are the 2022 published values; DescribeLogStreams 25 and
// CreateLogStream 50 are in the current API docs; PutLogEvents 5000 per account+Region;
// everything else (incl. StartQuery/GetQueryResults and AssociateKmsKey/DisassociateKmsKey,
// unpublished) 50.
var rateLimits = map[string]float64{
	"FilterLogEvents":    5,
	"GetLogEvents":       10,
	"DescribeLogGroups":  5,
	"DescribeLogStreams": 25,
	"CreateLogStream":    50,
	"PutLogEvents":       5000,
	"AssociateKmsKey":    defaultRateLimit,
	"DisassociateKmsKey": defaultRateLimit,
}

const defaultRateLimit = 50

// RateLimit returns the TPS quota enforced for op when Options.RateLimits is on.
func RateLimit(op string) float64 {
	if r, ok := rateLimits[op]; ok {
		return r
	}
	return defaultRateLimit
}

func (s *Service) allow(op string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rate := RateLimit(op)
	now := s.now()
	b := s.buckets[op]
	if b == nil {
		b = &bucket{tokens: rate, last: now}
		s.buckets[op] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens += el * rate
		if b.tokens > rate {
			b.tokens = rate
		}
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

package sandbox

import (
	"context"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/iam"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/sts"
)

// defaultMinServiceTime is the least time the sandbox takes to answer an AWS call, as AWS never answers
// within a millisecond. It narrows (but cannot close) a client-side race in aws-sdk-go-v2 that a
// sub-millisecond server exposes: net/http sends a small request body straight to the socket, then
// its writer goroutine makes a last WriteTo on the body; smithy-go closes the body as soon as the
// response headers arrive, and its closed body answers that WriteTo with io.EOF, so net/http
// closes the connection under the response ("use of closed network connection" on responses
// larger than the 4 KiB read buffer). Clients should hand net/http their own copy of the body; see
// bufferedBodyTransport in the tests.
const defaultMinServiceTime = time.Millisecond

// logsTargetPrefix is the X-Amz-Target prefix of CloudWatch Logs (AWS JSON 1.1).
const logsTargetPrefix = "Logs_20140328."

// awsRequest is a decoded AWS request: which service and action, and its input.
type awsRequest struct {
	service   string // ec2, sts, iam, logs; "" when it cannot be told
	action    string
	params    awsapi.Params // Query protocols
	body      []byte        // JSON protocol
	accessKey string
	err       *awsapi.Error // decoding failed: answer this
}

// ServeHTTP routes one request: /_sandbox/ admin endpoints, else an AWS call on any path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.serveAdmin(w, r)
		return
	}
	start := time.Now()
	requestID := newRequestID()
	body, release, err := s.readBody(w, r)
	defer release()
	req := decodeRequest(r, body)
	if err != nil {
		req.err = s.bodyError(req.service, err)
	}
	resp, caller := s.serveAWS(r.Context(), req, requestID)
	if d := s.minServiceTime - time.Since(start); d > 0 {
		time.Sleep(d)
	}
	svc, action := req.service, req.action
	if svc == "" {
		svc = "unknown"
	}
	// Recorded before the response is written, so a client that has its answer always finds it counted.
	s.rec.record(RequestRecord{
		Time: start.UTC(), Service: svc, Action: statsActionName(action), Status: resp.Status,
		ErrorCode: resp.ErrCode, DurationMS: float64(time.Since(start).Microseconds()) / 1000, Caller: caller,
	})
	resp.Write(w, requestID)
}

// newRequestID returns a UUID-shaped request id. Request ids need no reproducibility, so they come
// from the runtime's concurrency-safe generator rather than the seeded one.
func newRequestID() string {
	a, b := rand.Uint64(), rand.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// statsActionName keeps hostile action names out of the statistics.
func statsActionName(a string) string {
	if a == "" {
		return "(none)"
	}
	if len(a) > 64 {
		return "(invalid)"
	}
	for _, c := range a {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return "(invalid)"
		}
	}
	return a
}

// credentialScope extracts the access key and the signing service from a SigV4 Authorization
// header (Credential=AKID/DATE/REGION/SERVICE/aws4_request) or a presigned X-Amz-Credential.
func credentialScope(r *http.Request) (accessKey, service string) {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		if i := strings.Index(h, "Credential="); i >= 0 {
			cred = h[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	} else if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		cred = q.Get("X-Amz-Credential")
	}
	parts := strings.Split(cred, "/")
	if len(parts) >= 1 {
		accessKey = parts[0]
	}
	if len(parts) >= 5 {
		service = strings.ToLower(parts[3])
	}
	return accessKey, service
}

// decodeRequest tells the service and action of a request and decodes its input (body, as read by readBody). It
// never fails: problems are carried in awsRequest.err to be answered in the service's error shape. The service is
// told by the X-Amz-Target header, then the SigV4 credential scope, then the protocol (an AWS JSON content type is
// CloudWatch Logs', the sandbox's only JSON service), then the action name, so that even a malformed or unsigned
// request gets its service's error shape.
func decodeRequest(r *http.Request, body []byte) *awsRequest {
	accessKey, scope := credentialScope(r)
	req := &awsRequest{accessKey: accessKey}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))

	// AWS JSON protocol: the operation is in X-Amz-Target.
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		if op, ok := strings.CutPrefix(target, logsTargetPrefix); ok {
			req.service, req.action, req.body = "logs", op, body
			if op == "" {
				req.err = awsapi.NewError(0, cwlogs.CodeUnknownOperation, "Missing operation in X-Amz-Target.")
			}
			return req
		}
		req.service = "logs"
		req.err = awsapi.NewError(0, cwlogs.CodeUnknownOperation, "The sandbox does not know the target %q.", awsapi.Clip(target, 80))
		return req
	}
	if svc := knownService(scope); svc == "logs" || (svc == "" && strings.HasPrefix(ct, "application/x-amz-json-")) {
		req.service = "logs"
		req.err = awsapi.NewError(0, cwlogs.CodeUnknownOperation, "CloudWatch Logs requests need an X-Amz-Target header (Logs_20140328.<Operation>).")
		return req
	}

	// Query protocols: Action=… in the URL query and/or the form-encoded body.
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err == nil && r.Method != http.MethodGet && len(body) > 0 {
		if ct == "" || ct == "application/x-www-form-urlencoded" {
			var form url.Values
			if form, err = url.ParseQuery(string(body)); err == nil {
				for k, v := range form {
					values[k] = append(values[k], v...)
				}
			}
		}
	}
	req.params = awsapi.Params(values)
	req.action = req.params.Get("Action")
	req.service = knownService(scope)
	if req.service == "" {
		req.service = serviceOfAction(req.action)
	}
	switch {
	case err != nil:
		req.err = awsapi.NewError(0, awsapi.CodeMalformedQueryString, "The query string or form body is not valid URL encoding.")
	case scope != "" && knownService(scope) == "" && req.service == "":
		req.err = awsapi.NewError(0, awsapi.CodeInvalidAction, "The sandbox does not emulate the service %q.", awsapi.Clip(scope, 40))
	case req.action == "":
		req.err = awsapi.NewError(0, awsapi.CodeMissingAction, "The request must contain the parameter Action.")
	}
	return req
}

func knownService(s string) string {
	switch s {
	case "ec2", "sts", "iam", "logs":
		return s
	}
	return ""
}

// serviceOfAction is the fallback when a request carries no SigV4 credential scope.
func serviceOfAction(action string) string {
	switch {
	case ec2.HasAction(action):
		return "ec2"
	case sts.HasAction(action):
		return "sts"
	case iam.HasAction(action):
		return "iam"
	}
	return ""
}

// errorResponse renders an error in the shape of the request's service.
func errorResponse(service string, e *awsapi.Error, requestID string) *awsapi.Response {
	switch service {
	case "ec2":
		return ec2.ErrorResponse(e, requestID)
	case "logs":
		return awsapi.JSONErrorResponse(e)
	case "iam":
		return awsapi.QueryErrorResponse(iam.Namespace, e, requestID)
	case "sts":
		return awsapi.QueryErrorResponse(sts.Namespace, e, requestID)
	}
	return awsapi.QueryErrorResponse("", e, requestID)
}

// serveAWS answers an AWS call: latency, faults, the action's existence, permissions, then the
// service. It returns the response and the caller's ARN (for the request record).
func (s *Server) serveAWS(ctx context.Context, req *awsRequest, requestID string) (*awsapi.Response, string) {
	if req.err != nil {
		return errorResponse(req.service, req.err, requestID), ""
	}
	if d := s.faults.get().Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if e := s.faults.inject(req.service, req.action); e != nil {
		return errorResponse(req.service, e, requestID), ""
	}

	s.mu.Lock()
	s.settleLocked()
	caller := s.callerFor(req.accessKey)
	if e := s.checkAction(req); e != nil {
		s.mu.Unlock()
		return errorResponse(req.service, e, requestID), caller.ARN
	}
	if e := s.authorize(caller, req); e != nil {
		s.mu.Unlock()
		return errorResponse(req.service, e, requestID), caller.ARN
	}
	if req.service == "logs" {
		// cwlogs has its own lock; no sandbox state is needed past this point.
		s.mu.Unlock()
		status, body, code := s.logs.Handle(req.action, req.body)
		resp := &awsapi.Response{Status: status, ContentType: "application/x-amz-json-1.1", Body: body, ErrCode: code}
		if code != "" {
			resp.Header = map[string]string{"X-Amzn-ErrorType": code}
		}
		return resp, caller.ARN
	}
	defer s.mu.Unlock()
	var resp *awsapi.Response
	var e *awsapi.Error
	switch req.service {
	case "ec2":
		resp, e = s.ec2.Serve(caller.PolicyARN, req.action, req.params, requestID)
	case "sts":
		resp, e = s.sts.Serve(caller, req.action, req.params, requestID)
	case "iam":
		resp, e = s.iam.Serve(req.action, req.params, requestID)
	}
	if e != nil {
		return errorResponse(req.service, e, requestID), caller.ARN
	}
	return resp, caller.ARN
}

// checkAction rejects actions the service does not have (or the sandbox does not emulate).
func (s *Server) checkAction(req *awsRequest) *awsapi.Error {
	var known bool
	switch req.service {
	case "ec2":
		known = ec2.HasAction(req.action)
	case "sts":
		known = sts.HasAction(req.action)
	case "iam":
		known = iam.HasAction(req.action)
	case "logs":
		return nil // cwlogs answers unknown operations itself
	}
	if known {
		return nil
	}
	if req.service == "ec2" {
		return awsapi.NewError(0, awsapi.CodeInvalidAction, "The action %s is not valid for this web service.", awsapi.Clip(req.action, 64))
	}
	return awsapi.NewError(0, awsapi.CodeInvalidAction, "Could not find operation %s for version %s.", awsapi.Clip(req.action, 64), awsapi.Clip(req.params.Get("Version"), 16))
}

// authorize applies the deny lists to the caller: the service's access-denied error when the action
// is denied. sts:GetCallerIdentity needs no permission (AWS: "No permissions are required").
func (s *Server) authorize(caller iam.Principal, req *awsRequest) *awsapi.Error {
	if req.service == "sts" && req.action == "GetCallerIdentity" {
		return nil
	}
	action := req.service + ":" + req.action
	if s.iam.Allowed(caller.PolicyARN, action) {
		return nil
	}
	return s.accessDenied(caller, req.service, action, s.resourceOf(req))
}

// accessDenied is the service's error for a denied action.
func (s *Server) accessDenied(caller iam.Principal, service, action, resource string) *awsapi.Error {
	switch service {
	case "ec2":
		return awsapi.NewError(http.StatusForbidden, ec2.CodeUnauthorizedOperation, "You are not authorized to perform this operation.")
	case "logs":
		return awsapi.NewError(0, cwlogs.CodeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, resource)
	}
	return awsapi.NewError(http.StatusForbidden, awsapi.CodeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, resource)
}

// resourceOf names the resource of an action for access-denied messages.
func (s *Server) resourceOf(req *awsRequest) string {
	switch req.service {
	case "iam":
		if v := req.params.Get("PolicySourceArn"); v != "" {
			return v
		}
		if v := req.params.Get("RoleName"); v != "" {
			return "arn:" + s.partition() + ":iam::" + s.opts.AccountID + ":role/" + v
		}
	case "sts":
		if v := req.params.Get("RoleArn"); v != "" {
			return v
		}
	case "logs":
		return "arn:" + s.partition() + ":logs:" + s.opts.Region + ":" + s.opts.AccountID + ":log-group:*"
	}
	return "*"
}

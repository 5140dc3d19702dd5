package sandbox

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
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
	params    params // Query protocols
	body      []byte // JSON protocol
	accessKey string
	err       *apiError // decoding failed: answer this
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
		Time: start.UTC(), Service: svc, Action: statsActionName(action), Status: resp.status,
		ErrorCode: resp.errCode, DurationMS: float64(time.Since(start).Microseconds()) / 1000, Caller: caller,
	})
	resp.write(w, requestID)
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
				req.err = newError(0, "UnknownOperationException", "Missing operation in X-Amz-Target.")
			}
			return req
		}
		req.service = "logs"
		req.err = newError(0, "UnknownOperationException", "The sandbox does not know the target %q.", clip(target, 80))
		return req
	}
	if svc := knownService(scope); svc == "logs" || (svc == "" && strings.HasPrefix(ct, "application/x-amz-json-")) {
		req.service = "logs"
		req.err = newError(0, "UnknownOperationException", "CloudWatch Logs requests need an X-Amz-Target header (Logs_20140328.<Operation>).")
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
	req.params = params(values)
	req.action = req.params.get("Action")
	req.service = knownService(scope)
	if req.service == "" {
		req.service = serviceOfAction(req.action)
	}
	switch {
	case err != nil:
		req.err = newError(0, "MalformedQueryString", "The query string or form body is not valid URL encoding.")
	case scope != "" && knownService(scope) == "" && req.service == "":
		req.err = newError(0, "InvalidAction", "The sandbox does not emulate the service %q.", clip(scope, 40))
	case req.action == "":
		req.err = newError(0, "MissingAction", "The request must contain the parameter Action.")
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
	case ec2Actions[action] != nil:
		return "ec2"
	case stsActions[action] != nil:
		return "sts"
	case iamActions[action] != nil:
		return "iam"
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// errorResponse renders an error in the shape of the request's service.
func errorResponse(service string, e *apiError, requestID string) *response {
	switch service {
	case "ec2":
		return ec2ErrorResponse(e, requestID)
	case "logs":
		return jsonErrorResponse(e)
	case "iam":
		return queryErrorResponse(iamNamespace, e, requestID)
	case "sts":
		return queryErrorResponse(stsNamespace, e, requestID)
	}
	return queryErrorResponse("", e, requestID)
}

// serveAWS answers an AWS call: latency, faults, the action's existence, permissions, then the
// service. It returns the response and the caller's ARN (for the request record).
func (s *Server) serveAWS(ctx context.Context, req *awsRequest, requestID string) (*response, string) {
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
		resp := &response{status: status, contentType: "application/x-amz-json-1.1", body: body, errCode: code}
		if code != "" {
			resp.header = map[string]string{"X-Amzn-ErrorType": code}
		}
		return resp, caller.ARN
	}
	defer s.mu.Unlock()
	var resp *response
	var e *apiError
	switch req.service {
	case "ec2":
		resp, e = s.serveEC2(caller, req, requestID)
	case "sts":
		resp, e = s.serveSTS(caller, req, requestID)
	case "iam":
		resp, e = s.serveIAM(caller, req, requestID)
	}
	if e != nil {
		return errorResponse(req.service, e, requestID), caller.ARN
	}
	return resp, caller.ARN
}

// checkAction rejects actions the service does not have (or the sandbox does not emulate).
func (s *Server) checkAction(req *awsRequest) *apiError {
	var known bool
	switch req.service {
	case "ec2":
		known = ec2Actions[req.action] != nil
	case "sts":
		known = stsActions[req.action] != nil
	case "iam":
		known = iamActions[req.action] != nil
	case "logs":
		return nil // cwlogs answers unknown operations itself
	}
	if known {
		return nil
	}
	if req.service == "ec2" {
		return newError(0, "InvalidAction", "The action %s is not valid for this web service.", clip(req.action, 64))
	}
	return newError(0, "InvalidAction", "Could not find operation %s for version %s.", clip(req.action, 64), clip(req.params.get("Version"), 16))
}

// authorize applies the deny lists to the caller: the service's access-denied error when the action
// is denied. sts:GetCallerIdentity needs no permission (AWS: "No permissions are required").
func (s *Server) authorize(caller principal, req *awsRequest) *apiError {
	if req.service == "sts" && req.action == "GetCallerIdentity" {
		return nil
	}
	action := req.service + ":" + req.action
	if s.decide(caller.PolicyARN, action) == decisionAllowed {
		return nil
	}
	return s.accessDenied(caller, req.service, action, s.resourceOf(req))
}

// accessDenied is the service's error for a denied action.
func (s *Server) accessDenied(caller principal, service, action, resource string) *apiError {
	switch service {
	case "ec2":
		return newError(http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation.")
	case "logs":
		return newError(0, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, resource)
	}
	return newError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s", caller.ARN, action, resource)
}

// resourceOf names the resource of an action for access-denied messages.
func (s *Server) resourceOf(req *awsRequest) string {
	switch req.service {
	case "iam":
		if v := req.params.get("PolicySourceArn"); v != "" {
			return v
		}
		if v := req.params.get("RoleName"); v != "" {
			return "arn:" + s.partition() + ":iam::" + s.opts.AccountID + ":role/" + v
		}
	case "sts":
		if v := req.params.get("RoleArn"); v != "" {
			return v
		}
	case "logs":
		return "arn:" + s.partition() + ":logs:" + s.opts.Region + ":" + s.opts.AccountID + ":log-group:*"
	}
	return "*"
}

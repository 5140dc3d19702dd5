package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
)

// XML namespaces of the emulated Query-protocol services.
const (
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
)

// apiError is an AWS error: the code clients switch on, the message and the HTTP status.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// newError builds an apiError; status 0 means 400.
func newError(status int, code, format string, args ...any) *apiError {
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &apiError{Status: status, Code: code, Message: msg}
}

// Common EC2 client errors.
func errInvalidParameterValue(format string, args ...any) *apiError {
	return newError(0, "InvalidParameterValue", format, args...)
}

func errMissingParameter(name string) *apiError {
	return newError(0, "MissingParameter", "The request must contain the parameter %s", name)
}

// response is what a service handler produces; the router writes it and records it.
type response struct {
	status      int
	contentType string
	body        []byte
	errCode     string
	header      map[string]string
}

func (r *response) write(w http.ResponseWriter, requestID string) {
	h := w.Header()
	if r.contentType != "" {
		h.Set("Content-Type", r.contentType)
	}
	h.Set("x-amzn-RequestId", requestID)
	for k, v := range r.header {
		h.Set(k, v)
	}
	h.Set("Content-Length", fmt.Sprint(len(r.body)))
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// newRequestID returns a UUID-shaped request id. Request ids need no reproducibility, so they come
// from the runtime's concurrency-safe generator rather than the seeded one.
func newRequestID() string {
	a, b := rand.Uint64(), rand.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

func marshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		// Every shape marshalled here is a static struct: failing is a programming error.
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err))
	}
	return buf.Bytes()
}

// EC2 success responses are <XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"> around
// the body's elements, the first of which is <requestId>. Every body type starts with a RequestID
// field tagged "requestId", which ec2Response fills in.

// ec2Return is the body of EC2 actions that answer only <return>true</return>.
type ec2Return struct {
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

func ec2Response(action, requestID string, body any) *response {
	reflect.ValueOf(body).Elem().FieldByName("RequestID").SetString(requestID)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	start := xml.StartElement{
		Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ec2Namespace}},
	}
	if err := xml.NewEncoder(&buf).EncodeElement(body, start); err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", body, err))
	}
	return &response{status: http.StatusOK, contentType: "text/xml;charset=UTF-8", body: buf.Bytes()}
}

type ec2ErrorDoc struct {
	XMLName   xml.Name `xml:"Response"`
	Errors    []ec2ErrorItem
	RequestID string `xml:"RequestID"`
}

type ec2ErrorItem struct {
	XMLName xml.Name `xml:"Errors"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
}

func ec2ErrorResponse(e *apiError, requestID string) *response {
	doc := ec2ErrorDoc{Errors: []ec2ErrorItem{{Code: e.Code, Message: e.Message}}, RequestID: requestID}
	return &response{status: e.Status, contentType: "text/xml;charset=UTF-8", body: marshalXML(doc), errCode: e.Code}
}

// queryEnvelope is the awsQuery (STS, IAM) success shape:
// <XResponse xmlns=…><XResult>…</XResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata>.
// Result values carry their own element name in a static XMLName tag.
type queryEnvelope struct {
	XMLName   xml.Name
	Xmlns     string `xml:"xmlns,attr"`
	Result    any
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

func queryResponse(namespace, action, requestID string, result any) *response {
	env := queryEnvelope{XMLName: xml.Name{Local: action + "Response"}, Xmlns: namespace, Result: result, RequestID: requestID}
	return &response{status: http.StatusOK, contentType: "text/xml", body: marshalXML(env)}
}

type queryErrorDoc struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func queryErrorResponse(namespace string, e *apiError, requestID string) *response {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	doc := queryErrorDoc{Xmlns: namespace, Type: typ, Code: e.Code, Message: e.Message, RequestID: requestID}
	return &response{status: e.Status, contentType: "text/xml", body: marshalXML(doc), errCode: e.Code}
}

// jsonErrorResponse is the AWS JSON 1.1 error shape CloudWatch Logs uses.
func jsonErrorResponse(e *apiError) *response {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	return &response{
		status: e.Status, contentType: "application/x-amz-json-1.1", body: body, errCode: e.Code,
		header: map[string]string{"X-Amzn-ErrorType": e.Code},
	}
}

package awsapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
)

// Response is what a service produces; the sandbox's router writes it and records it.
type Response struct {
	Status      int
	ContentType string
	Body        []byte
	ErrCode     string            // the AWS error code, "" on success
	Header      map[string]string // extra headers
}

// Write sends the response with its request id.
func (r *Response) Write(w http.ResponseWriter, requestID string) {
	h := w.Header()
	if r.ContentType != "" {
		h.Set("Content-Type", r.ContentType)
	}
	h.Set("x-amzn-RequestId", requestID)
	for k, v := range r.Header {
		h.Set(k, v)
	}
	h.Set("Content-Length", fmt.Sprint(len(r.Body)))
	w.WriteHeader(r.Status)
	_, _ = w.Write(r.Body)
}

// MarshalXML encodes v after the XML header. Every shape the sandbox marshals is a static struct: failing is a
// programming error, and panics.
func MarshalXML(v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err))
	}
	return buf.Bytes()
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

// QueryResponse is an awsQuery success response of the service with the XML namespace.
func QueryResponse(namespace, action, requestID string, result any) *Response {
	env := queryEnvelope{XMLName: xml.Name{Local: action + "Response"}, Xmlns: namespace, Result: result, RequestID: requestID}
	return &Response{Status: http.StatusOK, ContentType: "text/xml", Body: MarshalXML(env)}
}

type queryErrorDoc struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// QueryErrorResponse is an awsQuery error response (ErrorResponse/Error/Code); namespace may be empty when the
// service is not known.
func QueryErrorResponse(namespace string, e *Error, requestID string) *Response {
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	doc := queryErrorDoc{Xmlns: namespace, Type: typ, Code: e.Code, Message: e.Message, RequestID: requestID}
	return &Response{Status: e.Status, ContentType: "text/xml", Body: MarshalXML(doc), ErrCode: e.Code}
}

// JSONErrorResponse is the AWS JSON 1.1 error shape ({"__type": code, "message": …}), CloudWatch Logs'.
func JSONErrorResponse(e *Error) *Response {
	body, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	return &Response{
		Status: e.Status, ContentType: "application/x-amz-json-1.1", Body: body, ErrCode: e.Code,
		Header: map[string]string{"X-Amzn-ErrorType": e.Code},
	}
}

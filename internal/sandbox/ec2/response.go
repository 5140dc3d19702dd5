package ec2

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"reflect"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
)

// Namespace is the XML namespace of EC2 responses.
const Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"

// EC2 error codes (the EC2 API reference's "Error codes" page).
const (
	CodeInvalidParameterValue       = "InvalidParameterValue"
	CodeInvalidParameterCombination = "InvalidParameterCombination"
	CodeMissingParameter            = "MissingParameter"
	CodeUnknownParameter            = "UnknownParameter"
	CodeDryRunOperation             = "DryRunOperation"
	CodeUnauthorizedOperation       = "UnauthorizedOperation"
	CodeInvalidID                   = "InvalidID"

	CodeVpnConnectionNotFound   = "InvalidVpnConnectionID.NotFound"
	CodeCustomerGatewayNotFound = "InvalidCustomerGatewayID.NotFound"
	CodeVpnGatewayNotFound      = "InvalidVpnGatewayID.NotFound"
	CodeTransitGatewayNotFound  = "InvalidTransitGatewayID.NotFound"
	CodeVpnConnectionState      = "InvalidVpnConnection.InvalidState"
	CodeCidrInUse               = "InvalidCidr.InUse"

	CodeVpnConnectionLimitExceeded   = "VpnConnectionLimitExceeded"
	CodeCustomerGatewayLimitExceeded = "CustomerGatewayLimitExceeded"
	CodeVpnGatewayLimitExceeded      = "VpnGatewayLimitExceeded"
	CodeTagLimitExceeded             = "TagLimitExceeded"

	CodeRequestLimitExceeded = "RequestLimitExceeded"
	CodeInternalError        = "InternalError"
	CodeUnavailable          = "Unavailable"
)

// Common EC2 client errors.
func errInvalidParameterValue(format string, args ...any) *awsapi.Error {
	return awsapi.NewError(0, CodeInvalidParameterValue, format, args...)
}

func errMissingParameter(name string) *awsapi.Error {
	return awsapi.NewError(0, CodeMissingParameter, "The request must contain the parameter %s", name)
}

// EC2 success responses are <XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"> around
// the body's elements, the first of which is <requestId>. Every body type starts with a RequestID
// field tagged "requestId", which response fills in.

// returnResponse is the body of EC2 actions that answer only <return>true</return>.
type returnResponse struct {
	RequestID string `xml:"requestId"`
	Return    bool   `xml:"return"`
}

func response(action, requestID string, body any) *awsapi.Response {
	reflect.ValueOf(body).Elem().FieldByName("RequestID").SetString(requestID)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	start := xml.StartElement{
		Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}},
	}
	if err := xml.NewEncoder(&buf).EncodeElement(body, start); err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", body, err))
	}
	return &awsapi.Response{Status: http.StatusOK, ContentType: "text/xml;charset=UTF-8", Body: buf.Bytes()}
}

type errorDoc struct {
	XMLName   xml.Name `xml:"Response"`
	Errors    []errorItem
	RequestID string `xml:"RequestID"`
}

type errorItem struct {
	XMLName xml.Name `xml:"Errors"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
}

// ErrorResponse is an error in EC2's shape (Response/Errors/Error/Code).
func ErrorResponse(e *awsapi.Error, requestID string) *awsapi.Response {
	doc := errorDoc{Errors: []errorItem{{Code: e.Code, Message: e.Message}}, RequestID: requestID}
	return &awsapi.Response{Status: e.Status, ContentType: "text/xml;charset=UTF-8", Body: awsapi.MarshalXML(doc), ErrCode: e.Code}
}

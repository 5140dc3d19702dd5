package awsapi

import (
	"fmt"
	"net/http"
)

// Error is an AWS error: the code clients switch on, the message and the HTTP status.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// NewError builds an Error; status 0 means 400. The format is used as is when there are no args.
func NewError(status int, code, format string, args ...any) *Error {
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Status: status, Code: code, Message: msg}
}

// Error codes common to the Query-protocol services (the "Common Errors" of their API references), and those of
// the awsQuery services, STS and IAM.
const (
	CodeMalformedQueryString  = "MalformedQueryString"
	CodeMissingAction         = "MissingAction"
	CodeInvalidAction         = "InvalidAction"
	CodeRequestEntityTooLarge = "RequestEntityTooLarge"
	CodeRequestTimeout        = "RequestTimeout"

	CodeValidationError = "ValidationError"
	CodeAccessDenied    = "AccessDenied"
	CodeThrottling      = "Throttling"
	CodeServiceFailure  = "ServiceFailure"
)

// ValidationError is the awsQuery input-validation error ("1 validation error detected: …").
func ValidationError(format string, args ...any) *Error {
	return NewError(0, CodeValidationError, format, args...)
}

// Clip shortens s to n bytes and an ellipsis, so that hostile input is never echoed back in full.
func Clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

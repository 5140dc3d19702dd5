// Package awserr is the one place that looks inside AWS API errors: which error code an error carries, and whether
// it is one of a set. Packages name the codes they act on as constants and ask here, instead of each unwrapping
// smithy.APIError by hand.
package awserr

import (
	"errors"

	"github.com/aws/smithy-go"
)

// Code returns the AWS error code carried by err or anything it wraps (for example
// "InvalidVpnConnectionID.NotFound"), or "" when err is not an AWS API error.
func Code(err error) string {
	var ae smithy.APIError
	if err == nil || !errors.As(err, &ae) {
		return ""
	}
	return ae.ErrorCode()
}

// IsA reports whether err is an AWS API error with one of the codes.
func IsA(err error, codes ...string) bool {
	c := Code(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// Message returns the AWS error message carried by err, or "" when err is not an AWS API error.
func Message(err error) string {
	var ae smithy.APIError
	if err == nil || !errors.As(err, &ae) {
		return ""
	}
	return ae.ErrorMessage()
}

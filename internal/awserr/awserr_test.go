package awserr

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
)

func TestCodeAndIsA(t *testing.T) {
	t.Parallel()
	api := &smithy.GenericAPIError{Code: "InvalidVpnConnectionID.NotFound", Message: "The vpnConnection ID 'vpn-1' does not exist"}
	wrapped := fmt.Errorf("describing EC2 VPN connection (vpn-1): %w", api)
	cases := []struct {
		name      string
		err       error
		code, msg string
		isA       []string
		want      bool
	}{
		{"nil", nil, "", "", []string{""}, false},
		{"plain error", errors.New("InvalidVpnConnectionID.NotFound"), "", "", []string{"InvalidVpnConnectionID.NotFound"}, false},
		{"API error", api, "InvalidVpnConnectionID.NotFound", api.Message, []string{"InvalidVpnConnectionID.NotFound"}, true},
		{"wrapped, second code", wrapped, "InvalidVpnConnectionID.NotFound", api.Message, []string{"InvalidVpnConnectionID", "InvalidVpnConnectionID.NotFound"}, true},
		{"other code", wrapped, "InvalidVpnConnectionID.NotFound", api.Message, []string{"InvalidVpnConnectionID"}, false},
		{"no codes", wrapped, "InvalidVpnConnectionID.NotFound", api.Message, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Code(tc.err); got != tc.code {
				t.Errorf("Code = %q, want %q", got, tc.code)
			}
			if got := Message(tc.err); got != tc.msg {
				t.Errorf("Message = %q, want %q", got, tc.msg)
			}
			if got := IsA(tc.err, tc.isA...); got != tc.want {
				t.Errorf("IsA(%q) = %v, want %v", tc.isA, got, tc.want)
			}
		})
	}
}

package validators

import (
	"context"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

var nested = path.Root("tunnel_log").AtName("log_group_arn")

func TestStringValidators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		v       validator.String
		path    path.Path
		value   string
		summary string   // "" when the value is accepted
		detail  []string // phrases of the detail
	}{
		{"endpoint ok", EndpointURL(), path.Root("endpoints").AtListIndex(0).AtName("sts"), "http://127.0.0.1:4599", "", nil},
		{"endpoint without scheme", EndpointURL(), path.Root("endpoints").AtListIndex(0).AtName("sts"), "127.0.0.1:4599", "Malformed endpoint URL",
			[]string{`endpoints[0].sts is "127.0.0.1:4599": it has no scheme`, `"https://sts.us-east-1.amazonaws.com"`}},
		{"region ok", Region(), path.Root("region"), "eu-central-2", "", nil},
		{"region with spaces", Region(), path.Root("region"), "not a region", "Invalid AWS region", []string{`region is "not a region" is not a region name`, "such as us-east-1"}},
		{"duration ok", Duration(15*time.Minute, 12*time.Hour, "AWS accepts"), path.Root("d"), "90m", "", nil},
		{"duration in days", Duration(15*time.Minute, 12*time.Hour, "AWS accepts"), path.Root("d"), "1d", "Invalid duration", []string{`d is "1d" is not a Go duration: use "24h"`}},
		{"duration too short", Duration(15*time.Minute, 12*time.Hour, "AWS accepts"), path.Root("d"), "5m", "Duration out of range", []string{`d is 5m; AWS accepts 15m to 12h. Use "15m".`}},
		{"duration too long", Duration(15*time.Minute, 12*time.Hour, "AWS accepts"), path.Root("d"), "36h", "Duration out of range", []string{`Use "12h".`}},
		{"lookback ok", Lookback(), path.Root("lookback"), "24h", "", nil},
		{"lookback in days", Lookback(), path.Root("lookback"), "1d", "Invalid lookback", []string{`lookback: lookback "1d" is not a Go duration: use "24h"`}},
		{"lookback too short", Lookback(), path.Root("lookback"), "10s", "Invalid lookback", []string{"out of range", `Use "1m".`}},
		{"lookback unknown unit", Lookback(), path.Root("lookback"), "soon", "Invalid lookback", []string{`"soon" is not a Go duration such as "30m"`}},
		{"log group ARN ok", LogGroupARN(), nested, "arn:aws:logs:us-east-1:123456789012:log-group:/x:*", "", nil},
		{"log group ARN nested", LogGroupARN(), nested, "/x", "Invalid log group ARN", []string{`tunnel_log.log_group_arn: "/x" is not a CloudWatch Logs log group ARN`}},
		{"log group name ok", LogGroupName(), path.Root("name"), "/aws/vendedlogs/vpn/x", "", nil},
		{"log group name aws/", LogGroupName(), path.Root("name"), "aws/x", "Invalid log group name", []string{"name: ", `did you mean "/aws/x"`}},
		{"model auto", ResourcePolicyModel(), path.Root("resource_policy_model"), "auto", "", nil},
		{"model log-group", ResourcePolicyModel(), path.Root("resource_policy_model"), "log-group", "", nil},
		{"model underscore", ResourcePolicyModel(), path.Root("resource_policy_model"), "log_group", "Invalid resource-policy model",
			[]string{`resource_policy_model is "log_group" is not a resource-policy model`, `"account" (AWS adds each log group to the account-level policy AWSLogDeliveryWrite20150319)`, `did you mean "log-group"?`}},
		{"model case", ResourcePolicyModel(), path.Root("resource_policy_model"), "Account", "Invalid resource-policy model", []string{`did you mean "account"?`}},
		{"model unknown", ResourcePolicyModel(), path.Root("resource_policy_model"), "v2", "Invalid resource-policy model", []string{`use "auto" (decided from the account, the default)`}},
		{"connection ID ok", VPNConnectionID(), path.Root("vpn_connection_id"), "vpn-0123456789abcdef0", "", nil},
		{"connection ID of a gateway", VPNConnectionID(), path.Root("ids").AtListIndex(1), "vgw-0123456789abcdef0", "Invalid VPN connection ID",
			[]string{`ids[1]: "vgw-0123456789abcdef0" is not a VPN connection ID such as vpn-0123456789abcdef0`}},
		{"IP ok", IPAddress(), path.Root("ip"), "203.0.113.10", "", nil},
		{"IP not one", IPAddress(), path.Root("ip"), "tunnel1", "Invalid IP address", []string{`ip: "tunnel1" is not an IP address`}},
		{"IP spelling", IPAddress(), path.Root("ip"), "2001:DB8::1", "Non-canonical IP address", []string{`ip: "2001:DB8::1" is not in canonical form: write "2001:db8::1"`}},
		{"IP mapped", IPAddress(), path.Root("ip"), "::ffff:3.18.236.87", "Non-canonical IP address", []string{`is an IPv4-mapped IPv6 address: write "3.18.236.87"`}},
		{"IP leading zeros", IPAddress(), path.Root("ip"), "203.0.113.010", "Non-canonical IP address", []string{`has leading zeros`, `write "203.0.113.10"`}},
		{"IP spaces", IPAddress(), path.Root("ip"), " 203.0.113.10", "Non-canonical IP address", []string{`has spaces around it: write "203.0.113.10"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.StringResponse{}
			tc.v.ValidateString(context.Background(), validator.StringRequest{Path: tc.path, ConfigValue: types.StringValue(tc.value)}, resp)
			check(t, resp.Diagnostics.Errors(), tc.path, tc.summary, tc.detail)
			// Null and unknown values are never an error.
			for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
				resp := &validator.StringResponse{}
				tc.v.ValidateString(context.Background(), validator.StringRequest{Path: tc.path, ConfigValue: v}, resp)
				if resp.Diagnostics.HasError() {
					t.Errorf("%s: %v", v, resp.Diagnostics)
				}
			}
			if tc.v.Description(context.Background()) == "" || tc.v.MarkdownDescription(context.Background()) == "" {
				t.Error("no description")
			}
		})
	}
}

func TestNumberValidators(t *testing.T) {
	t.Parallel()
	days := OneOf(logdelivery.RetentionDays, "numbers of days CloudWatch Logs keeps events for")
	cases := []struct {
		name    string
		v       validator.Number
		value   float64
		summary string
		detail  []string
	}{
		{"whole", WholeNumber(0, math.MaxInt64), 25, "", nil},
		{"fraction", WholeNumber(0, math.MaxInt64), 2.5, "Not a whole number", []string{"n is 2.5; it must be a whole number 0 or more. Use 2 or 3."}},
		{"fraction below the range", WholeNumber(0, math.MaxInt64), -0.5, "Not a whole number", []string{"n is -0.5; it must be a whole number 0 or more. Use 0."}},
		{"negative", WholeNumber(0, math.MaxInt64), -1, "Value out of range", []string{"n is -1; it must be 0 or more. Use 0."}},
		{"too large", WholeNumber(100, 1_000_000), 2e6, "Value out of range", []string{"n is 2e+06; it must be between 100 and 1000000. Use 1000000."}},
		{"too small", WholeNumber(100, 1_000_000), 50, "Value out of range", []string{"between 100 and 1000000. Use 100."}},
		{"one of", days, 30, "", nil},
		{"not one of", days, 42, "Value not accepted", []string{"n is 42, which is not one of the numbers of days CloudWatch Logs keeps events for: 1, 3, 5,", "Use 30 or 60."}},
		{"a fraction of days", days, 1.5, "Value not accepted", []string{"n is 1.5", "Use 1 or 3."}},
		{"below all", days, 0, "Value not accepted", []string{"Use 1."}},
		{"above all", days, 5000, "Value not accepted", []string{"Use 3653."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := &validator.NumberResponse{}
			tc.v.ValidateNumber(context.Background(), validator.NumberRequest{Path: path.Root("n"), ConfigValue: types.NumberValue(big.NewFloat(tc.value))}, resp)
			check(t, resp.Diagnostics.Errors(), path.Root("n"), tc.summary, tc.detail)
			for _, d := range resp.Diagnostics {
				if strings.Contains(d.Detail(), "%!") {
					t.Errorf("badly formatted detail: %s", d.Detail())
				}
			}
		})
	}
	if Int64(big.NewFloat(30)) != 30 || Int64(nil) != 0 {
		t.Error("Int64")
	}
}

func check(t *testing.T, errs diag.Diagnostics, p path.Path, summary string, detail []string) {
	t.Helper()
	if summary == "" {
		if len(errs) > 0 {
			t.Fatalf("accepted value got %v", errs)
		}
		return
	}
	if len(errs) != 1 {
		t.Fatalf("%d errors, want 1: %v", len(errs), errs)
	}
	e := errs[0]
	wp, ok := e.(diag.DiagnosticWithPath)
	if !ok || !wp.Path().Equal(p) {
		t.Errorf("the error is not on %s: %v", p, e)
	}
	if e.Summary() != summary {
		t.Errorf("summary %q, want %q", e.Summary(), summary)
	}
	for _, d := range detail {
		if !strings.Contains(e.Detail(), d) {
			t.Errorf("detail lacks %q:\n%s", d, e.Detail())
		}
	}
}

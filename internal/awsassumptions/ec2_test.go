package awsassumptions

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awserr"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

const vendedPrefix = "/aws/vendedlogs/vpnlogs-acc/"

// §8.1: ModifyVpnTunnelOptions keeps what a request leaves out: a request carrying only BgpLogEnabled keeps the
// tunnel activity log, and a log-only request keeps the tunnel's IKE options.
func TestAccItem01_PartialLogOptionsKeepTheRest(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		before := tg.setLogs(t, tr, logsTo(arn, "", "json"))

		after := tg.setLogs(t, tr, ec2types.CloudWatchLogOptionsSpecification{BgpLogEnabled: aws.Bool(false)})

		got := after.LogOptions.CloudWatchLogOptions
		if !aws.ToBool(got.LogEnabled) || aws.ToString(got.LogGroupArn) != arn || aws.ToString(got.LogOutputFormat) != "json" {
			t.Errorf("a request with only BgpLogEnabled changed the tunnel activity log: now enabled=%t %s (%s), was enabled to %s (json)",
				aws.ToBool(got.LogEnabled), aws.ToString(got.LogGroupArn), aws.ToString(got.LogOutputFormat), arn)
		}
		if diff := ikeDifferences(before, after); len(diff) > 0 {
			t.Errorf("a log-only request changed tunnel options it did not send: %s", strings.Join(diff, ", "))
		}
	})
}

// ikeDifferences names the non-log tunnel options that differ (values are not printed: one is the pre-shared key).
func ikeDifferences(a, b ec2types.TunnelOption) []string {
	var out []string
	same := func(name string, eq bool) {
		if !eq {
			out = append(out, name)
		}
	}
	str, i32 := aws.ToString, aws.ToInt32
	same("PreSharedKey", str(a.PreSharedKey) == str(b.PreSharedKey))
	same("TunnelInsideCidr", str(a.TunnelInsideCidr) == str(b.TunnelInsideCidr))
	same("TunnelInsideIpv6Cidr", str(a.TunnelInsideIpv6Cidr) == str(b.TunnelInsideIpv6Cidr))
	same("DpdTimeoutAction", str(a.DpdTimeoutAction) == str(b.DpdTimeoutAction))
	same("DpdTimeoutSeconds", i32(a.DpdTimeoutSeconds) == i32(b.DpdTimeoutSeconds))
	same("StartupAction", str(a.StartupAction) == str(b.StartupAction))
	same("Phase1LifetimeSeconds", i32(a.Phase1LifetimeSeconds) == i32(b.Phase1LifetimeSeconds))
	same("Phase2LifetimeSeconds", i32(a.Phase2LifetimeSeconds) == i32(b.Phase2LifetimeSeconds))
	same("RekeyMarginTimeSeconds", i32(a.RekeyMarginTimeSeconds) == i32(b.RekeyMarginTimeSeconds))
	same("RekeyFuzzPercentage", i32(a.RekeyFuzzPercentage) == i32(b.RekeyFuzzPercentage))
	same("ReplayWindowSize", i32(a.ReplayWindowSize) == i32(b.ReplayWindowSize))
	same("EnableTunnelLifecycleControl", aws.ToBool(a.EnableTunnelLifecycleControl) == aws.ToBool(b.EnableTunnelLifecycleControl))
	values := func(f func(o ec2types.TunnelOption) []string) bool { return slices.Equal(f(a), f(b)) }
	same("IkeVersions", values(func(o ec2types.TunnelOption) (v []string) {
		for _, x := range o.IkeVersions {
			v = append(v, str(x.Value))
		}
		return v
	}))
	same("Phase1EncryptionAlgorithms", values(func(o ec2types.TunnelOption) (v []string) {
		for _, x := range o.Phase1EncryptionAlgorithms {
			v = append(v, str(x.Value))
		}
		return v
	}))
	same("Phase2EncryptionAlgorithms", values(func(o ec2types.TunnelOption) (v []string) {
		for _, x := range o.Phase2EncryptionAlgorithms {
			v = append(v, str(x.Value))
		}
		return v
	}))
	return out
}

// §8.2: a log-only change puts the connection in "modifying" before it is available again.
func TestAccItem02_LogOnlyChangeMakesConnectionModifying(t *testing.T) {
	check(t, slowModify, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		tg.waitAvailable(t, tr)

		start := time.Now()
		out, err := tg.modify(tg.EC2, tr, logsTo(arn, "", "json"))
		if err != nil {
			t.Fatalf("ModifyVpnTunnelOptions: %v", err)
		}
		states := []string{string(out.VpnConnection.State)}
		for states[len(states)-1] != "available" {
			sleep(t, tg.ctx, tg.observe)
			st, _ := tg.describeTunnel(t, tr)
			if st != states[len(states)-1] {
				states = append(states, st)
			}
			if time.Since(start) > 45*time.Minute {
				t.Fatalf("still not available after %s: %v", time.Since(start), states)
			}
		}
		t.Logf("states after a log-only change: %v (available again after %s)", states, time.Since(start).Round(time.Second))
		if !slices.Contains(states, "modifying") {
			t.Errorf("the connection never reported \"modifying\" after a log-only change (states seen: %v): §8.2 assumes it does", states)
		}
	})
}

// slowModify keeps a sandbox connection "modifying" long enough to be seen however loaded the machine is.
func slowModify(o *sandbox.Options) { o.ModifyDelay = 2 * time.Second }

// §8.3: a second ModifyVpnTunnelOptions while the connection is "modifying" fails with
// InvalidVpnConnection.InvalidState.
func TestAccItem03_ModifyWhileModifyingIsInvalidState(t *testing.T) {
	check(t, slowModify, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		tg.waitAvailable(t, tr)
		if _, err := tg.modify(tg.EC2, tr, logsTo(arn, "", "json")); err != nil {
			t.Fatalf("first ModifyVpnTunnelOptions: %v", err)
		}
		_, err := tg.modify(tg.EC2, tr, logsTo(arn, "", "text"))
		tg.waitAvailable(t, tr)
		switch code := awserr.Code(err); {
		case err == nil:
			t.Errorf("a second change while the first was being applied was accepted: §8.3 assumes InvalidVpnConnection.InvalidState")
		case code != "InvalidVpnConnection.InvalidState":
			t.Errorf("a second change while the first was being applied failed with %s (%v), not InvalidVpnConnection.InvalidState "+
				"(the product also retries IncorrectState; update §8.3 and the sandbox)", code, err)
		}
	})
}

// §8.4: enabling a log towards a log group that does not exist fails with InvalidParameterValue and changes nothing.
func TestAccItem04_MissingLogGroupIsInvalidParameterValue(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		before := tg.waitAvailable(t, tr)
		missing := tg.groupARN(vendedPrefix + "missing-" + randomSuffix())
		_, err := tg.modify(tg.EC2, tr, logsTo(missing, "", "json"))
		after := tg.waitAvailable(t, tr)
		if err == nil {
			t.Fatalf("enabling the tunnel log towards %s, which does not exist, was accepted: §8.4 assumes InvalidParameterValue", missing)
		}
		if code := awserr.Code(err); code != "InvalidParameterValue" {
			t.Errorf("enabling the tunnel log towards a missing log group failed with %s (%v), not InvalidParameterValue", code, err)
		}
		if !sameLogs(before.LogOptions.CloudWatchLogOptions, after.LogOptions.CloudWatchLogOptions) {
			t.Errorf("the refused change altered the tunnel's log options")
		}
	})
}

// §8.4: a caller without logs:CreateLogDelivery cannot enable a log: EC2 answers UnauthorizedOperation.
func TestAccItem04_NoCreateLogDeliveryIsUnauthorizedOperation(t *testing.T) {
	deny := func(o *sandbox.Options) { o.DenyActions = []string{"logs:CreateLogDelivery"} }
	check(t, deny, func(t *testing.T, tg *target) {
		denied := tg.EC2 // the sandbox denies logs:CreateLogDelivery to every caller
		if tg.real() {
			denied = tg.deniedClients(t).EC2
		}
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		tg.waitAvailable(t, tr)
		_, err := tg.modify(denied, tr, logsTo(arn, "", "json"))
		tg.waitAvailable(t, tr)
		if err == nil {
			t.Fatalf("a caller without logs:CreateLogDelivery enabled the tunnel log: §8.4 assumes UnauthorizedOperation")
		}
		if code := awserr.Code(err); code != "UnauthorizedOperation" {
			t.Errorf("a caller without logs:CreateLogDelivery got %s (%v), not UnauthorizedOperation", code, err)
		}
	})
}

// §8.5: DescribeVpnConnections returns a LogGroupArn sent with ":*" exactly as sent.
func TestAccItem05_ColonStarARNReturnedAsSent(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		got := tg.setLogs(t, tr, logsTo(arn+":*", "", "json")).LogOptions.CloudWatchLogOptions
		if aws.ToString(got.LogGroupArn) != arn+":*" {
			t.Errorf("LogGroupArn sent as %s:* reads back as %s: §8.5 assumes it is returned as sent", arn, aws.ToString(got.LogGroupArn))
		}
	})
}

// §8.5: a disabled log reads back as LogEnabled=false with no ARN and no format.
func TestAccItem05_DisabledLogOmitsARNAndFormat(t *testing.T) {
	check(t, nil, func(t *testing.T, tg *target) {
		tr := tg.tunnel(t)
		_, arn := tg.logGroup(t, vendedPrefix)
		tg.setLogs(t, tr, logsTo(arn, "", "text"))
		got := tg.setLogs(t, tr, logsTo("", "", "")).LogOptions.CloudWatchLogOptions
		if got.LogEnabled == nil || *got.LogEnabled {
			t.Errorf("a disabled tunnel log reads back with LogEnabled %v, want false", got.LogEnabled)
		}
		if got.LogGroupArn != nil || got.LogOutputFormat != nil {
			t.Errorf("a disabled tunnel log still reads back ARN %q and format %q: §8.5 assumes both are omitted",
				aws.ToString(got.LogGroupArn), aws.ToString(got.LogOutputFormat))
		}
	})
}

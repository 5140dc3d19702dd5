package sandbox_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// createConnections creates n connections on one virtual private gateway, each with its own customer gateway, and
// returns the first error.
func createConnections(e *env, vgw string, n int) (created int, err error) {
	for i := range n {
		cgw, err := e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
			Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String(fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250)), BgpAsn: aws.Int32(65010),
		})
		if err != nil {
			return created, err
		}
		if _, err := e.ec2.CreateVpnConnection(ctx, &ec2.CreateVpnConnectionInput{
			Type: aws.String("ipsec.1"), CustomerGatewayId: cgw.CustomerGateway.CustomerGatewayId, VpnGatewayId: &vgw,
		}); err != nil {
			return created, err
		}
		created++
	}
	return created, nil
}

// AWS's default quotas hold unless raised; raised ones hold at their new value.
func TestQuotas(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		e := start(t, fastTestOptions())
		_, vgw := e.gateways(t, "203.0.113.1")
		n, err := createConnections(e, vgw, 11)
		if n != 10 {
			t.Errorf("created %d connections on one gateway, want the default quota of 10", n)
		}
		wantCode(t, err, "VpnConnectionLimitExceeded")
	})
	t.Run("raised", func(t *testing.T) {
		opts := fastTestOptions()
		opts.Quotas = map[string]int{
			sandbox.QuotaVPNConnectionsPerGateway: 60, sandbox.QuotaVPNConnectionsPerRegion: 55, sandbox.QuotaCustomerGatewaysPerRegion: 58,
		}
		e := start(t, opts)
		_, vgw := e.gateways(t, "203.0.113.1")
		n, err := createConnections(e, vgw, 56)
		if n != 55 {
			t.Errorf("created %d connections, want the raised region quota of 55", n)
		}
		wantCode(t, err, "VpnConnectionLimitExceeded")
		// 57 customer gateways so far: the first, one per connection and one for the refused connection.
		for i := range 3 {
			_, err = e.ec2.CreateCustomerGateway(ctx, &ec2.CreateCustomerGatewayInput{
				Type: ec2types.GatewayTypeIpsec1, IpAddress: aws.String(fmt.Sprintf("192.0.2.%d", i+1)), BgpAsn: aws.Int32(65010),
			})
		}
		wantCode(t, err, "CustomerGatewayLimitExceeded")
		if err == nil || !strings.Contains(err.Error(), "(58)") {
			t.Errorf("the error should name the raised quota: %v", err)
		}
	})
	t.Run("validation", func(t *testing.T) {
		if err := sandbox.ValidateQuotas(map[string]int{sandbox.QuotaVPNGatewaysPerRegion: 7}); err != nil {
			t.Error(err)
		}
		for q, want := range map[string]string{"vpn-connections": "not one the sandbox enforces", sandbox.QuotaVPNConnectionsPerRegion: "at least 1"} {
			if err := sandbox.ValidateQuotas(map[string]int{q: 0}); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s=0: %v, want %q", q, err, want)
			}
		}
		if d := sandbox.DefaultQuotas(); d[sandbox.QuotaVPNConnectionsPerRegion] != 50 || d[sandbox.QuotaVPNGatewaysPerRegion] != 5 {
			t.Errorf("defaults %v", d)
		}
	})
}

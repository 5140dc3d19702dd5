package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// --quota raises or lowers a Site-to-Site VPN quota: the sandbox enforces the new value.
func TestSandboxCommandQuota(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, _, _, done := runSandboxCLI(t, ctx, "--listen", "127.0.0.1:0", "--traffic-interval", "0",
		"--quota", "vpn-gateways-per-region=1", "--quota", "customer-gateways-per-region=70")
	client := ec2.NewFromConfig(aws.Config{
		Region: "us-east-1", BaseEndpoint: &url, Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
	})
	in := &ec2.CreateVpnGatewayInput{Type: ec2types.GatewayTypeIpsec1}
	if _, err := client.CreateVpnGateway(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateVpnGateway(ctx, in); err == nil || !strings.Contains(err.Error(), "VpnGatewayLimitExceeded") {
		t.Errorf("second gateway with vpn-gateways-per-region=1: %v", err)
	}
	cancel()
	if code := waitExit(t, done); code != 0 {
		t.Fatalf("exit code %d", code)
	}
}

func TestSandboxCommandRefusesBadQuota(t *testing.T) {
	for arg, want := range map[string]string{
		"vpn-connections=100":          "vpn-connections-per-region",
		"vpn-connections-per-region=0": "at least 1",
		"vpn-connections-per-region":   "--quota",
	} {
		var stdout, stderr bytes.Buffer
		code := Execute(context.Background(), "test", []string{"sandbox", "--quota", arg}, &stdout, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), want) {
			t.Errorf("--quota %s: exit %d, stderr %q (want it to mention %q)", arg, code, stderr.String(), want)
		}
	}
}

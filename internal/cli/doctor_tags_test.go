package cli

import (
	"strings"
	"testing"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// Whether a log group exists needs logs:DescribeLogGroups alone: a caller without logs:ListTagsForResource still
// gets every check, and doctor never asks for the tags.
func TestDoctor_groupExistsWithoutListTags(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:ListTagsForResource"} })
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	arn := acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/untagged")
	for _, ip := range ips {
		deliverOutOfBand(t, srv, id, ip, arn, "json")
	}
	code, out, errOut := cli.run("doctor", "--vpn-connection-id", id)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if lines := checkLines(out); len(lines["warn"]) > 0 || len(lines["FAIL"]) > 0 {
		t.Fatalf("not all ok:\n%s", out)
	}
	for _, ip := range ips {
		if row, want := tableRow(out, ip), ip+" tunnel+BGP json /aws/vendedlogs/vpn/untagged healthy"; row != want {
			t.Errorf("row %q, want %q:\n%s", row, want, out)
		}
	}
	if n := acctest.CallCount(srv, "logs", "ListTagsForResource"); n != 0 {
		t.Errorf("doctor called ListTagsForResource %d times", n)
	}
}

// generate reads a group's tags only to adopt it (--import): without it, logs:ListTagsForResource is not needed.
func TestGenerate_groupExistsWithoutListTags(t *testing.T) {
	t.Parallel()
	srv, cli := sandboxCLI(t, func(o *sandbox.Options) { o.DenyActions = []string{"logs:ListTagsForResource"} })
	acctest.CreateVPNConnection(t, srv, nil)
	acctest.CreateLogGroup(t, srv, "/aws/vendedlogs/vpn/site-to-site")
	code, out, errOut := cli.run("generate")
	if code != 0 || !strings.Contains(errOut, "the log group /aws/vendedlogs/vpn/site-to-site exists") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if n := acctest.CallCount(srv, "logs", "ListTagsForResource"); n != 0 {
		t.Errorf("generate without --import called ListTagsForResource %d times", n)
	}
	if code, _, errOut = cli.run("generate", "--import"); code != 1 || !strings.Contains(errOut, "reading log group /aws/vendedlogs/vpn/site-to-site") {
		t.Errorf("--import without logs:ListTagsForResource: exit %d, stderr %q", code, errOut)
	}
}

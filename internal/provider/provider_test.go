package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// testAccProtoV6ProviderFactories runs the provider in-process for terraform-plugin-testing. The sandbox applies a
// tunnel change in acctest.ModifyDelay; the VPN poller ticks at a matching pace.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vpnlogs": providerserver.NewProtocol6WithError(New("test", WithVPNOptions(testVPNOptions))()),
}

var testVPNOptions = vpn.Options{PollMinDelay: 50 * time.Millisecond, PollMaxDelay: 200 * time.Millisecond}

// isolateAWSEnv makes a test independent of the machine's AWS settings: no AWS_* variables, no shared
// files, no instance metadata. Tests that call it cannot run in parallel (they use t.Setenv).
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k) //nolint:usetesting // t.Setenv above restores it; the SDK treats "" differently from unset for some variables
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// expectDiag builds a regexp that matches the given phrases in order, tolerating the line wrapping
// Terraform applies to diagnostic text (any run of whitespace between words matches any other).
func expectDiag(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

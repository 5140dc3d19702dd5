package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// providerData is what Configure hands to every resource and data source: the AWS clients and the
// run-scoped domain services (shared read caches, plan-time projections) built on them. One value per
// provider process, so everything in it is shared by all resources planned or applied in one run.
type providerData struct {
	clients *awsconfig.Clients
}

func newProviderData(c *awsconfig.Clients) *providerData {
	return &providerData{clients: c}
}

// providerDataFrom type-asserts the value Configure stored; nil means the provider is not configured yet
// (validation runs before Configure) and callers should return without error.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *providerData, got: %T. Please report this issue to the provider developers.", v))
		return nil
	}
	return d
}

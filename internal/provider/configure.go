package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Every resource and data source embeds resourceWithConfigure or dataSourceWithConfigure, as terraform-provider-aws's
// framework.ResourceWithConfigure: Configure keeps the providerData the provider's Configure returned, so they all get
// it the same way and guard the same way against a provider that is not configured.
//
// Terraform validates configurations, and may ask for a plan, before it configures the provider (and always when the
// provider's own configuration failed), so the data can be nil:
//   - validation and ModifyPlan check nothing then: they return at once when configured() is false;
//   - everything that needs AWS (Read, Create, Update, Delete) starts with requireConfigured, which adds the
//     "Provider not configured" error instead of letting a nil pointer panic.

// withProviderData holds the providerData; it is embedded through the two types below.
type withProviderData struct {
	data *providerData
}

// configure keeps the value the provider's Configure gave. nil is a provider not configured yet; another type is a
// bug, reported as an error.
func (w *withProviderData) configure(v any, diags *diag.Diagnostics) {
	if v == nil {
		return
	}
	d, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("The vpnlogs provider gave its resources and data sources a %T instead of its own data. This is a bug "+
				"in the provider: please report it.", v))
		return
	}
	w.data = d
}

// configured reports whether the provider has been configured.
func (w *withProviderData) configured() bool { return w.data != nil }

// requireConfigured reports whether the provider has been configured, and adds an error that says so when it has not
// (Terraform shows the diagnostic at the resource or data source concerned).
func (w *withProviderData) requireConfigured(diags *diag.Diagnostics) bool {
	if w.data != nil {
		return true
	}
	diags.AddError("Provider not configured",
		"The vpnlogs provider was not configured before this was read or changed, so there are no AWS clients to use. "+
			"Terraform configures the provider first: check the provider block for errors reported above. If there are "+
			"none, this is a bug in the provider: please report it.")
	return false
}

// resourceWithConfigure is embedded in every resource.
type resourceWithConfigure struct{ withProviderData }

// Configure implements resource.ResourceWithConfigure.
func (r *resourceWithConfigure) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// dataSourceWithConfigure is embedded in every data source.
type dataSourceWithConfigure struct{ withProviderData }

// Configure implements datasource.DataSourceWithConfigure.
func (d *dataSourceWithConfigure) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

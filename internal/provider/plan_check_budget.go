package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// plannedDelivery is one log group that a planned change would start delivering to.
type plannedDelivery struct {
	// Resource describes the source in messages, e.g. "vpn-0abc/203.0.113.10 tunnel log".
	Resource string
	// LogGroupARN is the normalised ARN (no ":*").
	LogGroupARN string
}

// checkDeliveryBudget adds the groups to the run's projection of the account's log-delivery resource policy and
// reports, on diags, when the projection no longer fits (error) or is close to the limit (warning).
func (d *providerData) checkDeliveryBudget(ctx context.Context, groups []plannedDelivery, diags *diag.Diagnostics) {
	_, _, _ = ctx, groups, diags
}

// budgetState is the run's projection of the delivery policy; the zero value is ready to use.
type budgetState struct{}

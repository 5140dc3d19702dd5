package provider

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// The provider's diagnostics follow two forms (DESIGN.md, "Diagnostics"):
//   - an operation that failed, an AWS call or a step of the provider around one: a lower-case gerund, the service, the
//     resource and its ID, as terraform-provider-aws words them ("reading EC2 VPN connection (vpn-1) tunnel
//     (203.0.113.10) log options"), with the error as the detail;
//   - a finding about what the user wrote or what the plan would make AWS do: a short summary in sentence case
//     ("No such tunnel", "Invalid log group ARN"), a detail that says what is wrong, why and the fix, attached to the
//     attribute it concerns. Domain packages word most of them (vpn, logdelivery, awsconfig, iampolicy); the provider
//     passes its vocabulary.
// TestDiagnostics_style checks both forms on every diagnostic the provider emits.

// regionSetting names, in the provider's words, where the region comes from (vpn.NotFoundError.Explain).
const regionSetting = "the provider's region"

// addNotFound adds err, when it is a *vpn.NotFoundError, as an error on the attribute that names what does not exist:
// ipAttr for a tunnel the connection does not have, connAttr for the connection; vpn words the detail. conn is the
// connection when it exists (its tunnels are listed); deletedAdvice, when not empty, follows the detail for a
// connection being deleted. It returns false, adding nothing, for any other error.
func (d *providerData) addNotFound(diags *diag.Diagnostics, err error, conn *vpn.Connection, connAttr, ipAttr path.Path, deletedAdvice string) bool {
	var nf *vpn.NotFoundError
	if !errors.As(err, &nf) {
		return false
	}
	detail := nf.Explain(conn, d.clients.Region, regionSetting)
	switch {
	case nf.OutsideIP != "":
		diags.AddAttributeError(ipAttr, "No such tunnel", detail)
	case nf.State != "" && deletedAdvice != "":
		diags.AddAttributeError(connAttr, "No such VPN connection", detail+" "+deletedAdvice)
	default:
		diags.AddAttributeError(connAttr, "No such VPN connection", detail)
	}
	return true
}

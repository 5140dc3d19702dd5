package cli

import (
	"fmt"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// The CLI's one wording of the enable command, wherever it finds logging off.

// defaultVendedGroup is the log group the CLI suggests when the fleet delivers to none yet (generate's default).
const defaultVendedGroup = logdelivery.VendedLogsPrefix + "vpn/site-to-site"

// enableCommandLine is the enable command for a selection (as flags) and a log group; then is --yes or --dry-run.
func enableCommandLine(selection string, group logdelivery.LogGroupARN, then string) string {
	return fmt.Sprintf("terraform-provider-vpnlogs enable %s --log-group-arn %s %s", selection, group, then)
}

// enableCommand is the command line that turns one tunnel's logging on, to a /aws/vendedlogs/ group of the clients'
// scope.
func enableCommand(c *awsconfig.Clients, connID, outsideIP string) string {
	example := exampleScope(c).LogGroupARN(logdelivery.VendedLogsPrefix + "vpn/NAME")
	return enableCommandLine(fmt.Sprintf("--vpn-connection-id %s --tunnel %s", connID, outsideIP), example, "--yes")
}

// enableFleetFix says how to turn logging on for a selection of connections (as flags) to a group: the dry run that
// prints the plan for all of them, then the change; create says whether the group must be created first.
func enableFleetFix(selection string, group logdelivery.LogGroupARN, create bool) string {
	fix := ""
	if create {
		fix = budgetExplainOptions.CreateGroup(group.Name) + " "
	}
	return fix + fmt.Sprintf("Plan the change for all of them with `%s`, then run it with --yes instead of --dry-run "+
		"(AWS interrupts each tunnel for up to several minutes, one tunnel of a connection at a time).", enableCommandLine(selection, group, "--dry-run"))
}

// enableAdvice completes logparse.LoggingDisabled's "Enable it with ..." in the CLI's vocabulary.
func enableAdvice(c *awsconfig.Clients) health.EnableAdvice {
	return func(connID, outsideIP string) string {
		return "this tool's enable command, `" + enableCommand(c, connID, outsideIP) +
			"` (it interrupts the tunnel for up to several minutes)"
	}
}

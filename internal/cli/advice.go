package cli

import (
	"fmt"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
)

// enableCommand is the command line that turns one tunnel's logging on, to a /aws/vendedlogs/ group of the clients'
// scope: the CLI's own advice wherever it finds logging off.
func enableCommand(c *awsconfig.Clients, connID, outsideIP string) string {
	example := exampleScope(c).LogGroupARN(logdelivery.VendedLogsPrefix + "vpn/NAME")
	return fmt.Sprintf("terraform-provider-vpnlogs enable --vpn-connection-id %s --tunnel %s --log-group-arn %s --yes",
		connID, outsideIP, example)
}

// enableAdvice completes logparse.LoggingDisabled's "Enable it with ..." in the CLI's vocabulary.
func enableAdvice(c *awsconfig.Clients) health.EnableAdvice {
	return func(connID, outsideIP string) string {
		return "this tool's enable command, `" + enableCommand(c, connID, outsideIP) +
			"` (it interrupts the tunnel for up to several minutes)"
	}
}

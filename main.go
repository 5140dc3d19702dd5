// Command terraform-provider-vpnlogs is both the vpnlogs Terraform provider and its setup tool.
//
// Started by Terraform (go-plugin's magic cookie is in the environment) or with -debug, it serves the
// provider over protocol 6. Given a subcommand, it runs the setup tool. Run bare from a shell, it
// prints usage rather than go-plugin's "This binary is a plugin" message.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/cli"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

// ProviderAddress is the registry address Terraform knows this provider by.
const ProviderAddress = "registry.terraform.io/vpnlogs/vpnlogs"

// tfPluginMagicCookie is the environment variable go-plugin sets when Terraform launches a provider.
const tfPluginMagicCookie = "TF_PLUGIN_MAGIC_COOKIE"

func main() {
	args := os.Args[1:]
	if !servesProvider(args) {
		os.Exit(runCLI(args))
	}

	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: ProviderAddress,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// runCLI runs the setup tool. The first SIGINT or SIGTERM cancels the command's context, so that a command stops
// cleanly (enable stops starting tunnels and waits for those in flight); after it, signals take their default effect
// again unless the command listens for them itself.
func runCLI(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return cli.Execute(ctx, version, args, os.Stdout, os.Stderr)
}

// servesProvider reports whether this process should serve the provider rather than run the CLI.
func servesProvider(args []string) bool {
	if len(args) == 0 {
		return os.Getenv(tfPluginMagicCookie) != ""
	}
	switch args[0] {
	case "-debug", "--debug", "-debug=true", "--debug=true":
		return true
	}
	return false
}

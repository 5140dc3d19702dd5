// Package cli is the setup tool: the subcommands of terraform-provider-vpnlogs. Like the provider, it is
// a thin adapter over the domain packages; it shares their AWS configuration (awsconfig) and rules.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
)

// globalOptions are the flags every subcommand shares, and the settings the command tree was built with. Empty
// flag values fall back to the standard AWS_* environment variables and shared config, exactly as in the provider.
type globalOptions struct {
	region      string
	profile     string
	endpointURL string
	version     string
	settings    settings
}

// commands are the subcommands, in the order of the help.
var commands = []func(*globalOptions) *cobra.Command{
	newDoctorCommand,
	newEnableCommand,
	newDisableCommand,
	newHealthCommand,
	newGenerateCommand,
	newPolicyCommand,
	newSandboxCommand,
	newVersionCommand,
}

// NewRootCommand builds the command tree; opts adjust it (tests).
func NewRootCommand(version string, opts ...Option) *cobra.Command {
	g := &globalOptions{version: version, settings: newSettings(opts)}
	root := &cobra.Command{
		Use:   "terraform-provider-vpnlogs",
		Short: "Terraform provider and setup tool for AWS Site-to-Site VPN log delivery to CloudWatch Logs",
		Long: `terraform-provider-vpnlogs is the vpnlogs Terraform provider and its setup tool.

Terraform starts it as a provider. From a shell, its subcommands check, enable and read
Site-to-Site VPN tunnel logging across a fleet, and run a local AWS-compatible sandbox for offline
testing. A fleet is chosen the same way on doctor, enable, disable, health and generate:
--vpn-connection-id (repeatable or comma-separated), --tag KEY=VALUE (repeatable, all must match)
or --all; --tunnel picks tunnels of a single connection.

Every command takes --output text|json (generate writes HCL, to --out or standard output). Results
go to standard output, diagnostics and progress to standard error; JSON documents carry a
schema_version and are described in docs/cli/. Colour and live progress lines appear only on a
terminal, and never when NO_COLOR is set.

AWS settings come from the flags below, then the standard AWS_* environment variables
(AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ...) and shared config,
exactly as in the provider.

` + exitCodeTable,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Bare invocation prints usage instead of go-plugin's "This binary is a plugin" message.
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return checkNonEmpty(cmd) },
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	pf.StringVar(&g.profile, "profile", "", "shared config profile (default: AWS_PROFILE)")
	pf.StringVar(&g.endpointURL, "endpoint-url", "", "endpoint URL for every AWS service, e.g. the sandbox's http://127.0.0.1:4599 (default: AWS_ENDPOINT_URL)")
	for _, newCommand := range commands {
		root.AddCommand(newCommand(g))
	}
	if g.settings.stdin != nil {
		root.SetIn(g.settings.stdin)
	}
	return root
}

// nonEmptyAnnotation marks the flags that select or identify something. Given an empty value, they are an error
// rather than "not given": an unset shell variable (--tunnel "$IP") must not widen a command to every tunnel.
const nonEmptyAnnotation = "vpnlogs_non_empty"

// requireNonEmpty marks flags of fs with nonEmptyAnnotation.
func requireNonEmpty(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		if err := fs.SetAnnotation(n, nonEmptyAnnotation, []string{"true"}); err != nil {
			panic(err) // a flag name that does not exist: a programming error
		}
	}
}

// checkNonEmpty rejects marked flags given an empty value (or, for lists, no value or an empty element).
func checkNonEmpty(cmd *cobra.Command) error {
	var errs []error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if _, ok := f.Annotations[nonEmptyAnnotation]; !ok {
			return
		}
		vals := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			vals = sv.GetSlice()
		}
		if len(vals) == 0 || slices.ContainsFunc(vals, func(v string) bool { return strings.TrimSpace(v) == "" }) {
			errs = append(errs, fmt.Errorf("--%s was given an empty value (an unset shell variable?): give a value, or leave "+
				"the flag out", f.Name))
		}
	})
	return errors.Join(errs...)
}

// Execute runs the CLI and returns the process exit code (see exitCodeTable).
func Execute(ctx context.Context, version string, args []string, stdout, stderr io.Writer, opts ...Option) int {
	root := NewRootCommand(version, opts...)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var v *verdict
	if errors.As(err, &v) {
		// A verdict the command has already explained (unhealthy tunnels, missing permissions), not a failure
		// of the tool: say it plainly.
		fmt.Fprintln(stderr, renderError(v.err))
		return v.code
	}
	fmt.Fprintln(stderr, "Error:", renderError(err))
	return exitError
}

// flagForAttribute maps awsconfig's attribute names to the CLI's vocabulary.
var flagForAttribute = map[string]string{
	"region":       "--region",
	"profile":      "--profile",
	"endpoint_url": "--endpoint-url",
}

func renderError(err error) string {
	var parts []string
	for _, e := range awsconfig.Errors(err) {
		var ce *awsconfig.Error
		if errors.As(e, &ce) {
			where := ce.Attribute
			if f, ok := flagForAttribute[where]; ok {
				where = f
			}
			if where != "" {
				parts = append(parts, fmt.Sprintf("%s (%s): %s", ce.Summary, where, ce.Detail))
			} else {
				parts = append(parts, fmt.Sprintf("%s: %s", ce.Summary, ce.Detail))
			}
			continue
		}
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "\n")
}

// awsConfig builds the shared configuration from the global flags.
func (g *globalOptions) awsConfig() awsconfig.Config {
	c := awsconfig.Config{
		Region:      g.region,
		Profile:     g.profile,
		EndpointURL: g.endpointURL,
		UserAgent:   "terraform-provider-vpnlogs/" + g.version,
		// The CLI is interactive: fail fast rather than retrying 25 times.
		MaxRetries:  intPtr(envInt("AWS_MAX_ATTEMPTS", 4) - 1),
		SettingName: func(attr string) string { return flagForAttribute[attr] },
	}
	if g.settings.awsConfig != nil {
		g.settings.awsConfig(&c)
	}
	return c
}

// clients loads AWS clients for a subcommand.
func (g *globalOptions) clients(ctx context.Context) (*awsconfig.Clients, error) {
	return awsconfig.Load(ctx, g.awsConfig())
}

func intPtr(i int) *int { return &i }

func envInt(name string, def int) int {
	var v int
	if s := os.Getenv(name); s != "" {
		if _, err := fmt.Sscanf(s, "%d", &v); err == nil && v > 0 {
			return v
		}
	}
	return def
}

package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// versionSchemaVersion is the version of version's JSON output (docs/cli/version.schema.json).
const versionSchemaVersion = 1

// versionReport is version's JSON output.
type versionReport struct {
	SchemaVersion int    `json:"schema_version"`
	Version       string `json:"version"`
	Go            string `json:"go"`
	Platform      string `json:"platform"`
}

func newVersionCommand(g *globalOptions) *cobra.Command {
	var output outputFlag
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Long: `version prints the version of the binary, the Go version it was built with and its platform.
With --output json, one object (docs/cli/version.schema.json, schema_version ` + fmt.Sprint(versionSchemaVersion) + `).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := output.check(); err != nil {
				return err
			}
			rep := versionReport{SchemaVersion: versionSchemaVersion, Version: g.version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
			if output.json() {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "terraform-provider-vpnlogs %s (%s, %s)\n", rep.Version, rep.Go, rep.Platform)
			return err
		},
	}
	output.add(cmd.Flags(), outputText, "text or json")
	return cmd
}

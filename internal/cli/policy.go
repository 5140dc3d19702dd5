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

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

// policyCheckSchemaVersion is the version of policy check's JSON output (docs/cli/policy-check.schema.json).
const policyCheckSchemaVersion = 1

type policyFlags struct {
	accountID      string
	includeRead    bool
	noTunnelModify bool
	pretty         bool
	output         outputFlag
}

func newPolicyCommand(g *globalOptions) *cobra.Command {
	f := &policyFlags{}
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Print the least-privilege IAM policy for VPN log delivery, or check a principal against it",
		Long: `policy prints the IAM policy a principal needs to enable Site-to-Site VPN tunnel logging to
CloudWatch Logs: the log-delivery permissions AWS documents (Sids S2SVPNLogging and
S2SVPNLoggingCWL), ec2:ModifyVpnTunnelOptions and ec2:DescribeVpnConnections (unless
--no-tunnel-modify), and with --include-read what reading the delivered logs needs. It is the
document the provider's vpnlogs_iam_policy_document data source returns.

Resource ARNs are scoped to the region (the global --region, else AWS_REGION or AWS_DEFAULT_REGION)
and to --account-id where AWS allows it; with neither, resources are "*". No AWS call is made.

The output is the policy document itself (--output json, the default; docs/cli/policy.schema.json
describes its shape), ready for IAM: it has no schema_version, which IAM would refuse. --output
text lists its statements for reading.

"policy check" simulates a principal's permissions with iam:SimulatePrincipalPolicy.

Exit status (the table of terraform-provider-vpnlogs --help): 0 printed; 1 a usage error.`,
		Example: `  terraform-provider-vpnlogs policy --pretty
  terraform-provider-vpnlogs policy --region eu-west-1 --account-id 123456789012 --include-read > vpn-logs-policy.json
  aws iam put-role-policy --role-name vpn-admin --policy-name vpn-logs --policy-document file://vpn-logs-policy.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPolicy(cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.accountID, "account-id", "", "12-digit account ID to scope resource ARNs to (default: any account)")
	fl.BoolVar(&f.includeRead, "include-read", false, "add what reading the delivered logs needs ("+strings.Join(iampolicy.ReadActions, ", ")+")")
	fl.BoolVar(&f.noTunnelModify, "no-tunnel-modify", false, "leave out ec2:ModifyVpnTunnelOptions and ec2:DescribeVpnConnections")
	fl.BoolVar(&f.pretty, "pretty", false, "indent the JSON (default: minified)")
	f.output.add(fl, outputJSON, "json (the IAM policy document) or text (its statements, for reading)")
	requireNonEmpty(fl, "account-id")
	cmd.AddCommand(newPolicyCheckCommand(g))
	return cmd
}

// policyRegion is the region the document is scoped to, without loading any AWS configuration.
func policyRegion(g *globalOptions) string {
	for _, v := range []string{g.region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")} {
		if v != "" {
			return v
		}
	}
	return ""
}

func runPolicy(out io.Writer, g *globalOptions, f *policyFlags) error {
	if err := f.output.check(); err != nil {
		return err
	}
	p, err := iampolicy.Document(iampolicy.Options{
		Scope:               iampolicy.Scope{Region: policyRegion(g), AccountID: f.accountID},
		IncludeRead:         f.includeRead,
		ExcludeTunnelModify: f.noTunnelModify,
	})
	if err != nil {
		var fe *iampolicy.FieldError
		if errors.As(err, &fe) {
			flag := map[string]string{"account_id": "--account-id", "region": "--region"}[fe.Field]
			if flag == "" {
				flag = fe.Field
			}
			return fmt.Errorf("%s: %s", flag, fe.Msg)
		}
		return err
	}
	if !f.output.json() {
		return printPolicy(out, p)
	}
	doc := p.JSON()
	if f.pretty {
		doc = p.PrettyJSON()
	}
	_, err = fmt.Fprintln(out, doc)
	return err
}

// printPolicy lists a policy's statements: Sid, actions, resources.
func printPolicy(w io.Writer, p iampolicy.Policy) error {
	var b strings.Builder
	fmt.Fprintf(&b, "IAM policy (version %s), %d statements, %d actions:\n", p.Version, len(p.Statement), len(p.Actions()))
	for _, st := range p.Statement {
		fmt.Fprintf(&b, "\n  %s (%s)\n    actions    %s\n    resources  %s\n", st.Sid, st.Effect,
			wrapWords(strings.Join(st.Action, ", "), 80, "\n               "), strings.Join(st.Resource, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type policyCheckFlags struct {
	principalARN string
	actions      []string
	includeRead  bool
	output       outputFlag
}

// policyCheckReport is policy check's JSON output.
type policyCheckReport struct {
	SchemaVersion           int                 `json:"schema_version"`
	PrincipalARN            string              `json:"principal_arn"`
	CallerARN               string              `json:"caller_arn"`
	Evaluated               bool                `json:"evaluated"`
	Allowed                 bool                `json:"allowed"`
	Actions                 []policyCheckAction `json:"actions"`
	MissingActions          []string            `json:"missing_actions"`
	ExplicitlyDeniedActions []string            `json:"explicitly_denied_actions"`
	Reason                  string              `json:"reason"`
}

// policyCheckAction is one action's decision: allowed, missing, explicitly_denied, or not_checked.
type policyCheckAction struct {
	Action   string `json:"action"`
	Decision string `json:"decision"`
}

func policyCheckReportOf(res iampolicy.Result) policyCheckReport {
	r := policyCheckReport{SchemaVersion: policyCheckSchemaVersion, PrincipalARN: res.PrincipalARN, CallerARN: res.CallerARN,
		Evaluated: res.Evaluated, Allowed: res.Allowed, Actions: []policyCheckAction{}, MissingActions: nonNilSlice(res.Missing),
		ExplicitlyDeniedActions: nonNilSlice(res.ExplicitlyDenied), Reason: res.Reason}
	for _, a := range res.Actions {
		r.Actions = append(r.Actions, policyCheckAction{Action: a, Decision: actionDecision(res, a)})
	}
	return r
}

// actionDecision is what the simulation decided for one action.
func actionDecision(res iampolicy.Result, action string) string {
	switch {
	case !res.Evaluated:
		return "not_checked"
	case slices.Contains(res.ExplicitlyDenied, action):
		return "explicitly_denied"
	case slices.Contains(res.Missing, action):
		return "missing"
	}
	return "allowed"
}

func newPolicyCheckCommand(g *globalOptions) *cobra.Command {
	f := &policyCheckFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Simulate a principal's permissions for VPN log delivery (iam:SimulatePrincipalPolicy)",
		Long: `check simulates, with iam:SimulatePrincipalPolicy, whether a principal may perform the actions
enabling VPN tunnel logging needs (default: ` + strings.Join(iampolicy.RequiredActions, ", ") + `).

The principal defaults to the caller of the configured credentials; an assumed-role session stands
for its role, whose path is read with iam:GetRole. Federated users and the root user cannot be
simulated: give --principal-arn. The caller needs iam:SimulatePrincipalPolicy on the principal.

With --include-read, the actions reading the delivered logs needs are checked too
(` + strings.Join(iampolicy.ReadActions, ", ") + `), as health and doctor read them.

With --output json, one object (docs/cli/policy-check.schema.json, schema_version ` + fmt.Sprint(policyCheckSchemaVersion) + `).

Exit status (the table of terraform-provider-vpnlogs --help): 0 all actions allowed; 2 some action
missing or explicitly denied; 3 the simulation could not run (the reason is printed); 1 other errors.`,
		Example: `  terraform-provider-vpnlogs policy check
  terraform-provider-vpnlogs policy check --principal-arn arn:aws:iam::123456789012:role/vpn-admin
  terraform-provider-vpnlogs policy check --actions logs:FilterLogEvents,logs:StartQuery,logs:GetQueryResults`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPolicyCheck(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.principalARN, "principal-arn", "", "IAM user, role or assumed-role session ARN to check (default: the caller)")
	fl.StringSliceVar(&f.actions, "actions", nil, "comma-separated actions to check (default: what enabling tunnel logging needs)")
	fl.BoolVar(&f.includeRead, "include-read", false, "check also what reading the delivered logs needs ("+strings.Join(iampolicy.ReadActions, ", ")+")")
	f.output.add(fl, outputText, "text or json")
	requireNonEmpty(fl, "principal-arn", "actions")
	return cmd
}

func runPolicyCheck(ctx context.Context, out io.Writer, g *globalOptions, f *policyCheckFlags) error {
	if err := f.output.check(); err != nil {
		return err
	}
	clients, err := g.clients(ctx)
	if err != nil {
		return err
	}
	actions := f.actions
	if f.includeRead {
		if len(actions) == 0 {
			actions = append(actions, iampolicy.RequiredActions...)
		}
		actions = append(append([]string{}, actions...), iampolicy.ReadActions...)
	}
	res := iampolicy.Check(ctx, iampolicy.ClientsFrom(clients), f.principalARN, actions)
	if f.output.json() {
		err = writeJSON(out, policyCheckReportOf(res))
	} else {
		err = printCheck(out, res)
	}
	if err != nil {
		return err
	}
	switch {
	case !res.Evaluated:
		return undecided("the permissions could not be simulated (see above)")
	case !res.Allowed:
		n := len(res.Missing) + len(res.ExplicitlyDenied)
		return foundProblems("%s may not perform %d of the %d checked actions", res.PrincipalARN, n, len(res.Actions))
	}
	return nil
}

// printCheck is the human summary of a check.
func printCheck(w io.Writer, res iampolicy.Result) error {
	var b strings.Builder
	principal := res.PrincipalARN
	if principal == "" {
		principal = "(not determined)"
	}
	if res.CallerARN != "" && res.CallerARN != res.PrincipalARN {
		principal += " (caller " + res.CallerARN + ")"
	}
	result := "allowed"
	switch {
	case !res.Evaluated:
		result = "NOT EVALUATED"
	case !res.Allowed:
		result = "NOT ALLOWED"
	}
	fmt.Fprintf(&b, "Principal: %s\nResult:    %s\n\n", principal, result)

	for _, a := range res.Actions {
		status := map[string]string{"not_checked": "not checked", "explicitly_denied": "DENIED (explicit deny)", "missing": "MISSING",
			"allowed": "allowed"}[actionDecision(res, a)]
		fmt.Fprintf(&b, "  %-24s %s\n", status, a)
	}
	fmt.Fprintf(&b, "\n%s\n", res.Reason)
	if len(res.Missing) > 0 {
		b.WriteString("\nTo grant the missing actions, attach the policy `terraform-provider-vpnlogs policy --pretty` prints " +
			"(add --account-id and --region to scope it).\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

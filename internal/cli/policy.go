package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
)

func init() { register(newPolicyCommand) }

// Exit codes of `policy check`.
const (
	exitNotAllowed   = 2
	exitNotEvaluated = 3
)

type policyFlags struct {
	accountID      string
	includeRead    bool
	noTunnelModify bool
	pretty         bool
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

"policy check" simulates a principal's permissions with iam:SimulatePrincipalPolicy.`,
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
	doc := p.JSON()
	if f.pretty {
		doc = p.PrettyJSON()
	}
	_, err = fmt.Fprintln(out, doc)
	return err
}

type policyCheckFlags struct {
	principalARN string
	actions      []string
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

Exit status: 0 all actions allowed, 2 some action missing or explicitly denied, 3 the simulation
could not run (the reason is printed), 1 other errors.`,
		Example: `  terraform-provider-vpnlogs policy check
  terraform-provider-vpnlogs policy check --principal-arn arn:aws:iam::123456789012:role/vpn-admin
  terraform-provider-vpnlogs policy check --actions logs:FilterLogEvents,logs:StartQuery,logs:GetQueryResults`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			clients, err := g.clients(cmd.Context())
			if err != nil {
				return err
			}
			res := iampolicy.Check(cmd.Context(), iampolicy.ClientsFrom(clients), f.principalARN, f.actions)
			if err := printCheck(cmd.OutOrStdout(), res); err != nil {
				return err
			}
			switch {
			case !res.Evaluated:
				return &exitError{code: exitNotEvaluated, err: errors.New("the permissions could not be simulated (see above)")}
			case !res.Allowed:
				n := len(res.Missing) + len(res.ExplicitlyDenied)
				return &exitError{code: exitNotAllowed, err: fmt.Errorf("%s may not perform %d of the %d checked actions", res.PrincipalARN, n, len(res.Actions))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.principalARN, "principal-arn", "", "IAM user, role or assumed-role session ARN to check (default: the caller)")
	cmd.Flags().StringSliceVar(&f.actions, "actions", nil, "comma-separated actions to check (default: what enabling tunnel logging needs)")
	requireNonEmpty(cmd.Flags(), "principal-arn", "actions")
	return cmd
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

	missing, denied := setOf(res.Missing), setOf(res.ExplicitlyDenied)
	for _, a := range res.Actions {
		status := "not checked"
		if res.Evaluated {
			switch {
			case denied[a]:
				status = "DENIED (explicit deny)"
			case missing[a]:
				status = "MISSING"
			default:
				status = "allowed"
			}
		}
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

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, v := range list {
		m[v] = true
	}
	return m
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

func init() { register(newDoctorCommand) }

// doctorSchemaVersion is the version of doctor's JSON output; it changes only when a field changes meaning or
// goes away (new fields may be added).
const doctorSchemaVersion = 1

// Sections of doctor's checks, in order.
const (
	sectionConfiguration = "configuration"
	sectionPermissions   = "permissions"
	sectionBudget        = "budget"
	sectionVPN           = "vpn"
)

var doctorTitles = map[string]string{
	sectionConfiguration: "Configuration and credentials",
	sectionPermissions:   "IAM permissions",
	sectionBudget:        "CloudWatch Logs resource-policy budget",
	sectionVPN:           "VPN connections",
	"arguments":          "Arguments",
}

type doctorFlags struct {
	vpnIDs          []string
	logGroupARNs    []string
	output          string
	policySizeLimit int
	model           string
}

func newDoctorCommand(g *globalOptions) *cobra.Command {
	f := &doctorFlags{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check configuration, permissions, the resource-policy budget and the VPN tunnels' log delivery",
		Long: `doctor checks, in this order, everything that VPN tunnel log delivery depends on, and prints one
line per check: ok, warn or FAIL, with what is wrong and the fix under every line that is not ok.

  configuration  the AWS settings (global flags, AWS_* variables, shared config): region, partition,
                 credentials, caller identity and account. Nothing else is checked when they fail.
  permissions    iam:SimulatePrincipalPolicy for the caller and the actions enabling logging needs:
                 ` + wrapWords(strings.Join(iampolicy.RequiredActions, ", ")+".", 84, "\n                 ") + `
                 Missing or explicitly denied actions FAIL; a simulation that cannot run is a warning.
  budget         the resource-policy model (--resource-policy-model; with auto, what the account shows)
                 and the account-level CloudWatch Logs resource policies: the size of the log-delivery
                 policy ` + logdelivery.DeliveryPolicyName + ` against --policy-size-limit, whether it
                 covers ` + logdelivery.VendedLogsPrefix + `*, and the number of policies (at most ` + fmt.Sprint(logdelivery.MaxAccountPolicies) + `). With
                 --log-group-arn, the projected size once those groups receive logs, and whether it fits:
                 of the account-level policy, or, under the log-group model, of each group's own policy.
  vpn            every VPN connection of the region (or those given): its state, and per tunnel, by
                 outside IP address, whether the tunnel log and the BGP log are delivered, to which log
                 groups, whether those exist (FAIL when not: AWS drops the logs) and are under
                 ` + logdelivery.VendedLogsPrefix + ` (a warning when not), and AWS's telemetry.

Exit status: 0 when no check fails (warnings included: they are printed, and do not change the exit
status); 1 when at least one check fails, or on a usage error.

With --output json, doctor prints one object (schema_version ` + fmt.Sprint(doctorSchemaVersion) + `; fields are only ever added):
  status        "ok", "warn" or "fail": the worst check
  summary       {ok, warn, fail}: the number of checks of each status
  checks        [{section, name, status, message, fix?, vpn_connection_id?,
                  tunnel_outside_ip_address?, log_group_arn?, actions?}] in the order above
  identity      {region, partition, account_id, caller_arn}, null when the configuration failed
  permissions   {principal_arn, caller_arn, evaluated, allowed, actions, missing_actions,
                 explicitly_denied_actions, reason}, or null
  budget        {model, model_setting, model_evidence, model_evidence_log_group_arns, limit,
                 max_policies, policy_count, delivery_policy_name, used_characters, vendedlogs_covered,
                 policies: [{name, characters}], projection, error?}, or null; model is "account",
                 "log-group" or "" when not decided; projection is null without --log-group-arn, else
                 {log_group_arns, projected_characters, remaining_characters, new_policy,
                 projected_policy_count, uncovered_log_group_arns, fits, log_group_policies:
                 [{log_group_arn, covered_by, policy_name, new_policy, current_bytes, projected_bytes,
                 limit_bytes, fits}] (under the log-group model, else empty)}
  connections   [{id, name, state, tunnels: [{outside_ip_address,
                  tunnel_log: {enabled, log_group_arn, output_format, log_group_exists, vendedlogs},
                  bgp_log: {...}, telemetry: {status, status_message, last_status_change,
                  accepted_route_count} or null}]}]; log_group_exists is null when not checked`,
		Example: `  terraform-provider-vpnlogs doctor
  terraform-provider-vpnlogs doctor --vpn-connection-id vpn-0123456789abcdef0 --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/vpn/prod
  terraform-provider-vpnlogs doctor --output json | jq '.checks[] | select(.status != "ok")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.vpnIDs, "vpn-connection-id", nil, "check only these VPN connections (repeatable or comma-separated; default: every connection of the region)")
	fl.StringSliceVar(&f.logGroupARNs, "log-group-arn", nil, "log groups you plan to deliver to: project the resource policy's growth (repeatable or comma-separated)")
	fl.StringVar(&f.output, "output", "text", "text or json")
	fl.IntVar(&f.policySizeLimit, "policy-size-limit", logdelivery.DefaultPolicySizeLimit, "size limit of an account-level CloudWatch Logs resource policy, in characters (the provider's resource_policy_size_limit)")
	addModelFlag(fl, &f.model)
	requireNonEmpty(fl, "vpn-connection-id", "log-group-arn")
	return cmd
}

// doctorReport is doctor's JSON output (see the command's help).
type doctorReport struct {
	SchemaVersion int                `json:"schema_version"`
	Status        string             `json:"status"`
	Summary       checkSummary       `json:"summary"`
	Checks        []setupCheck       `json:"checks"`
	Identity      *doctorIdentity    `json:"identity"`
	Permissions   *doctorPermissions `json:"permissions"`
	Budget        *doctorBudget      `json:"budget"`
	Connections   []doctorConnection `json:"connections"`
}

type doctorIdentity struct {
	Region    string `json:"region"`
	Partition string `json:"partition"`
	AccountID string `json:"account_id"`
	CallerARN string `json:"caller_arn"`
}

type doctorPermissions struct {
	PrincipalARN            string   `json:"principal_arn"`
	CallerARN               string   `json:"caller_arn"`
	Evaluated               bool     `json:"evaluated"`
	Allowed                 bool     `json:"allowed"`
	Actions                 []string `json:"actions"`
	MissingActions          []string `json:"missing_actions"`
	ExplicitlyDeniedActions []string `json:"explicitly_denied_actions"`
	Reason                  string   `json:"reason"`
}

type doctorBudget struct {
	Model                     string            `json:"model"`
	ModelSetting              string            `json:"model_setting"`
	ModelEvidence             string            `json:"model_evidence"`
	ModelEvidenceLogGroupARNs []string          `json:"model_evidence_log_group_arns"`
	Limit                     int               `json:"limit"`
	MaxPolicies               int               `json:"max_policies"`
	PolicyCount               int               `json:"policy_count"`
	DeliveryPolicyName        string            `json:"delivery_policy_name"`
	UsedCharacters            int               `json:"used_characters"`
	VendedlogsCovered         bool              `json:"vendedlogs_covered"`
	Policies                  []doctorPolicy    `json:"policies"`
	Projection                *doctorProjection `json:"projection"`
	Error                     string            `json:"error,omitempty"`
}

type doctorPolicy struct {
	Name       string `json:"name"`
	Characters int    `json:"characters"`
}

type doctorProjection struct {
	LogGroupARNs          []string `json:"log_group_arns"`
	ProjectedCharacters   int      `json:"projected_characters"`
	RemainingCharacters   int      `json:"remaining_characters"`
	NewPolicy             bool     `json:"new_policy"`
	ProjectedPolicyCount  int      `json:"projected_policy_count"`
	UncoveredLogGroupARNs []string `json:"uncovered_log_group_arns"`
	Fits                  bool     `json:"fits"`
	// LogGroupPolicies are the groups' own policies, under the log-group-level model.
	LogGroupPolicies []doctorGroupPolicy `json:"log_group_policies"`
}

type doctorGroupPolicy struct {
	LogGroupARN    string `json:"log_group_arn"`
	CoveredBy      string `json:"covered_by"`
	PolicyName     string `json:"policy_name"`
	NewPolicy      bool   `json:"new_policy"`
	CurrentBytes   int    `json:"current_bytes"`
	ProjectedBytes int    `json:"projected_bytes"`
	LimitBytes     int    `json:"limit_bytes"`
	Fits           bool   `json:"fits"`
}

type doctorConnection struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	State   string         `json:"state"`
	Tunnels []doctorTunnel `json:"tunnels"`
}

type doctorTunnel struct {
	OutsideIPAddress string           `json:"outside_ip_address"`
	TunnelLog        doctorLog        `json:"tunnel_log"`
	BGPLog           doctorLog        `json:"bgp_log"`
	Telemetry        *doctorTelemetry `json:"telemetry"`
}

type doctorLog struct {
	Enabled        bool   `json:"enabled"`
	LogGroupARN    string `json:"log_group_arn"`
	OutputFormat   string `json:"output_format"`
	LogGroupExists *bool  `json:"log_group_exists"`
	Vendedlogs     bool   `json:"vendedlogs"`
}

type doctorTelemetry struct {
	Status             string  `json:"status"`
	StatusMessage      string  `json:"status_message"`
	LastStatusChange   *string `json:"last_status_change"`
	AcceptedRouteCount int     `json:"accepted_route_count"`
}

// doctorRun holds one run's state.
type doctorRun struct {
	clients *awsconfig.Clients
	flags   *doctorFlags
	report  doctorReport
	// groups caches log group lookups by normalised ARN: many tunnels share a group.
	groups map[string]groupLookup
	// lookup reads whether log groups exist, many at a time and each once.
	lookup *logdelivery.GroupLookup
	// vpn reads the connections once for the run (the budget's model evidence and the vpn checks).
	vpn *vpn.Service
	// model is the resource-policy model the budget checks assumed ("" when not decided).
	model logdelivery.Model
}

type groupLookup struct {
	checked bool // false: could not be checked (reason in note)
	exists  bool
	note    string
}

func (d *doctorRun) add(c setupCheck) { d.report.Checks = append(d.report.Checks, c) }

func runDoctor(ctx context.Context, out io.Writer, g *globalOptions, f *doctorFlags) error {
	if f.output != "text" && f.output != "json" {
		return fmt.Errorf("--output: %q is not text or json", f.output)
	}
	if f.policySizeLimit < 1 {
		return fmt.Errorf("--policy-size-limit %d must be positive", f.policySizeLimit)
	}
	if err := checkModelFlag(f.model); err != nil {
		return err
	}
	for _, arn := range f.logGroupARNs {
		if _, err := logdelivery.ParseLogGroupARN(arn); err != nil {
			return fmt.Errorf("--log-group-arn: %w", err)
		}
	}
	d := &doctorRun{flags: f, groups: map[string]groupLookup{}}
	d.report.SchemaVersion = doctorSchemaVersion
	d.report.Connections = []doctorConnection{}
	d.run(ctx, g)

	d.report.Summary = summarizeChecks(d.report.Checks)
	d.report.Status = d.report.Summary.status()
	if f.output == "json" {
		if err := writeJSON(out, d.report); err != nil {
			return err
		}
	} else {
		if err := writeCheckLines(out, d.report.Checks, doctorTitles); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "\n%s.\n", d.report.Summary); err != nil {
			return err
		}
	}
	if s := d.report.Summary; s.Fail > 0 {
		return &exitError{code: 1, err: fmt.Errorf("doctor found %d %s (see above)", s.Fail, plural(s.Fail, "failure", "failures"))}
	}
	return nil
}

func (d *doctorRun) run(ctx context.Context, g *globalOptions) {
	clients, err := g.clients(ctx)
	if err != nil {
		d.add(configurationFailure(err))
		return
	}
	d.clients = clients
	d.lookup = logdelivery.NewGroupLookup(clients.Logs, 0)
	d.vpn = vpn.NewService(clients.EC2, vpn.Options{})
	d.configuration()
	d.permissions(ctx)
	d.budget(ctx)
	d.connections(ctx)
}

func (d *doctorRun) configuration() {
	c := d.clients
	d.report.Identity = &doctorIdentity{Region: c.Region, Partition: c.Partition, AccountID: c.AccountID, CallerARN: c.CallerARN}
	d.add(setupCheck{Section: sectionConfiguration, Name: "region", Status: checkOK, Message: fmt.Sprintf("%s (partition %s)", c.Region, c.Partition)})
	if c.CallerARN != "" {
		d.add(setupCheck{Section: sectionConfiguration, Name: "credentials", Status: checkOK,
			Message: fmt.Sprintf("caller %s, account %s", c.CallerARN, c.AccountID)})
	}
	for _, w := range c.Warnings {
		d.add(setupCheck{Section: sectionConfiguration, Name: "credentials", Status: checkWarn, Message: w,
			Fix: "Let the credentials call sts:GetCallerIdentity, or check the STS endpoint."})
	}
}

func (d *doctorRun) permissions(ctx context.Context) {
	res := iampolicy.Check(ctx, iampolicy.ClientsFrom(d.clients), "", nil)
	d.report.Permissions = &doctorPermissions{
		PrincipalARN: res.PrincipalARN, CallerARN: res.CallerARN, Evaluated: res.Evaluated, Allowed: res.Allowed,
		Actions: nonNilSlice(res.Actions), MissingActions: nonNilSlice(res.Missing),
		ExplicitlyDeniedActions: nonNilSlice(res.ExplicitlyDenied), Reason: res.Reason,
	}
	d.add(permissionsCheck(res, d.clients))
}

func (d *doctorRun) budget(ctx context.Context) {
	run := logdelivery.NewAccountRunProjection(d.clients, d.flags.policySizeLimit, logdelivery.Model(d.flags.model), d.vpn.DeliveredLogGroups)
	b, err := run.Budget(ctx)
	choice, _ := run.Model(ctx) // its only error is the read's, handled here
	d.model = choice.Model
	rep := &doctorBudget{Model: string(choice.Model), ModelSetting: string(choice.Setting), ModelEvidence: choice.Reason(budgetExplainOptions),
		ModelEvidenceLogGroupARNs: nonNilSlice(choice.EvidenceARNs()), Limit: d.flags.policySizeLimit, MaxPolicies: logdelivery.MaxAccountPolicies,
		Policies: []doctorPolicy{}}
	d.report.Budget = rep
	if err != nil {
		rep.Error = err.Error()
		d.add(budgetReadCheck(d.clients, d.flags.policySizeLimit, d.flags.logGroupARNs, err, choice))
		return
	}
	rep.Limit, rep.MaxPolicies, rep.PolicyCount, rep.UsedCharacters, rep.VendedlogsCovered = b.Limit, b.MaxPolicies, b.PolicyCount(),
		b.UsedCharacters(), b.VendedLogsCovered
	for _, p := range b.Policies {
		rep.Policies = append(rep.Policies, doctorPolicy{Name: p.Name, Characters: p.Characters})
	}
	if p, ok := b.DeliveryPolicy(); ok {
		rep.DeliveryPolicyName = p.Name
	}
	d.add(modelCheck(choice))
	if choice.Model == logdelivery.ModelLogGroup {
		for _, c := range logGroupModelChecks(b) {
			d.add(c)
		}
	} else {
		d.accountPolicyChecks(b)
	}
	d.plannedBudget(ctx, run, rep)
}

// accountPolicyChecks are the budget lines under the account-level model: the delivery policy's size, whether it
// covers /aws/vendedlogs/, and the number of account-level policies.
func (d *doctorRun) accountPolicyChecks(b *logdelivery.Budget) {
	now := b.Project(nil, logdelivery.ProjectOptions{})
	pct := 100 * float64(now.CurrentCharacters) / float64(now.Limit)

	// The delivery policy's size.
	size := setupCheck{Section: sectionBudget, Name: "policy size", Status: checkOK}
	if p, ok := b.DeliveryPolicy(); ok {
		size.Message = fmt.Sprintf("%s uses %d of %d characters (%.0f%%, --policy-size-limit), %d remaining.",
			p.Name, now.CurrentCharacters, now.Limit, pct, now.Remaining())
		switch {
		case !now.FitsSize():
			size.Status = checkFail
			size.Message = fmt.Sprintf("%s uses %d characters, more than the limit of %d (--policy-size-limit): AWS refuses every change "+
				"that grows it, so no tunnel can start delivering to a new log group.", p.Name, now.CurrentCharacters, now.Limit)
			size.Fix = fmt.Sprintf("Remove from %s the entries of log groups that no longer receive logs (logs:PutResourcePolicy), or give "+
				"--policy-size-limit the limit AWS enforces in your account if it is larger.", p.Name)
		case now.NearLimit():
			size.Status = checkWarn
			size.Fix = fmt.Sprintf("Deliver new tunnels to log groups under %s, which share one entry, and remove from %s the entries of "+
				"log groups that no longer receive logs.", logdelivery.VendedLogsPrefix, p.Name)
		}
	} else {
		size.Message = fmt.Sprintf("No log-delivery policy yet: AWS creates %s when the first tunnel starts delivering.", logdelivery.DeliveryPolicyName)
	}
	d.add(size)

	// /aws/vendedlogs/* and what covering it would cost now, as the projection computes it.
	vended := setupCheck{Section: sectionBudget, Name: "vendedlogs", Status: checkOK}
	switch {
	case b.VendedLogsCovered:
		vended.Message = fmt.Sprintf("Log groups under %s are covered: delivering to them does not grow the policy.", logdelivery.VendedLogsPrefix)
	case b.Scope.AccountID == "":
		vended.Message = fmt.Sprintf("Log groups under %s are not covered yet.", logdelivery.VendedLogsPrefix)
	default:
		cov := b.VendedCoverage(b.Scope)
		vended.Message = fmt.Sprintf("Log groups under %s are not covered yet: the first delivery to one adds the single entry %s "+
			"(%d characters), shared by all of them.", logdelivery.VendedLogsPrefix, cov.Entry, cov.Growth)
		if !cov.FitsSize || !cov.FitsCount {
			vended.Status = checkWarn
			vended.Message += fmt.Sprintf(" It does not fit: %s has %d characters left.", now.PolicyName, now.Remaining())
			vended.Fix = fmt.Sprintf("Free room in %s: remove the entries of log groups that no longer receive logs.", now.PolicyName)
		}
	}
	d.add(vended)

	// The number of account-level policies.
	count := setupCheck{Section: sectionBudget, Name: "policy count", Status: checkOK,
		Message: fmt.Sprintf("%d of %d account-level resource policies.", b.PolicyCount(), b.MaxPolicies)}
	if _, ok := b.DeliveryPolicy(); !ok && b.PolicyCount() >= b.MaxPolicies {
		count.Status = checkWarn
		count.Message += fmt.Sprintf(" There is no log-delivery policy yet and no room for one: the first tunnel to start delivering needs AWS "+
			"to create %s, which it would refuse.", logdelivery.DeliveryPolicyName)
		count.Fix = "Delete an account-level resource policy that is no longer needed (aws logs delete-resource-policy --policy-name NAME)."
	}
	d.add(count)
}

// plannedBudget projects the groups of --log-group-arn, under the run's model.
func (d *doctorRun) plannedBudget(ctx context.Context, run *logdelivery.RunProjection, rep *doctorBudget) {
	if len(d.flags.logGroupARNs) == 0 {
		return
	}
	var planned []logdelivery.Planned
	for _, arn := range d.flags.logGroupARNs {
		a, bad := checkLogGroupARN("--log-group-arn", arn, d.clients)
		if bad != nil {
			bad.Section = sectionBudget
			d.add(*bad)
			continue
		}
		planned = append(planned, logdelivery.Planned{Group: a, Source: "--log-group-arn"})
	}
	if len(planned) == 0 {
		return
	}
	res, err := run.Add(ctx, planned)
	if err != nil { // not reached: the read succeeded above
		d.add(budgetReadCheck(d.clients, d.flags.policySizeLimit, d.flags.logGroupARNs, err, res.Model))
		return
	}
	proj := &doctorProjection{ProjectedCharacters: res.ProjectedCharacters, RemainingCharacters: res.Remaining(), NewPolicy: res.NewPolicy,
		ProjectedPolicyCount: res.ProjectedPolicyCount, UncoveredLogGroupARNs: nonNilSlice(res.Uncovered()), Fits: res.Fits(),
		LogGroupPolicies: []doctorGroupPolicy{}}
	for _, g := range res.GroupPolicies {
		if g.Grows() {
			proj.UncoveredLogGroupARNs = append(proj.UncoveredLogGroupARNs, g.LogGroupARN)
		}
		proj.LogGroupPolicies = append(proj.LogGroupPolicies, doctorGroupPolicy{LogGroupARN: g.LogGroupARN, CoveredBy: g.CoveredBy,
			PolicyName: g.PolicyName, NewPolicy: g.NewPolicy, CurrentBytes: g.CurrentBytes, ProjectedBytes: g.ProjectedBytes, LimitBytes: g.Limit,
			Fits: g.Fits()})
	}
	for _, gp := range res.Groups {
		proj.LogGroupARNs = append(proj.LogGroupARNs, gp.LogGroupARN)
	}
	rep.Projection = proj
	for _, c := range projectionChecks(res) {
		d.add(c)
	}
}

func (d *doctorRun) connections(ctx context.Context) {
	svc := d.vpn
	var conns []vpn.Connection
	if len(d.flags.vpnIDs) > 0 {
		seen := map[string]bool{}
		for _, id := range d.flags.vpnIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			c, err := svc.Get(ctx, id)
			var nf *vpn.NotFoundError
			switch {
			case errors.As(err, &nf):
				d.add(setupCheck{Section: sectionVPN, Name: "connection", Status: checkFail, VPNConnectionID: id,
					Message: nf.Explain(nil, d.clients.Region, regionSetting),
					Fix:     "Run doctor without --vpn-connection-id to list the connections of " + d.clients.Region + "."})
			case err != nil:
				d.add(setupCheck{Section: sectionVPN, Name: "connection", Status: checkFail, VPNConnectionID: id,
					Message: fmt.Sprintf("Reading VPN connection %s failed: %s", id, err),
					Fix:     "Check that the caller may call ec2:DescribeVpnConnections and that the EC2 endpoint is reachable."})
			default:
				conns = append(conns, *c)
			}
		}
	} else {
		all, err := svc.List(ctx, vpn.Filter{})
		if err != nil {
			d.add(setupCheck{Section: sectionVPN, Name: "connections", Status: checkFail,
				Message: fmt.Sprintf("Listing the VPN connections of %s failed: %s", d.clients.Region, err),
				Fix:     "Check that the caller may call ec2:DescribeVpnConnections and that the EC2 endpoint is reachable."})
			return
		}
		for _, c := range all {
			if !c.Terminal() {
				conns = append(conns, c)
			}
		}
		if len(conns) == 0 {
			d.add(setupCheck{Section: sectionVPN, Name: "connections", Status: checkOK,
				Message: fmt.Sprintf("No VPN connection in %s.", d.clients.Region)})
		}
	}
	d.prefetchGroups(ctx, conns)
	for i := range conns {
		d.connection(ctx, &conns[i])
	}
}

func (d *doctorRun) connection(ctx context.Context, c *vpn.Connection) {
	rep := doctorConnection{ID: c.ID, Name: connectionName(c), State: c.State, Tunnels: []doctorTunnel{}}
	state := setupCheck{Section: sectionVPN, Name: "connection", Status: checkOK, VPNConnectionID: c.ID,
		Message: fmt.Sprintf("%s: %s, tunnels %s.", connectionLabel(c), c.State, tunnelList(c))}
	if c.State != vpn.StateAvailable {
		state.Status = checkWarn
		state.Message = fmt.Sprintf("%s is %s, not %s: a change of its tunnels' logging waits until it is available.", connectionLabel(c), c.State, vpn.StateAvailable)
		state.Fix = "Wait until the connection is available; if it stays pending, check it in the VPC console."
	}
	d.add(state)
	for _, t := range c.Tunnels {
		tr := doctorTunnel{OutsideIPAddress: t.OutsideIP}
		var chk setupCheck
		chk, tr.TunnelLog = d.logCheck(ctx, c, t, vpn.LogTunnel, t.Logging.Activity)
		d.add(chk)
		chk, tr.BGPLog = d.logCheck(ctx, c, t, vpn.LogBGP, t.Logging.BGP)
		d.add(chk)
		chk, tr.Telemetry = telemetryCheck(c, t)
		d.add(chk)
		rep.Tunnels = append(rep.Tunnels, tr)
	}
	d.report.Connections = append(d.report.Connections, rep)
}

// logCheck checks one log of one tunnel: delivered, to a group that exists, under /aws/vendedlogs/.
func (d *doctorRun) logCheck(ctx context.Context, c *vpn.Connection, t vpn.Tunnel, which string, dst vpn.LogDestination) (setupCheck, doctorLog) {
	chk := setupCheck{Section: sectionVPN, Name: which, Status: checkOK, VPNConnectionID: c.ID, TunnelOutsideIP: t.OutsideIP}
	rep := doctorLog{Enabled: dst.Enabled}
	prefix := fmt.Sprintf("%s %s: ", c.ID, t.OutsideIP)
	if !dst.Enabled {
		chk.Status = checkWarn
		chk.Message = prefix + "the " + which + " is not delivered to CloudWatch Logs."
		chk.Fix = fmt.Sprintf("Enable it with the vpnlogs_tunnel_logging resource, or `%s` (this interrupts the tunnel for up "+
			"to several minutes).", enableCommand(d.clients, c.ID, t.OutsideIP))
		return chk, rep
	}
	rep.OutputFormat = dst.OutputFormat
	rep.LogGroupARN = logdelivery.TrimARNSuffix(dst.LogGroupARN)
	chk.LogGroupARN = rep.LogGroupARN
	a, err := logdelivery.ParseLogGroupARN(dst.LogGroupARN)
	if err != nil {
		chk.Status = checkWarn
		chk.Message = prefix + fmt.Sprintf("the %s is delivered to %s, which could not be checked: %s", which, dst.LogGroupARN, err)
		chk.Fix = "Deliver it to a log group of this account and region."
		return chk, rep
	}
	rep.Vendedlogs = a.Vended()
	lookup := d.lookupGroup(ctx, a)
	if lookup.checked {
		exists := lookup.exists
		rep.LogGroupExists = &exists
	}
	chk.Message = prefix + fmt.Sprintf("the %s is delivered %s", which, dst)
	var problems, fixes []string
	switch {
	case !lookup.checked:
		chk.Status = checkWarn
		problems = append(problems, "whether the log group exists could not be checked: "+lookup.note)
		fixes = append(fixes, "Allow logs:DescribeLogGroups to the caller, then run doctor again.")
	case !lookup.exists:
		chk.Status = checkFail
		problems = append(problems, fmt.Sprintf("the log group %s does not exist, so AWS has nowhere to write the %s and drops it", a.Name, which))
		fixes = append(fixes, fmt.Sprintf("Create the group (the vpnlogs_log_group resource, or `aws logs create-log-group --log-group-name %s`), "+
			"or deliver the %s to an existing group under %s with `terraform-provider-vpnlogs enable`.", a.Name, which, logdelivery.VendedLogsPrefix))
	}
	if !a.Vended() && d.model != logdelivery.ModelLogGroup {
		if chk.Status == checkOK {
			chk.Status = checkWarn
		}
		problems = append(problems, fmt.Sprintf("the group is outside %s, so it takes its own entry in the account's CloudWatch Logs resource "+
			"policy %s, which is limited in size", logdelivery.VendedLogsPrefix, logdelivery.DeliveryPolicyName))
		fixes = append(fixes, fmt.Sprintf("Deliver to %s instead (groups under %s share one entry).", logdelivery.VendedName(a.Name), logdelivery.VendedLogsPrefix))
	}
	if len(problems) == 0 && a.Vended() {
		chk.Message += ", an existing group under " + logdelivery.VendedLogsPrefix + "."
		return chk, rep
	}
	if len(problems) == 0 { // outside /aws/vendedlogs/, under the log-group-level model: it has a policy of its own
		chk.Message += ", an existing group."
		return chk, rep
	}
	chk.Message += "; " + strings.Join(problems, "; ") + "."
	chk.Fix = strings.Join(fixes, " ")
	return chk, rep
}

// prefetchGroups looks up, together, every log group the connections' tunnels deliver to in the caller's account and
// region, so that the checks of the tunnels read nothing more.
func (d *doctorRun) prefetchGroups(ctx context.Context, conns []vpn.Connection) {
	var names []string
	for _, c := range conns {
		for _, t := range c.Tunnels {
			for _, dst := range []vpn.LogDestination{t.Logging.Activity, t.Logging.BGP} {
				a, err := logdelivery.ParseLogGroupARN(dst.LogGroupARN)
				if dst.Enabled && err == nil && len(a.CheckDeliverable(logdelivery.ScopeOf(d.clients))) == 0 {
					names = append(names, a.Name)
				}
			}
		}
	}
	if len(names) > 0 {
		_, _ = d.lookup.Missing(ctx, names) // the results stay in d.lookup; lookupGroup reports errors
	}
}

// lookupGroup reads a log group once per run (logdelivery.GroupLookup: DescribeLogGroups, so logs:DescribeLogGroups
// is all it needs).
func (d *doctorRun) lookupGroup(ctx context.Context, a logdelivery.LogGroupARN) groupLookup {
	key := a.String()
	if l, ok := d.groups[key]; ok {
		return l
	}
	var l groupLookup
	c := d.clients
	switch {
	case len(a.CheckDeliverable(logdelivery.ScopeOf(c))) > 0:
		l.note = fmt.Sprintf("it is not in this account and region (%s, %s)", accountOr(c.AccountID), c.Region)
	default:
		missing, err := d.lookup.Missing(ctx, []string{a.Name})
		if err != nil {
			l.note = err.Error()
		} else {
			l.checked, l.exists = true, len(missing) == 0
		}
	}
	d.groups[key] = l
	return l
}

// telemetryCheck reports AWS's view of the tunnel (vgwTelemetry).
func telemetryCheck(c *vpn.Connection, t vpn.Tunnel) (setupCheck, *doctorTelemetry) {
	chk := setupCheck{Section: sectionVPN, Name: "telemetry", Status: checkOK, VPNConnectionID: c.ID, TunnelOutsideIP: t.OutsideIP}
	tel := t.Telemetry
	if tel == nil {
		chk.Status = checkWarn
		chk.Message = fmt.Sprintf("%s %s: AWS reports no telemetry for this tunnel.", c.ID, t.OutsideIP)
		chk.Fix = "Check the tunnel in the VPC console; AWS reports telemetry for every tunnel of an available connection."
		return chk, nil
	}
	rep := &doctorTelemetry{Status: tel.Status, StatusMessage: tel.StatusMessage, AcceptedRouteCount: tel.AcceptedRouteCount}
	since := ""
	if !tel.LastStatusChange.IsZero() {
		s := tel.LastStatusChange.UTC().Format(time.RFC3339)
		rep.LastStatusChange = &s
		since = ", since " + s
	}
	chk.Message = fmt.Sprintf("%s %s: %s (%s)%s.", c.ID, t.OutsideIP, tel.Status, tel.StatusMessage, since)
	if !tel.Up() {
		chk.Status = checkWarn
		chk.Fix = fmt.Sprintf("See why in the tunnel's logs: `terraform-provider-vpnlogs health --vpn-connection-id %s --tunnel %s`.", c.ID, t.OutsideIP)
	}
	return chk, rep
}

// wrapWords breaks s into lines of at most width characters (longer words stay whole), joined by sep.
func wrapWords(s string, width int, sep string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, sep)
}

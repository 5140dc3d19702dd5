package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// doctorSchemaVersion is the version of doctor's JSON output (docs/cli/doctor.schema.json); it changes only when a
// field changes meaning or goes away (new fields may be added). Version 2: the vpn section's checks are grouped by
// problem, each listing its tunnels; tunnels carry their health.
const doctorSchemaVersion = 2

type doctorFlags struct {
	sel             connectionSelection
	logGroupARNs    []string
	output          outputFlag
	policySizeLimit int
	model           string
}

func newDoctorCommand(g *globalOptions) *cobra.Command {
	f := &doctorFlags{sel: connectionSelection{readAll: true}}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check configuration, permissions, the resource-policy budget and the fleet's log delivery and health",
		Long: `doctor checks, in this order, everything that VPN tunnel log delivery depends on, and prints one
line per check: ok, warn, FAIL or unknown (the check could not run), with what is wrong and the
fix under every line that is not ok.

  configuration  the AWS settings (global flags, AWS_* variables, shared config): region, partition,
                 credentials, caller identity and account. Nothing else is checked when they fail.
  permissions    iam:SimulatePrincipalPolicy for the caller and the actions enabling logging needs:
                 ` + wrapWords(strings.Join(iampolicy.RequiredActions, ", ")+".", 84, "\n                 ") + `
                 Missing or explicitly denied actions FAIL; a simulation that cannot run is unknown.
  budget         the resource-policy model (--resource-policy-model; with auto, what the account shows)
                 and the account-level CloudWatch Logs resource policies: the size of the log-delivery
                 policy ` + logdelivery.DeliveryPolicyName + ` against --policy-size-limit, whether it
                 covers ` + logdelivery.VendedLogsPrefix + `*, and the number of policies (at most ` + fmt.Sprint(logdelivery.MaxAccountPolicies) + `). With
                 --log-group-arn, the projected size once those groups receive logs, and whether it fits:
                 of the account-level policy, or, under the log-group model, of each group's own policy.
  vpn            the selected connections (default: every connection of the region), one line per tunnel:
                 which logs it delivers, in which format, to which log group, and its health (from the
                 last ` + health.FormatDuration(doctorLookback) + ` of its logs, as the health command reads them; AWS's telemetry when it
                 logs nothing). Then one finding per kind of problem, with the tunnels it concerns and
                 one fix for all of them: logging off (the enable command for the whole selection), a
                 log group that does not exist (FAIL: AWS drops the logs), groups outside
                 ` + logdelivery.VendedLogsPrefix + `, and each unhealthy tunnel's diagnosis (its root cause and fix).

With --output json, one object (docs/cli/doctor.schema.json, schema_version ` + fmt.Sprint(doctorSchemaVersion) + `): status (the worst
check), summary (checks by status), checks, identity, permissions, budget and connections (each
tunnel's logs, telemetry and health).

Exit status (the table of terraform-provider-vpnlogs --help): 0 when no check fails or could not
run (warnings are printed and do not change it); 2 when a check fails; 3 when none fails but one
could not run; 1 on a usage error.`,
		Example: `  terraform-provider-vpnlogs doctor
  terraform-provider-vpnlogs doctor --tag env=prod --log-group-arn arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/vpn/prod
  terraform-provider-vpnlogs doctor --output json | jq '.checks[] | select(.status != "ok")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDoctor(cmd.Context(), cmd.OutOrStdout(), g, f)
		},
	}
	fl := cmd.Flags()
	f.sel.addFlags(fl, "check")
	fl.StringSliceVar(&f.logGroupARNs, "log-group-arn", nil, "log groups you plan to deliver to: project the resource policy's growth (repeatable or comma-separated)")
	f.output.add(fl, outputText, "text or json")
	fl.IntVar(&f.policySizeLimit, "policy-size-limit", logdelivery.DefaultPolicySizeLimit, "size limit of an account-level CloudWatch Logs resource policy, in characters (the provider's resource_policy_size_limit)")
	addModelFlag(fl, &f.model)
	requireNonEmpty(fl, "log-group-arn")
	return cmd
}

// doctorReport is doctor's JSON output (docs/cli/doctor.schema.json).
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
	// advice is the CLI's advice to turn logging on, for the health read.
	advice health.EnableAdvice
}

type groupLookup struct {
	checked bool // false: could not be checked (reason in note)
	exists  bool
	note    string
}

func (d *doctorRun) add(c setupCheck) { d.report.Checks = append(d.report.Checks, c) }

func runDoctor(ctx context.Context, out io.Writer, g *globalOptions, f *doctorFlags) error {
	if err := f.sel.validate(); err != nil {
		return err
	}
	if err := f.output.check(); err != nil {
		return err
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
	var err error
	if f.output.json() {
		err = writeJSON(out, d.report)
	} else {
		err = d.print(out)
	}
	if err != nil {
		return err
	}
	if d.clients == nil {
		return errors.New("the AWS configuration could not be loaded (see above): nothing else was checked")
	}
	return d.report.Summary.verdict("doctor")
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
	d.advice = enableAdvice(clients)
	d.configuration()
	d.permissions(ctx)
	d.budget(ctx)
	d.connections(ctx)
}

// print writes the checks by section, the VPN section as a table of tunnels followed by its findings, then the
// summary.
func (d *doctorRun) print(out io.Writer) error {
	var other, vpnChecks []setupCheck
	for _, c := range d.report.Checks {
		if c.Section == sectionVPN {
			vpnChecks = append(vpnChecks, c)
		} else {
			other = append(other, c)
		}
	}
	if err := writeCheckLines(out, other, sectionTitles); err != nil {
		return err
	}
	if d.clients != nil {
		if err := d.printVPN(out, vpnChecks); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(out, "\n%s.\n", d.report.Summary)
	return err
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

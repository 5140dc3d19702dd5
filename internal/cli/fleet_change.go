package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/iampolicy"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// enable and disable across a selection: the plan for every tunnel, the checks once for the whole selection, then
// the change (fleet_exec.go), and the report (fleet_report.go).

func runTunnelChange(ctx context.Context, out, errOut io.Writer, g *globalOptions, f *tunnelChangeFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	clients, err := g.clients(ctx)
	if err != nil {
		return err
	}
	want := f.want()
	rep := &changeReport{SchemaVersion: changeSchemaVersion, Command: f.command(), Region: clients.Region, DryRun: f.dryRun,
		Want: loggingOf(want), Checks: []setupCheck{}, Connections: []changeConnection{}}

	// 1. The log group ARNs against the caller's account and region: a usage error when they are not.
	if !f.disable {
		checks, err := logGroupArgumentChecks(f, clients)
		if err != nil {
			return err
		}
		rep.Checks = append(rep.Checks, checks...)
	}

	// 2. The connections and their tunnels, and the plan.
	svc := vpn.NewService(clients.EC2, g.settings.vpn)
	conns, err := f.sel.connections(ctx, svc, clients.Region)
	if err != nil {
		return err
	}
	if len(conns) == 0 {
		return f.sel.emptyError(clients.Region)
	}
	var planned []logdelivery.Planned
	var busy []string
	for _, c := range conns {
		cc := changeConnection{ID: c.ID, Name: connectionName(&c), State: c.State, Tunnels: []changeTunnel{}}
		if c.State != vpn.StateAvailable {
			busy = append(busy, c.ID+" ("+c.State+")")
		}
		for _, t := range c.Tunnels {
			ct := changeTunnel{OutsideIPAddress: t.OutsideIP, From: loggingOf(t.Logging), Action: actionOf(t.Logging, want), Result: resultUnchanged}
			if ct.Action != "none" {
				ct.Result = resultPlanned
				for _, d := range want.StartedDeliveries(t.Logging) {
					if a, err := logdelivery.ParseLogGroupARN(d.LogGroupARN); err == nil { // validated before
						planned = append(planned, logdelivery.Planned{Group: a, Source: vpn.TunnelID(c.ID, t.OutsideIP) + " " + d.Log})
					}
				}
			}
			cc.Tunnels = append(cc.Tunnels, ct)
		}
		rep.Connections = append(rep.Connections, cc)
	}
	rep.summarize()
	found := setupCheck{Section: sectionTunnels, Name: "tunnels", Status: checkOK,
		Message: fmt.Sprintf("%s, %s found (%s).", count(len(conns), "VPN connection", "VPN connections"),
			count(rep.Summary.Tunnels, "tunnel", "tunnels"), f.sel.String())}
	if len(busy) > 0 {
		found.Message += fmt.Sprintf(" Not available yet, so their changes wait: %s.", strings.Join(busy, ", "))
	}
	rep.Checks = append(rep.Checks, found)

	// 3. Once for the whole selection: the log groups exist, the resource-policy budget with every group that would
	// start receiving logs, and the permissions.
	if rep.Summary.ToChange > 0 {
		if !f.disable {
			rep.Checks = append(rep.Checks, groupsExistChecks(ctx, clients, want)...)
			budget, model := budgetPreCheck(ctx, clients, f.policySizeLimit, logdelivery.Model(f.model), svc.DeliveredLogGroups, planned)
			if model == logdelivery.ModelLogGroup { // the groups outside /aws/vendedlogs/ do not grow the account-level policy
				rep.Checks = slices.DeleteFunc(rep.Checks, func(c setupCheck) bool {
					return c.Section == sectionArguments && c.Status == checkWarn && c.LogGroupARN != ""
				})
			}
			rep.Checks = append(rep.Checks, budget...)
		}
		rep.Checks = append(rep.Checks, permissionsCheck(iampolicy.Check(ctx, iampolicy.ClientsFrom(clients), "", nil), clients))
	}

	verb, past := "Enabling", "enabled"
	if f.disable {
		verb, past = "Disabling", "disabled"
	}
	switch {
	case summarizeChecks(rep.Checks).Fail > 0:
		rep.Outcome = outcomeRefused
	case rep.Summary.ToChange == 0:
		rep.Outcome = outcomeNothing
	case f.dryRun:
		rep.Outcome = outcomePlanned
	case !f.yes:
		rep.Outcome = outcomeUnconfirmed
	}
	if !f.output.json() {
		if err := rep.writePlan(out, verb, conns, want); err != nil {
			return err
		}
		if rep.Outcome != outcomeRefused && rep.Outcome != outcomeNothing {
			// The first sentence: the table above lists the tunnels.
			text, _, _ := strings.Cut(vpn.DescribeInterruption(changesOf(conns, want), "This change"), "\n")
			fmt.Fprintf(out, "\nWARNING: %s\n", text)
		}
	}
	if rep.Outcome != "" {
		return finishPlan(out, rep, f, verb)
	}

	// 4. The change.
	start := time.Now()
	prog := newProgress(errOut, styleFor(errOut, g.settings), g.settings.heartbeat)
	prog.printf("%s logging on %s of %s, up to %s at a time.", verb, count(rep.Summary.ToChange, "tunnel", "tunnels"),
		count(len(conns), "connection", "connections"), count(min(f.concurrency, len(conns)), "connection", "connections"))
	run := &fleetChange{svc: svc, interrupts: g.settings.interrupts, want: want, timeout: f.timeout, concurrency: f.concurrency, progress: prog, rep: rep}
	rep.Outcome = run.run(ctx, conns)
	prog.close()
	rep.ElapsedSeconds = time.Since(start).Seconds()
	rep.summarize()
	if f.output.json() {
		err = writeJSON(out, rep)
	} else {
		err = rep.writeOutcome(out, past)
	}
	if err != nil {
		return err
	}
	s := rep.Summary
	switch rep.Outcome {
	case outcomeInterrupted:
		return fmt.Errorf("interrupted: %d of %d tunnels changed, %d still being applied by AWS, %d not started (see above)",
			s.Changed, s.ToChange, s.Pending, s.NotStarted)
	case outcomeFailed:
		return fmt.Errorf("%d of %d tunnels changed; %d failed, %d still being applied by AWS, %d not started (see above)",
			s.Changed, s.ToChange, s.Failed, s.Pending, s.NotStarted)
	}
	if !f.output.json() {
		_, err = fmt.Fprintf(out, "Check it with `terraform-provider-vpnlogs doctor %s`.\n", f.sel.String())
	}
	return err
}

// finishPlan ends a run that changes nothing: it prints the report's end and returns the verdict.
func finishPlan(out io.Writer, rep *changeReport, f *tunnelChangeFlags, verb string) error {
	if f.output.json() {
		if err := writeJSON(out, rep); err != nil {
			return err
		}
	}
	s := rep.Summary
	n := count(s.ToChange, "tunnel", "tunnels")
	var text string
	var verdict error
	switch rep.Outcome {
	case outcomeRefused:
		fails := summarizeChecks(rep.Checks).Fail
		verdict = foundProblems("%d %s failed (see above): nothing was changed", fails, plural(fails, "check", "checks"))
	case outcomeNothing:
		text = fmt.Sprintf("\nNothing to change: the logging of %s is already as requested.\n", plural(s.Tunnels, "the tunnel", "every tunnel"))
	case outcomePlanned:
		text = "\nDry run: nothing was changed. Run again with --yes instead of --dry-run to make the change.\n"
		verdict = foundProblems("%s not as requested (drift): nothing was changed", n)
	case outcomeUnconfirmed:
		verdict = fmt.Errorf("nothing was changed: %s logging interrupts %s; add --yes to proceed (or --dry-run to print the plan only)",
			strings.ToLower(verb), n)
	}
	if text != "" && !f.output.json() {
		if _, err := io.WriteString(out, text); err != nil {
			return err
		}
	}
	return verdict
}

// logGroupArgumentChecks compares --log-group-arn and --bgp-log-group-arn with the caller's account and region (an
// error: delivery is same-account, same-region), and warns about groups outside /aws/vendedlogs/.
func logGroupArgumentChecks(f *tunnelChangeFlags, clients *awsconfig.Clients) ([]setupCheck, error) {
	flags := [][2]string{{"--log-group-arn", f.logGroupARN}}
	if f.bgpLogGroupARN != "" && !f.noBGP {
		flags = append(flags, [2]string{"--bgp-log-group-arn", f.bgpLogGroupARN})
	}
	var outside []logdelivery.LogGroupARN
	for _, fa := range flags {
		a, bad := checkLogGroupARN(fa[0], fa[1], clients)
		if bad != nil {
			return nil, errors.New(fa[0] + ": " + bad.Message + " " + bad.Fix)
		}
		if !a.Vended() && !slices.Contains(outside, a) {
			outside = append(outside, a)
		}
	}
	checks := []setupCheck{{Section: sectionArguments, Name: "log group ARNs", Status: checkOK,
		Message: fmt.Sprintf("in account %s and region %s, as delivery requires.", accountOr(clients.AccountID), clients.Region)}}
	for _, a := range outside {
		checks = append(checks, setupCheck{Section: sectionArguments, Name: "log groups", Status: checkWarn, LogGroupARN: a.String(),
			Message: fmt.Sprintf("%s is outside %s: it takes its own entry in the account's CloudWatch Logs resource policy %s, "+
				"which is limited in size.", a.Name, logdelivery.VendedLogsPrefix, logdelivery.DeliveryPolicyName),
			Fix: fmt.Sprintf("Prefer %s (groups under %s share one entry).", logdelivery.VendedName(a.Name), logdelivery.VendedLogsPrefix)})
	}
	return checks, nil
}

// changesOf are the tunnel changes of the plan.
func changesOf(conns []vpn.Connection, want vpn.Logging) []vpn.TunnelChange {
	var out []vpn.TunnelChange
	for _, c := range conns {
		for _, t := range c.Tunnels {
			if !t.Logging.Equal(want) {
				out = append(out, vpn.TunnelChange{ConnectionID: c.ID, OutsideIP: t.OutsideIP, From: t.Logging, To: want})
			}
		}
	}
	return out
}

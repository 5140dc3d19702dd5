package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logparse"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// doctor's vpn section: one row per tunnel (its logs, their format and group, its health), then one finding per kind
// of problem with the tunnels it concerns and one fix for all of them.

// doctorLookback is how far back doctor reads each tunnel's logs for its health.
const doctorLookback = time.Hour

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
	Telemetry        *telemetryReport `json:"telemetry"`
	Health           *doctorHealth    `json:"health"`
}

type doctorLog struct {
	Enabled        bool   `json:"enabled"`
	LogGroupARN    string `json:"log_group_arn"`
	OutputFormat   string `json:"output_format"`
	LogGroupExists *bool  `json:"log_group_exists"`
	Vendedlogs     bool   `json:"vendedlogs"`
}

// doctorHealth is a tunnel's health as the health command reads it; Error says why its logs could not be read.
type doctorHealth struct {
	Status       string           `json:"status"`
	StatusReason string           `json:"status_reason"`
	Diagnosis    *diagnosisReport `json:"diagnosis"`
	Error        string           `json:"error,omitempty"`
}

// tunnelRef is a tunnel in a finding.
type tunnelRef struct {
	conn *vpn.Connection
	ip   string
	note string // printed after the address, e.g. "(BGP log off)"
	fix  string // an unhealthy tunnel's remediation
}

// doctorFindings are the vpn section's problems, by kind, in the order they are reported.
type doctorFindings struct {
	missing   map[string][]tunnelRef // by log group name
	off       []tunnelRef
	outside   map[string][]tunnelRef // by log group name
	unchecked map[string][]tunnelRef // by the reason the group could not be checked
	unhealthy map[string][]tunnelRef // by diagnosis code; note is the diagnosis line
	unread    []tunnelRef            // health not read; note is why
	delivered map[string]int         // group name -> tunnels delivering to it, existing and vended
	tunnels   int
	healthy   int
}

func (d *doctorRun) connections(ctx context.Context) {
	svc := d.vpn // read once for the run: the budget's model evidence read the same connections
	conns := d.selected(ctx, svc)
	if len(conns) == 0 {
		return
	}
	d.prefetchGroups(ctx, conns)
	session := (&health.Reader{Logs: d.clients.Logs}).NewSession()
	healths := map[string]health.TunnelHealth{}
	for _, th := range session.ReadFleet(ctx, conns, doctorLookback, health.ModeAuto, d.advice) {
		healths[th.ID()] = th
	}
	f := &doctorFindings{missing: map[string][]tunnelRef{}, outside: map[string][]tunnelRef{}, unchecked: map[string][]tunnelRef{},
		unhealthy: map[string][]tunnelRef{}, delivered: map[string]int{}}
	for i := range conns {
		c := &conns[i]
		if c.State != vpn.StateAvailable {
			d.add(setupCheck{Section: sectionVPN, Name: "connection", Status: checkWarn, VPNConnectionID: c.ID,
				Message: fmt.Sprintf("%s is %s, not %s: a change of its tunnels' logging waits until it is available.", connectionLabel(c), c.State, vpn.StateAvailable),
				Fix:     "Wait until the connection is available; if it stays pending, check it in the VPC console."})
		}
		rep := doctorConnection{ID: c.ID, Name: connectionName(c), State: c.State, Tunnels: []doctorTunnel{}}
		for _, t := range c.Tunnels {
			rep.Tunnels = append(rep.Tunnels, d.tunnel(ctx, c, t, healths[vpn.TunnelID(c.ID, t.OutsideIP)], f))
		}
		d.report.Connections = append(d.report.Connections, rep)
	}
	d.findings(ctx, conns, f)
}

// selected reads the selected connections. When some --vpn-connection-id does not exist, each missing one fails and
// the others are still checked.
func (d *doctorRun) selected(ctx context.Context, svc *vpn.Service) []vpn.Connection {
	sel := &d.flags.sel
	region := d.clients.Region
	conns, err := sel.connections(ctx, svc, region)
	var nff *notFoundFlag
	switch {
	case errors.As(err, &nff) && nff.flag == "--vpn-connection-id":
		conns = nil
		tags, _ := parseTagFlags(sel.tags) // validated before
		for _, id := range sel.uniqueIDs() {
			c, err := svc.Get(ctx, id)
			var nf *vpn.NotFoundError
			switch {
			case errors.As(err, &nf):
				d.add(setupCheck{Section: sectionVPN, Name: "connection", Status: checkFail, VPNConnectionID: id,
					Message: nf.Explain(nil, region, regionSetting),
					Fix:     "Run doctor without --vpn-connection-id to list the connections of " + region + "."})
			case err != nil:
				d.add(readConnectionsFailed(region, err))
			case hasTags(c, tags):
				conns = append(conns, *c)
			}
		}
		return conns
	case nff != nil:
		d.add(setupCheck{Section: sectionVPN, Name: "tunnel", Status: checkFail, VPNConnectionID: nff.err.ConnectionID, Message: nff.text,
			Fix: "Give --tunnel one of the connection's outside IP addresses, or leave it out to check every tunnel."})
		return nil
	case err != nil:
		d.add(readConnectionsFailed(region, err))
		return nil
	case len(conns) == 0:
		status := checkOK
		if sel.all || len(sel.ids) > 0 || len(sel.tags) > 0 {
			status = checkWarn
		}
		d.add(setupCheck{Section: sectionVPN, Name: "connections", Status: status, Message: capitalize(sel.emptyError(region).Error()) + "."})
	}
	return conns
}

func readConnectionsFailed(region string, err error) setupCheck {
	return setupCheck{Section: sectionVPN, Name: "connections", Status: checkUnknown,
		Message: fmt.Sprintf("Reading the VPN connections of %s failed: %s", region, err),
		Fix:     "Check that the caller may call ec2:DescribeVpnConnections and that the EC2 endpoint is reachable."}
}

func hasTags(c *vpn.Connection, tags map[string]string) bool {
	for k, v := range tags {
		if got, ok := c.Tags[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// tunnel builds one tunnel's row and adds its problems to the findings.
func (d *doctorRun) tunnel(ctx context.Context, c *vpn.Connection, t vpn.Tunnel, th health.TunnelHealth, f *doctorFindings) doctorTunnel {
	f.tunnels++
	row := doctorTunnel{OutsideIPAddress: t.OutsideIP, Telemetry: telemetryOf(t.Telemetry)}
	ref := tunnelRef{conn: c, ip: t.OutsideIP}
	groupMissing := false
	for _, l := range []struct {
		which string
		dst   vpn.LogDestination
		out   *doctorLog
	}{{vpn.LogTunnel, t.Logging.Activity, &row.TunnelLog}, {vpn.LogBGP, t.Logging.BGP, &row.BGPLog}} {
		*l.out = doctorLog{Enabled: l.dst.Enabled}
		if !l.dst.Enabled {
			continue
		}
		l.out.OutputFormat = l.dst.OutputFormat
		l.out.LogGroupARN = logdelivery.TrimARNSuffix(l.dst.LogGroupARN)
		a, err := logdelivery.ParseLogGroupARN(l.dst.LogGroupARN)
		if err != nil {
			note := "its ARN could not be read: " + err.Error()
			f.unchecked[note] = appendRef(f.unchecked[note], ref)
			continue
		}
		l.out.Vendedlogs = a.Vended()
		lookup := d.lookupGroup(ctx, a)
		switch {
		case !lookup.checked:
			f.unchecked[lookup.note] = appendRef(f.unchecked[lookup.note], ref)
		case !lookup.exists:
			groupMissing = true
			f.missing[a.Name] = appendRef(f.missing[a.Name], ref)
		case a.Vended():
			f.delivered[a.Name]++
		}
		if lookup.checked {
			exists := lookup.exists
			l.out.LogGroupExists = &exists
		}
		if !a.Vended() && d.model != logdelivery.ModelLogGroup { // under the log-group model it grows no shared policy
			f.outside[a.Name] = appendRef(f.outside[a.Name], ref)
		}
	}
	switch {
	case !t.Logging.Activity.Enabled && !t.Logging.BGP.Enabled:
		if tel := t.Telemetry; tel != nil && !tel.Up() {
			ref.note = "(" + tel.Status + " per AWS's telemetry)"
		}
		f.off = append(f.off, ref)
	case !t.Logging.BGP.Enabled:
		f.off = append(f.off, tunnelRef{conn: c, ip: t.OutsideIP, note: "(BGP log off)"})
	case !t.Logging.Activity.Enabled:
		f.off = append(f.off, tunnelRef{conn: c, ip: t.OutsideIP, note: "(tunnel log off)"})
	}
	row.Health = healthOf(th)
	switch h := row.Health; {
	case h == nil || (h.Diagnosis != nil && h.Diagnosis.Code == logparse.CodeLoggingDisabled):
	case h.Error != "":
		if !groupMissing { // the missing group says why
			f.unread = append(f.unread, tunnelRef{conn: c, ip: t.OutsideIP, note: h.Error})
		}
	case h.Status == logparse.HealthHealthy:
		f.healthy++
	case h.Status == logparse.HealthDegraded || h.Status == logparse.HealthDown:
		r := tunnelRef{conn: c, ip: t.OutsideIP, note: h.Status + " " + h.StatusReason}
		code := logparse.CodeUnknown
		if dg := h.Diagnosis; dg != nil {
			code, r.fix = dg.Code, dg.Remediation
			if dg.Since != nil {
				r.note = h.Status + " since " + *dg.Since + ": " + dg.Summary
			}
		}
		f.unhealthy[code] = append(f.unhealthy[code], r)
	}
	return row
}

func appendRef(refs []tunnelRef, r tunnelRef) []tunnelRef {
	if slices.ContainsFunc(refs, func(x tunnelRef) bool { return x.conn.ID == r.conn.ID && x.ip == r.ip }) {
		return refs // both logs to the same group
	}
	return append(refs, r)
}

func healthOf(th health.TunnelHealth) *doctorHealth {
	if th.VPNConnectionID == "" {
		return nil
	}
	h := &doctorHealth{Status: th.Health.Status, StatusReason: th.Health.StatusReason}
	if th.Err != nil {
		h.Error = th.Err.Error()
	}
	h.Diagnosis = diagnosisOf(th.Health.Diagnosis)
	return h
}

// findings adds one check per kind of problem, or one ok check when there is none.
func (d *doctorRun) findings(ctx context.Context, conns []vpn.Connection, f *doctorFindings) {
	before := len(d.report.Checks)
	for _, name := range slices.Sorted(maps.Keys(f.missing)) {
		refs := f.missing[name]
		d.add(setupCheck{Section: sectionVPN, Name: "log group missing", Status: checkFail, Tunnels: refIDs(refs),
			LogGroupARN: logdelivery.ScopeOf(d.clients).LogGroupARN(name).String(),
			Message: fmt.Sprintf("%s deliver to the log group %s, which does not exist, so AWS has nowhere to write their logs and drops "+
				"them:\n%s", countTunnels(refs), name, listRefs(refs)),
			Fix: budgetExplainOptions.CreateGroup(name) + fmt.Sprintf(" Or deliver to an existing group under %s with `%s`.", logdelivery.VendedLogsPrefix,
				enableCommandLine(d.selectionOf(conns, refs), d.fleetGroup(f), "--dry-run"))})
	}
	if len(f.off) > 0 {
		group := d.fleetGroup(f)
		d.add(setupCheck{Section: sectionVPN, Name: "logging off", Status: checkWarn, Tunnels: refIDs(f.off),
			Message: fmt.Sprintf("%s of %s do not deliver every log to CloudWatch Logs, so their trouble cannot be read:\n%s",
				countTunnels(f.off), count(len(connsOf(f.off)), "connection", "connections"), listRefs(f.off)),
			Fix: enableFleetFix(d.selectionOf(conns, f.off), group, f.delivered[group.Name] == 0 && !d.lookupGroup(ctx, group).exists)})
	}
	for _, name := range slices.Sorted(maps.Keys(f.outside)) {
		refs := f.outside[name]
		vended := logdelivery.ScopeOf(d.clients).LogGroupARN(logdelivery.VendedName(name))
		d.add(setupCheck{Section: sectionVPN, Name: "outside vendedlogs", Status: checkWarn, Tunnels: refIDs(refs),
			LogGroupARN: logdelivery.ScopeOf(d.clients).LogGroupARN(name).String(),
			Message: fmt.Sprintf("%s deliver to %s, outside %s: the group takes its own entry in the account's CloudWatch Logs resource "+
				"policy %s, which is limited in size:\n%s", countTunnels(refs), name, logdelivery.VendedLogsPrefix, logdelivery.DeliveryPolicyName, listRefs(refs)),
			Fix: fmt.Sprintf("Deliver to %s instead (groups under %s share one entry). %s", vended.Name, logdelivery.VendedLogsPrefix,
				enableFleetFix(d.selectionOf(conns, refs), vended, true))})
	}
	for _, code := range slices.Sorted(maps.Keys(f.unhealthy)) {
		refs := f.unhealthy[code]
		fix := refs[0].fix // the root cause's: the same for every tunnel of the code
		var lines []string
		for _, r := range refs {
			lines = append(lines, fmt.Sprintf("%s %s %s", r.conn.ID, r.ip, r.note))
		}
		d.add(setupCheck{Section: sectionVPN, Name: "unhealthy", Status: checkWarn, Tunnels: refIDs(refs),
			Message: fmt.Sprintf("%s, root cause %s:\n%s", countTunnels(refs), code, strings.Join(lines, "\n")),
			Fix: strings.TrimSpace(fix + fmt.Sprintf(" The evidence: `terraform-provider-vpnlogs health %s`.",
				d.selectionOf(conns, refs)))})
	}
	for _, note := range slices.Sorted(maps.Keys(f.unchecked)) {
		refs := f.unchecked[note]
		d.add(setupCheck{Section: sectionVPN, Name: "log group", Status: checkUnknown, Tunnels: refIDs(refs),
			Message: fmt.Sprintf("Whether the log groups of %s exist could not be checked: %s.", countTunnels(refs), note),
			Fix:     "Allow logs:DescribeLogGroups to the caller, and deliver to log groups of this account and region; then run doctor again."})
	}
	if len(f.unread) > 0 {
		var lines []string
		for _, r := range f.unread {
			lines = append(lines, fmt.Sprintf("%s %s: %s", r.conn.ID, r.ip, r.note))
		}
		d.add(setupCheck{Section: sectionVPN, Name: "health", Status: checkUnknown, Tunnels: refIDs(f.unread),
			Message: fmt.Sprintf("The logs of %s could not be read:\n%s", countTunnels(f.unread), strings.Join(lines, "\n")),
			Fix:     "Check the reading permissions with `terraform-provider-vpnlogs policy check --include-read`."})
	}
	if len(d.report.Checks) == before {
		d.add(setupCheck{Section: sectionVPN, Name: "tunnels", Status: checkOK,
			Message: fmt.Sprintf("%s of %s deliver both logs to existing groups under %s; %d healthy.", count(f.tunnels, "tunnel", "tunnels"),
				count(len(conns), "connection", "connections"), logdelivery.VendedLogsPrefix, f.healthy)})
	}
}

// fleetGroup is the group to suggest for the fleet: the existing /aws/vendedlogs/ group most of its tunnels deliver to,
// else defaultVendedGroup.
func (d *doctorRun) fleetGroup(f *doctorFindings) logdelivery.LogGroupARN {
	name, most := defaultVendedGroup, 0
	for _, g := range slices.Sorted(maps.Keys(f.delivered)) {
		if f.delivered[g] > most {
			name, most = g, f.delivered[g]
		}
	}
	return exampleScope(d.clients).LogGroupARN(name)
}

// selectionOf is the selection flags that cover the tunnels of refs: the user's own when every selected connection
// is concerned, else the connections' IDs.
func (d *doctorRun) selectionOf(conns []vpn.Connection, refs []tunnelRef) string {
	ids := connsOf(refs)
	if len(ids) == len(conns) {
		return d.flags.sel.String()
	}
	return "--vpn-connection-id " + strings.Join(ids, ",")
}

// connsOf is the connections of refs, sorted.
func connsOf(refs []tunnelRef) []string {
	var ids []string
	for _, r := range refs {
		if !slices.Contains(ids, r.conn.ID) {
			ids = append(ids, r.conn.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func refIDs(refs []tunnelRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = vpn.TunnelID(r.conn.ID, r.ip)
	}
	return out
}

func countTunnels(refs []tunnelRef) string { return count(len(refs), "tunnel", "tunnels") }

// listRefs lists tunnels, one line per connection: "vpn-a 203.0.113.10, 203.0.113.11 (BGP log off)".
func listRefs(refs []tunnelRef) string {
	var parts []string
	for _, id := range connsOf(refs) {
		var ips []string
		for _, r := range refs {
			if r.conn.ID == id {
				ips = append(ips, strings.TrimSpace(r.ip+" "+r.note))
			}
		}
		parts = append(parts, id+" "+strings.Join(ips, ", "))
	}
	return strings.Join(parts, "\n")
}

// printVPN writes the vpn section: a table of the tunnels, then the findings.
func (d *doctorRun) printVPN(out io.Writer, checks []setupCheck) error {
	var b strings.Builder
	tunnels := 0
	for _, c := range d.report.Connections {
		tunnels += len(c.Tunnels)
	}
	fmt.Fprintf(&b, "\n%s (%s, %s; health from the last %s of logs)\n", sectionTitles[sectionVPN],
		count(len(d.report.Connections), "connection", "connections"), count(tunnels, "tunnel", "tunnels"), health.FormatDuration(doctorLookback))
	rows := [][]string{{"CONNECTION", "TUNNEL", "LOGS", "FORMAT", "LOG GROUP", "HEALTH"}}
	for _, c := range d.report.Connections {
		label := c.ID
		if c.Name != "" {
			label += " (" + c.Name + ")"
		}
		for i, t := range c.Tunnels {
			if i > 0 {
				label = ""
			}
			rows = append(rows, append([]string{label, t.OutsideIPAddress}, tunnelColumns(t)...))
		}
	}
	if tunnels > 0 {
		writeTable(&b, rows, "  ")
	}
	if _, err := io.WriteString(out, b.String()); err != nil {
		return err
	}
	return writeCheckLines(out, checks, nil)
}

// tunnelColumns are a tunnel's LOGS, FORMAT, LOG GROUP and HEALTH columns.
func tunnelColumns(t doctorTunnel) []string {
	logs := "off"
	switch tl, bl := t.TunnelLog.Enabled, t.BGPLog.Enabled; {
	case tl && bl:
		logs = "tunnel+BGP"
	case tl:
		logs = "tunnel"
	case bl:
		logs = "BGP"
	}
	var formats, groups []string
	for _, l := range []doctorLog{t.TunnelLog, t.BGPLog} {
		if !l.Enabled {
			continue
		}
		if !slices.Contains(formats, l.OutputFormat) {
			formats = append(formats, l.OutputFormat)
		}
		name := l.LogGroupARN
		if a, err := logdelivery.ParseLogGroupARN(l.LogGroupARN); err == nil {
			name = a.Name
		}
		if l.LogGroupExists != nil && !*l.LogGroupExists {
			name += " (missing)"
		}
		if !slices.Contains(groups, name) {
			groups = append(groups, name)
		}
	}
	healthCol := "-"
	switch h := t.Health; {
	case h != nil && h.Error != "":
		healthCol = "not read"
	case h != nil && (h.Diagnosis == nil || h.Diagnosis.Code != logparse.CodeLoggingDisabled):
		healthCol = h.Status
		if h.Status != logparse.HealthHealthy && h.Diagnosis != nil {
			healthCol += ": " + h.Diagnosis.Code
		}
	case t.Telemetry != nil:
		healthCol = t.Telemetry.Status + " (telemetry)"
	}
	return []string{logs, orDash(optStr(strings.Join(formats, "/"))), orDash(optStr(strings.Join(groups, ", "))), healthCol}
}

// writeTable writes rows with columns padded to their widest cell, each line indented.
func writeTable(b *strings.Builder, rows [][]string, indent string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], len(cell))
		}
	}
	for _, r := range rows {
		line := indent
		for i, cell := range r {
			if i == len(r)-1 {
				line += cell
			} else {
				line += fmt.Sprintf("%-*s  ", widths[i], cell)
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
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
		l.note = fmt.Sprintf("%s is not in this account and region (%s, %s)", a.Name, accountOr(c.AccountID), c.Region)
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

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

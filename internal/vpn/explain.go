package vpn

import (
	"fmt"
	"sort"
	"strings"
)

// The wording of this file is shared by the provider and the setup tool: what a tunnel change interrupts, and what a
// missing connection or tunnel means. Each adapter passes the words of its own vocabulary.

// TunnelChange is a planned change of one tunnel's logging.
type TunnelChange struct {
	ConnectionID string
	OutsideIP    string
	From, To     Logging
}

// Action words what the change does, as a gerund phrase: "enabling logging", "turning off logging" or
// "changing logging".
func (c TunnelChange) Action() string {
	switch {
	case !c.From.Activity.Enabled && !c.From.BGP.Enabled:
		return "enabling logging"
	case !c.To.Activity.Enabled && !c.To.BGP.Enabled:
		return "turning off logging"
	}
	return "changing logging"
}

// SummaryInterruption is the summary of DescribeInterruption's text.
const SummaryInterruption = "Tunnel interruption"

// DescribeInterruption words what changing the tunnels' logging interrupts. subject starts the sentence that counts
// them when there are several ("This plan", "This change"). Tunnels are listed by connection and outside IP address,
// each once; it returns "" for no change.
func DescribeInterruption(changes []TunnelChange, subject string) string {
	byConn := map[string][]TunnelChange{}
	seen := map[string]bool{}
	for _, c := range changes {
		id := TunnelID(c.ConnectionID, c.OutsideIP)
		if seen[id] {
			continue
		}
		seen[id] = true
		byConn[c.ConnectionID] = append(byConn[c.ConnectionID], c)
	}
	if len(seen) == 0 {
		return ""
	}
	if len(seen) == 1 {
		for _, cs := range byConn {
			c := cs[0]
			return fmt.Sprintf("%s on tunnel %s of %s: AWS interrupts connectivity over this tunnel for up to several minutes while "+
				"the change is applied. The connection's other tunnel is not changed at the same time.",
				capitalize(c.Action()), c.OutsideIP, c.ConnectionID)
		}
	}
	conns := make([]string, 0, len(byConn))
	for id := range byConn {
		conns = append(conns, id)
	}
	sort.Strings(conns)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s interrupts %d tunnels of %d VPN %s, one at a time per connection: AWS interrupts connectivity over "+
		"each tunnel for up to several minutes while its logging changes, and the connection's other tunnel keeps carrying "+
		"traffic meanwhile.\n", subject, len(seen), len(conns), pluralWord(len(conns), "connection", "connections"))
	for _, id := range conns {
		cs := byConn[id]
		sort.Slice(cs, func(i, j int) bool { return ipLess(cs[i].OutsideIP, cs[j].OutsideIP) })
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s (%s)", c.OutsideIP, c.Action()))
		}
		fmt.Fprintf(&sb, "\n  %s: %s", id, strings.Join(parts, ", "))
	}
	return sb.String()
}

// Explain words the error for users: what was not found and what to check. region is the region the caller looked
// in and regionSetting names, in the caller's vocabulary, where that region comes from ("the provider's region",
// "--region (or AWS_REGION)"); c is the connection when it exists, so that its tunnels can be listed.
func (e *NotFoundError) Explain(c *Connection, region, regionSetting string) string {
	switch {
	case e.OutsideIP != "":
		s := e.Error() + "."
		if c != nil && len(c.Tunnels) > 0 {
			s += " Its tunnels are " + strings.Join(c.OutsideIPs(), " and ") + "."
		}
		return s
	case e.State != "":
		return e.Error() + ", so its tunnels cannot deliver logs."
	}
	return fmt.Sprintf("VPN connection %s does not exist in %s. Check the ID, and that %s (%s) is the connection's region.",
		e.ConnectionID, region, regionSetting, region)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

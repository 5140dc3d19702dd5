package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// connectionSelection is how every command that reads or changes connections (doctor, enable, disable, health,
// generate) chooses them: --vpn-connection-id (repeatable or comma-separated), --tag KEY=VALUE (repeatable; every tag
// must match), both (connections matching both), or --all (every connection of the region that is not being
// deleted); --tunnel narrows a single connection to some of its tunnels. It holds those flags' rules in one place.
type connectionSelection struct {
	ids     []string
	tags    []string
	all     bool
	tunnels []string
	// readAll: the command only reads, and no selection means every connection (doctor, health, generate). Commands
	// that change tunnels never default to the whole region: they need --all.
	readAll bool
}

// addFlags declares the selection flags; verb names what the command does to them in the help ("read", "check").
func (s *connectionSelection) addFlags(fl *pflag.FlagSet, verb string) {
	def := ""
	if s.readAll {
		def = " (default: every connection of the region)"
	}
	fl.StringSliceVar(&s.ids, "vpn-connection-id", nil, verb+" these VPN connections (vpn-...; repeatable or comma-separated)"+def)
	fl.StringArrayVar(&s.tags, "tag", nil, verb+" the connections with this tag, KEY=VALUE (repeatable: every tag must match)")
	fl.BoolVar(&s.all, "all", false, verb+" every VPN connection of the region")
	fl.StringSliceVar(&s.tunnels, "tunnel", nil, "only the tunnel with this outside IP address (repeatable), of a single --vpn-connection-id")
	requireNonEmpty(fl, "vpn-connection-id", "tag", "tunnel")
}

// validate checks the flags together, before any AWS call.
func (s *connectionSelection) validate() error {
	if _, err := parseTagFlags(s.tags); err != nil {
		return err
	}
	switch {
	case s.all && (len(s.ids) > 0 || len(s.tags) > 0):
		return errors.New("--all selects every connection: leave out --vpn-connection-id and --tag")
	case !s.all && !s.readAll && len(s.ids) == 0 && len(s.tags) == 0:
		return errors.New("choose the connections: --vpn-connection-id (repeatable), --tag KEY=VALUE (repeatable) or --all")
	}
	for _, id := range s.ids {
		if err := vpn.CheckConnectionID(id); err != nil {
			return fmt.Errorf("--vpn-connection-id %w", err)
		}
	}
	if len(s.tunnels) > 0 {
		if _, one := s.single(); !one {
			return errors.New("--tunnel picks tunnels of one connection: give exactly one --vpn-connection-id, and no --tag or --all")
		}
		for _, ip := range s.tunnels {
			if err := vpn.CheckOutsideIP(ip); err != nil {
				return fmt.Errorf("--tunnel: %w", err)
			}
		}
	}
	return nil
}

// single is the one connection ID given, when exactly one is given and nothing else.
func (s *connectionSelection) single() (string, bool) {
	if ids := s.uniqueIDs(); len(ids) == 1 && len(s.tags) == 0 && !s.all {
		return ids[0], true
	}
	return "", false
}

func (s *connectionSelection) uniqueIDs() []string {
	var out []string
	for _, id := range s.ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// connections returns the selected connections, sorted by ID, with only the --tunnel tunnels when given. An ID or a
// tunnel that does not exist, or a connection being deleted, is an error naming the flag, worded by
// vpn.NotFoundError.Explain (which names the region, where the connection may be). No match is not an error here:
// see emptyError.
func (s *connectionSelection) connections(ctx context.Context, svc *vpn.Service, region string) ([]vpn.Connection, error) {
	tags, err := parseTagFlags(s.tags)
	if err != nil {
		return nil, err
	}
	ids := s.uniqueIDs()
	conns, err := svc.List(ctx, vpn.Filter{IDs: ids, Tags: tags})
	var nf *vpn.NotFoundError
	if errors.As(err, &nf) {
		return nil, &notFoundFlag{flag: "--vpn-connection-id", err: nf, text: nf.Explain(nil, region, regionSetting)}
	}
	if err != nil {
		return nil, fmt.Errorf("listing VPN connections: %w", err)
	}
	// List leaves out connections being deleted; an ID given for one is an error, not an empty answer.
	for _, id := range ids {
		if len(tags) == 0 && !slices.ContainsFunc(conns, func(c vpn.Connection) bool { return c.ID == id }) {
			if _, err := svc.Get(ctx, id); errors.As(err, &nf) {
				return nil, &notFoundFlag{flag: "--vpn-connection-id", err: nf, text: nf.Explain(nil, region, regionSetting)}
			} else if err != nil {
				return nil, fmt.Errorf("reading VPN connection %s: %w", id, err)
			}
		}
	}
	if len(s.tunnels) == 0 || len(conns) != 1 {
		return conns, nil
	}
	c := conns[0]
	var picked []vpn.Tunnel
	for _, ip := range s.tunnels {
		t, ok := c.Tunnel(ip)
		if !ok {
			nf := &vpn.NotFoundError{ConnectionID: c.ID, OutsideIP: ip}
			return nil, &notFoundFlag{flag: "--tunnel", err: nf, text: nf.Explain(&c, region, regionSetting)}
		}
		if !slices.ContainsFunc(picked, func(p vpn.Tunnel) bool { return p.OutsideIP == t.OutsideIP }) {
			picked = append(picked, *t)
		}
	}
	c.Tunnels = picked
	return []vpn.Connection{c}, nil
}

// notFoundFlag is a selection that names a connection or tunnel that does not exist: the flag and vpn's explanation.
type notFoundFlag struct {
	flag, text string
	err        *vpn.NotFoundError
}

func (e *notFoundFlag) Error() string { return e.flag + ": " + e.text }
func (e *notFoundFlag) Unwrap() error { return e.err }

// emptyError is the error of a selection that matched no connection.
func (s *connectionSelection) emptyError(region string) error {
	if s.all || (len(s.ids) == 0 && len(s.tags) == 0) {
		return fmt.Errorf("there is no VPN connection in %s (check %s)", region, regionSetting)
	}
	return fmt.Errorf("no VPN connection in %s matches %s", region, s.String())
}

// String is the selection as flags, for messages and for commands the CLI suggests: "--tag env=prod", "--all".
func (s *connectionSelection) String() string {
	var parts []string
	if ids := s.uniqueIDs(); len(ids) > 0 {
		parts = append(parts, "--vpn-connection-id "+strings.Join(ids, ","))
	}
	for _, kv := range s.tags {
		parts = append(parts, "--tag "+shellQuote(kv))
	}
	for _, ip := range s.tunnels {
		parts = append(parts, "--tunnel "+ip)
	}
	if len(parts) == 0 {
		return "--all"
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but letters, digits and -_.,:/=@+.
func shellQuote(s string) string {
	plain := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/=@+", r)
	}
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// parseTagFlags reads --tag KEY=VALUE values.
func parseTagFlags(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	tags := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--tag %q: want KEY=VALUE, e.g. --tag env=prod", kv)
		}
		if old, dup := tags[k]; dup && old != v {
			return nil, fmt.Errorf("--tag: %s is given twice (%q and %q); a connection has one value per tag", k, old, v)
		}
		tags[k] = v
	}
	return tags, nil
}

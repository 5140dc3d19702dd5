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

// connectionSelection is how a command chooses the VPN connections it works on: --vpn-connection-id (repeatable or
// comma-separated), --tag KEY=VALUE (repeatable; every tag must match), both (connections matching both), or --all
// (every connection of the region that is not being deleted). It holds those flags' rules in one place, for every
// command that reads a fleet.
type connectionSelection struct {
	ids  []string
	tags []string
	all  bool
}

// addFlags declares the selection flags; what names the command's object in the help ("read", "check").
func (s *connectionSelection) addFlags(fl *pflag.FlagSet, what string) {
	fl.StringSliceVar(&s.ids, "vpn-connection-id", nil, what+" these VPN connections (vpn-...; repeatable or comma-separated)")
	fl.StringArrayVar(&s.tags, "tag", nil, what+" the connections with this tag, KEY=VALUE (repeatable: every tag must match)")
	fl.BoolVar(&s.all, "all", false, what+" every VPN connection of the region")
}

// validate checks the flags together, before any AWS call.
func (s *connectionSelection) validate() error {
	if _, err := parseTagFlags(s.tags); err != nil {
		return err
	}
	switch {
	case s.all && (len(s.ids) > 0 || len(s.tags) > 0):
		return errors.New("--all reads every connection: leave out --vpn-connection-id and --tag")
	case !s.all && len(s.ids) == 0 && len(s.tags) == 0:
		return errors.New("choose the connections: --vpn-connection-id (repeatable), --tag KEY=VALUE (repeatable) or --all")
	}
	for _, id := range s.ids {
		if !vpn.ConnectionIDPattern.MatchString(id) {
			return fmt.Errorf("--vpn-connection-id %q is not a VPN connection ID such as vpn-0123456789abcdef0", id)
		}
	}
	return nil
}

// single is the one connection ID given, when exactly one is given and nothing else.
func (s *connectionSelection) single() (string, bool) {
	if len(s.ids) == 1 && len(s.tags) == 0 && !s.all {
		return s.ids[0], true
	}
	return "", false
}

// connections returns the selected connections, sorted by ID. An ID that does not exist, or whose connection is
// being deleted, is an error naming the flag (and the region, where the connection may be).
func (s *connectionSelection) connections(ctx context.Context, svc *vpn.Service, region string) ([]vpn.Connection, error) {
	tags, err := parseTagFlags(s.tags)
	if err != nil {
		return nil, err
	}
	conns, err := svc.List(ctx, vpn.Filter{IDs: s.ids, Tags: tags})
	if errors.Is(err, vpn.ErrNotFound) {
		return nil, fmt.Errorf("--vpn-connection-id: %w (check the ID and the region, %s)", err, region)
	}
	if err != nil {
		return nil, fmt.Errorf("listing VPN connections: %w", err)
	}
	// List leaves out connections being deleted; an ID given for one is an error, not an empty answer.
	for _, id := range s.ids {
		if !slices.ContainsFunc(conns, func(c vpn.Connection) bool { return c.ID == id }) && len(tags) == 0 {
			if _, err := svc.Get(ctx, id); err != nil {
				return nil, fmt.Errorf("--vpn-connection-id: %w (check the ID and the region, %s)", err, region)
			}
		}
	}
	return conns, nil
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

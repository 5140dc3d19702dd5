package cli

import (
	"io"
	"os"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// Option adjusts the command tree NewRootCommand builds. The defaults are what users get; tests use options to point
// a run at their own sandbox and to shorten waits, so that CLI tests need no process-wide state and run in parallel.
type Option func(*settings)

// settings are what options set.
type settings struct {
	// awsConfig adjusts the AWS configuration after the global flags have set it.
	awsConfig func(*awsconfig.Config)
	// vpn tunes the VPN service of the commands that change tunnels (the waiters' polling).
	vpn vpn.Options
	// heartbeat is how often progress says that AWS is still applying a change.
	heartbeat time.Duration
	// terminal, when set, overrides the detection of a terminal on standard error (live progress lines).
	terminal *bool
	// getenv reads the environment (NO_COLOR, TERM).
	getenv func(string) string
	// interrupts, when set, replaces SIGINT and SIGTERM for the commands that listen for them while they change
	// tunnels.
	interrupts <-chan os.Signal
	// stdin, when set, replaces the process's standard input (health --file -).
	stdin io.Reader
}

// defaultHeartbeat is how often a "still waiting" line is printed while AWS applies a change (minutes per tunnel).
const defaultHeartbeat = 30 * time.Second

func newSettings(opts []Option) settings {
	s := settings{heartbeat: defaultHeartbeat, getenv: os.Getenv}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// WithAWSConfig adjusts the AWS configuration of every command after the global flags have set it (tests: static
// credentials and the sandbox's endpoint without touching the environment).
func WithAWSConfig(f func(*awsconfig.Config)) Option {
	return func(s *settings) { s.awsConfig = f }
}

// WithVPNOptions tunes the VPN service of enable and disable (tests: faster polling).
func WithVPNOptions(o vpn.Options) Option {
	return func(s *settings) { s.vpn = o }
}

// WithHeartbeat sets how often progress reports that AWS is still applying a change.
func WithHeartbeat(d time.Duration) Option {
	return func(s *settings) { s.heartbeat = d }
}

// WithTerminal decides whether standard error is a terminal (live progress lines) instead of detecting it.
func WithTerminal(on bool) Option {
	return func(s *settings) { s.terminal = &on }
}

// WithEnv replaces the environment lookups of the output (NO_COLOR, TERM).
func WithEnv(getenv func(string) string) Option {
	return func(s *settings) { s.getenv = getenv }
}

// WithInterrupts delivers interruptions (Ctrl-C) to enable and disable from ch instead of the process's SIGINT and
// SIGTERM.
func WithInterrupts(ch <-chan os.Signal) Option {
	return func(s *settings) { s.interrupts = ch }
}

// WithStdin gives the commands that read the standard input (health --file -) r instead of the process's.
func WithStdin(r io.Reader) Option {
	return func(s *settings) { s.stdin = r }
}

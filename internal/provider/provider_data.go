package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/awsconfig"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/logdelivery"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/vpn"
)

// providerData is what Configure hands to every resource and data source: the AWS clients and the run-scoped
// domain services built on them. Terraform runs one provider process per plan or apply walk, so everything in
// it is shared by all resources planned or applied in one run: that is how reads are coalesced and plan-time
// checks aggregate across resources.
type providerData struct {
	clients *awsconfig.Clients
	vpn     *vpn.Service
	// health shares the health data sources' CloudWatch Logs reads: one read per log group and window.
	health *health.Session

	// policy are the settings of the plan-time resource-policy budget check.
	policy budgetSettings
	// preflightPermissions enables the plan-time IAM simulation.
	preflightPermissions bool

	// Run-scoped state of the plan-time checks (see plan_run.go and plan_check_*.go).
	plan      *planRun
	budget    budgetState
	preflight preflightState
	// groups looks log groups up, once per group and run.
	groups *logdelivery.GroupLookup
}

// budgetSettings are the provider's settings of the resource-policy budget check.
type budgetSettings struct {
	// limit is the account-level resource policy limit, in characters (resource_policy_size_limit).
	limit int
	// model is the resource-policy model setting (resource_policy_model).
	model logdelivery.Model
}

// Option configures the provider that New builds.
type Option func(*options)

type options struct {
	vpn                     vpn.Options
	planSettle, planMaxWait time.Duration
}

// WithVPNOptions sets the options of the run's VPN service (tests shorten the poller's cadence to match the
// sandbox's short modification delay). The provider's own poll-tick logging is kept unless o sets OnPollTick.
func WithVPNOptions(o vpn.Options) Option {
	return func(s *options) { s.vpn = o }
}

// withPlanTiming sets how long a plan's verdict waits for the run to settle (plan_run.go; tests).
func withPlanTiming(settle, maxWait time.Duration) Option {
	return func(s *options) { s.planSettle, s.planMaxWait = settle, maxWait }
}

func newProviderData(c *awsconfig.Clients, budget budgetSettings, preflight bool, opts ...Option) *providerData {
	o := options{planSettle: planSettle, planMaxWait: planMaxWait}
	for _, f := range opts {
		f(&o)
	}
	if o.vpn.OnPollTick == nil {
		o.vpn.OnPollTick = logPollTick
	}
	d := &providerData{
		clients:              c,
		vpn:                  vpn.NewService(c.EC2, o.vpn),
		health:               (&health.Reader{Logs: c.Logs}).NewSession(),
		policy:               budget,
		preflightPermissions: preflight,
		groups:               logdelivery.NewGroupLookup(c.Logs, 25*time.Millisecond),
	}
	d.plan = newPlanRun(o.planSettle, o.planMaxWait, d.giveVerdict)
	return d
}

// logPollTick logs one tick of the VPN service's shared poller: how many connections one DescribeVpnConnections
// asked for on behalf of how many waiting tunnels.
func logPollTick(ctx context.Context, t vpn.PollTick) {
	fields := map[string]any{
		"poll_tick": t.N, "vpn_connection_count": len(t.Connections), "waiters": t.Waiters, "describe_calls": t.Calls,
		"interval_ms": t.Interval.Milliseconds(), "modify_estimate_ms": t.Estimate.Milliseconds(),
	}
	if t.Err != nil {
		fields["error"] = t.Err.Error()
	}
	tflog.Debug(ctx, "polled EC2 VPN connections", fields)
}

// scope is the partition, region and account the provider works in, as logdelivery states scopes.
func (d *providerData) scope() logdelivery.Scope { return logdelivery.ScopeOf(d.clients) }

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
)

type sandboxFlags struct {
	listen              string
	allowRemote         bool
	accountID           string
	modifyDelay         time.Duration
	pendingDelay        time.Duration
	policySizeLimit     int
	vendedLogsThreshold float64
	deliveryPolicyModel string
	callerARN           string
	denyActions         []string
	explicitDenyActions []string
	throttleRate        float64
	errorRate           float64
	latency             time.Duration
	requestLog          string
	scenario            string
	seedDemo            bool
	noRateLimits        bool
	trafficInterval     time.Duration
	seed                int64
	quotas              map[string]int
	output              outputFlag
}

// sandboxSchemaVersion is the version of the sandbox's JSON line (docs/cli/sandbox.schema.json).
const sandboxSchemaVersion = 1

// sandboxReport is what the sandbox prints when it is ready, with --output json: one line, so that a script reads it
// without waiting for the sandbox to stop.
type sandboxReport struct {
	SchemaVersion       int               `json:"schema_version"`
	Endpoint            string            `json:"endpoint"`
	Region              string            `json:"region"`
	AccountID           string            `json:"account_id"`
	CallerARN           string            `json:"caller_arn"`
	DeliveryPolicyModel string            `json:"delivery_policy_model"`
	Environment         map[string]string `json:"environment"`
	StatsURL            string            `json:"stats_url"`
	DemoFleet           *sandboxDemoFleet `json:"demo_fleet"`
}

type sandboxDemoFleet struct {
	VPNGatewayID   string           `json:"vpn_gateway_id"`
	RoleARN        string           `json:"role_arn"`
	LogGroups      []string         `json:"log_groups"`
	VPNConnections []sandboxDemoVPN `json:"vpn_connections"`
}

type sandboxDemoVPN struct {
	ID                string              `json:"id"`
	Name              string              `json:"name"`
	Env               string              `json:"env"`
	CustomerGatewayID string              `json:"customer_gateway_id"`
	CustomerGatewayIP string              `json:"customer_gateway_ip"`
	BGPASN            int64               `json:"bgp_asn"`
	Tunnels           []sandboxDemoTunnel `json:"tunnels"`
}

type sandboxDemoTunnel struct {
	OutsideIPAddress string `json:"outside_ip_address"`
	InsideCIDR       string `json:"inside_cidr"`
	Scenario         string `json:"scenario"`
}

func demoFleetOf(d sandbox.DemoFleet) *sandboxDemoFleet {
	f := &sandboxDemoFleet{VPNGatewayID: d.VpnGatewayID, RoleARN: d.RoleARN, LogGroups: nonNilSlice(d.LogGroups), VPNConnections: []sandboxDemoVPN{}}
	for _, v := range d.VPNConnections {
		dv := sandboxDemoVPN{ID: v.ID, Name: v.Name, Env: v.Env, CustomerGatewayID: v.CustomerGatewayID, CustomerGatewayIP: v.CustomerGatewayIP,
			BGPASN: v.BGPASN, Tunnels: []sandboxDemoTunnel{}}
		for _, t := range v.Tunnels {
			dv.Tunnels = append(dv.Tunnels, sandboxDemoTunnel{OutsideIPAddress: t.OutsideIPAddress, InsideCIDR: t.InsideCIDR, Scenario: t.Scenario})
		}
		f.VPNConnections = append(f.VPNConnections, dv)
	}
	return f
}

func newSandboxCommand(g *globalOptions) *cobra.Command {
	f := &sandboxFlags{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local AWS-compatible server (EC2 VPN, CloudWatch Logs, STS, IAM) for offline testing",
		Long: `sandbox runs a local server that speaks the AWS wire protocols of EC2 (VPN connections),
CloudWatch Logs, STS and IAM on one port, so the AWS CLI, the AWS SDKs and terraform with this
provider work against it unchanged. It accepts any credentials.

Tunnels with logging enabled get log events from a scenario: set the tag vpnlogs:scenario (both
tunnels) or vpnlogs:scenario:<outside-ip> (one tunnel) on the VPN connection. Scenarios: ` +
			strings.Join(sandbox.Scenarios(), ", ") + `.

The region is the global --region (default: AWS_REGION, else us-east-1). Admin endpoints:
GET /_sandbox/health, GET /_sandbox/stats, POST /_sandbox/reset-stats, GET /_sandbox/requests,
GET|POST /_sandbox/faults, POST /_sandbox/deny, POST /_sandbox/caller.

Limits, so that clients cannot exhaust it: a request must arrive within ` + sandbox.DefaultReadTimeout.String() + ` (idle
connections close after ` + sandbox.DefaultIdleTimeout.String() + `); a request body may hold at most ` + mib(sandbox.DefaultMaxBodyBytes) + `
(413 RequestEntityTooLarge in the service's error shape), and the bodies held in memory at
once total at most ` + mib(sandbox.DefaultBodyMemoryBytes) + ` however many clients send (beyond that, requests wait, then
get the service's throttling error).

With --output json, the sandbox prints one line when it is ready: a JSON object with its endpoint,
region, account, caller, the environment to export and the demo fleet (docs/cli/sandbox.schema.json,
schema_version ` + fmt.Sprint(sandboxSchemaVersion) + `).

Exit status (the table of terraform-provider-vpnlogs --help): 0 after a clean stop (Ctrl-C or
SIGTERM); 1 on a usage error or when it cannot listen.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), g, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:4599", "address to listen on (loopback unless --allow-remote)")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow a --listen address other than loopback")
	fl.StringVar(&f.accountID, "account-id", "123456789012", "AWS account id of the sandbox")
	fl.DurationVar(&f.modifyDelay, "modify-delay", 2*time.Second, "how long a VPN connection stays \"modifying\" after ModifyVpnTunnelOptions")
	fl.DurationVar(&f.pendingDelay, "pending-delay", time.Second, "how long a new VPN connection stays \"pending\" (and a deleted one \"deleting\")")
	fl.IntVar(&f.policySizeLimit, "policy-size-limit", 5120, "CloudWatch Logs account-level resource policy size limit (characters)")
	fl.Float64Var(&f.vendedLogsThreshold, "vendedlogs-threshold", 0.8, "fraction of the policy size limit at which log delivery adds the /aws/vendedlogs/* grant")
	fl.StringVar(&f.deliveryPolicyModel, "delivery-policy-model", cwlogs.DeliveryModelAccount, "where enabling log delivery grants write access: \"account\" (the account-level policy "+
		cwlogs.DeliveryPolicyName+" grows) or \"log-group\" (each log group's own resource policy, up to 51,200 bytes, unless an account-level wildcard covers it)")
	fl.StringVar(&f.callerARN, "caller-arn", "", "identity of the caller (default arn:aws:sts::ACCOUNT:assumed-role/vpnlogs-sandbox/sandbox-session)")
	fl.StringSliceVar(&f.denyActions, "deny-actions", nil, "actions denied to the caller (implicit deny), e.g. logs:DescribeResourcePolicies,iam:*")
	fl.StringSliceVar(&f.explicitDenyActions, "explicit-deny-actions", nil, "actions denied to the caller by an explicit Deny")
	fl.Float64Var(&f.throttleRate, "throttle-rate", 0, "fraction of AWS requests answered with the service's throttling error (0..1)")
	fl.Float64Var(&f.errorRate, "error-rate", 0, "fraction of AWS requests answered with a 5xx error (0..1)")
	fl.DurationVar(&f.latency, "latency", 0, "latency added to every AWS request")
	fl.StringVar(&f.requestLog, "request-log", "", "append one JSON line per AWS request to this file (\"-\": stderr)")
	fl.StringVar(&f.scenario, "scenario", sandbox.ScenarioHealthy, "log scenario of tunnels without a vpnlogs:scenario tag")
	fl.BoolVar(&f.seedDemo, "seed-demo", false, "create the demo fleet at start: 3 VPN connections (vpn-0123456789abcdef0, …ef1, …ef2), their gateways, an IAM role and 2 log groups, with the same ids and addresses whatever --seed")
	fl.BoolVar(&f.noRateLimits, "no-rate-limits", false, "do not enforce AWS's request-rate limits")
	fl.DurationVar(&f.trafficInterval, "traffic-interval", 30*time.Second, "how often fresh log events are written for tunnels with logging enabled (0: history only)")
	fl.Int64Var(&f.seed, "seed", 0, "seed of ids, addresses, faults and log traffic (same seed, same run)")
	f.output.add(fl, outputText, "text or json (one line when ready)")
	fl.StringToIntVar(&f.quotas, "quota", nil, "raise or lower a Site-to-Site VPN quota, NAME=VALUE (repeatable; AWS's defaults: "+quotaDefaults()+")")
	return cmd
}

// quotaDefaults lists the quotas --quota accepts with AWS's defaults: "name=value, ...".
func quotaDefaults() string {
	d := sandbox.DefaultQuotas()
	var parts []string
	for _, name := range slices.Sorted(maps.Keys(d)) {
		parts = append(parts, fmt.Sprintf("%s=%d", name, d[name]))
	}
	return strings.Join(parts, ", ")
}

// sandboxRegion: the global --region, then the environment, then us-east-1.
func sandboxRegion(g *globalOptions) string {
	for _, r := range []string{g.region, os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION")} {
		if r != "" {
			return r
		}
	}
	return "us-east-1"
}

// checkListen refuses non-loopback addresses unless allowed: the sandbox accepts any credentials and
// hands out pre-shared keys in clear text.
func checkListen(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w (want host:port, e.g. 127.0.0.1:4599)", addr, err)
	}
	if allowRemote || host == "" || host == "localhost" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--listen %s is not a loopback address: the sandbox accepts any credentials and returns "+
		"VPN pre-shared keys in clear text, so anyone who can reach it can read and change everything in it. "+
		"Listen on 127.0.0.1, or pass --allow-remote if you mean to expose it", addr)
}

func (f *sandboxFlags) validate() error {
	var errs []error
	if err := f.output.check(); err != nil {
		errs = append(errs, err)
	}
	if !sandbox.ValidScenario(f.scenario) {
		errs = append(errs, fmt.Errorf("--scenario %q is not a scenario; choose one of %s", f.scenario, strings.Join(sandbox.Scenarios(), ", ")))
	}
	if !cwlogs.ValidDeliveryPolicyModel(f.deliveryPolicyModel) {
		errs = append(errs, fmt.Errorf("--delivery-policy-model %q is not a model; choose one of %s", f.deliveryPolicyModel, strings.Join(cwlogs.DeliveryPolicyModels(), ", ")))
	}
	for name, v := range map[string]float64{"--throttle-rate": f.throttleRate, "--error-rate": f.errorRate, "--vendedlogs-threshold": f.vendedLogsThreshold} {
		if v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("%s %v must be between 0 and 1", name, v))
		}
	}
	for name, v := range map[string]time.Duration{"--modify-delay": f.modifyDelay, "--pending-delay": f.pendingDelay, "--latency": f.latency, "--traffic-interval": f.trafficInterval} {
		if v < 0 {
			errs = append(errs, fmt.Errorf("%s %v must not be negative", name, v))
		}
	}
	if f.policySizeLimit < 1 {
		errs = append(errs, fmt.Errorf("--policy-size-limit %d must be positive", f.policySizeLimit))
	}
	if err := sandbox.ValidateQuotas(f.quotas); err != nil {
		errs = append(errs, fmt.Errorf("--quota: %w", err))
	}
	if len(f.accountID) != 12 || strings.Trim(f.accountID, "0123456789") != "" {
		errs = append(errs, fmt.Errorf("--account-id %q must be 12 digits", f.accountID))
	}
	if f.callerARN != "" {
		if err := sandbox.CheckCallerARN(f.callerARN); err != nil {
			errs = append(errs, fmt.Errorf("--caller-arn: %w", err))
		}
	}
	for _, list := range []struct {
		flag    string
		actions []string
	}{{"--deny-actions", f.denyActions}, {"--explicit-deny-actions", f.explicitDenyActions}} {
		for _, a := range list.actions {
			if err := sandbox.CheckActionPattern(a); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", list.flag, err))
			}
		}
	}
	return errors.Join(errs...)
}

// mib renders a byte count in MiB for the help.
func mib(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

func runSandbox(ctx context.Context, stdout, stderr io.Writer, g *globalOptions, f *sandboxFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	if err := checkListen(f.listen, f.allowRemote); err != nil {
		return err
	}
	var requestLog io.Writer
	switch f.requestLog {
	case "":
	case "-":
		requestLog = stderr
	default:
		file, err := os.OpenFile(f.requestLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--request-log: %w", err)
		}
		defer file.Close()
		requestLog = file
	}
	region := sandboxRegion(g)
	// Stop on SIGINT/SIGTERM (or when the caller's context ends); registered before serving, so a
	// signal that arrives once the endpoint is printed always shuts down cleanly.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := sandbox.New(sandbox.Options{
		Region: region, AccountID: f.accountID, ModifyDelay: f.modifyDelay, PendingDelay: f.pendingDelay,
		PolicySizeLimit: f.policySizeLimit, VendedLogsThreshold: f.vendedLogsThreshold, DeliveryPolicyModel: f.deliveryPolicyModel, CallerARN: f.callerARN,
		DenyActions: f.denyActions, ExplicitDenyActions: f.explicitDenyActions,
		ThrottleRate: f.throttleRate, ErrorRate: f.errorRate, Latency: f.latency, RateLimits: !f.noRateLimits,
		RequestLog: requestLog, Scenario: f.scenario, SeedDemo: f.seedDemo, TrafficInterval: f.trafficInterval, Seed: f.seed,
		Quotas: f.quotas,
	})
	if err := srv.Start(f.listen); err != nil {
		_ = srv.Close()
		return err
	}
	url := srv.URL()
	opts := srv.Options()
	if f.output.json() {
		rep := sandboxReport{SchemaVersion: sandboxSchemaVersion, Endpoint: url, Region: region, AccountID: opts.AccountID, CallerARN: opts.CallerARN,
			DeliveryPolicyModel: opts.DeliveryPolicyModel, StatsURL: url + "/_sandbox/stats", Environment: map[string]string{
				"AWS_ENDPOINT_URL": url, "AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_ACCESS_KEY_ID": "test",
				"AWS_SECRET_ACCESS_KEY": "test", "AWS_EC2_METADATA_DISABLED": "true",
			}}
		if f.seedDemo {
			rep.DemoFleet = demoFleetOf(srv.Demo())
		}
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printSandboxStart(stdout, url, region, opts, f.seedDemo, srv)
	}

	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("sandbox shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "sandbox stopped")
	return nil
}

// printSandboxStart is the text the sandbox prints when it is ready.
func printSandboxStart(stdout io.Writer, url, region string, opts sandbox.Options, seedDemo bool, srv *sandbox.Server) {
	fmt.Fprintf(stdout, "vpnlogs sandbox listening on %s (region %s, account %s, delivery policy model %s)\n\n", url, region, opts.AccountID, opts.DeliveryPolicyModel)
	// AWS_DEFAULT_REGION too: the AWS CLI v1 reads only that one.
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL=%s\nexport AWS_REGION=%s\nexport AWS_DEFAULT_REGION=%s\n"+
		"export AWS_ACCESS_KEY_ID=test\nexport AWS_SECRET_ACCESS_KEY=test\nexport AWS_EC2_METADATA_DISABLED=true\n\n", url, region, region)
	fmt.Fprintf(stdout, "caller: %s\n", opts.CallerARN)
	if seedDemo {
		fmt.Fprintf(stdout, "\ndemo fleet (logging not enabled yet):\n%s", srv.Demo())
	}
	fmt.Fprintf(stdout, "\nrequest counts: %s/_sandbox/stats — stop with Ctrl-C\n", url)
}

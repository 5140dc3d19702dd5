package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/awsapi"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/cwlogs"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/ec2"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/iam"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox/sts"
)

// maxHeaderBytes bounds a request's headers (AWS requests carry a few hundred bytes of them).
const maxHeaderBytes = 64 << 10

// Options configure a Server. The zero value is usable: every field has a default.
type Options struct {
	Region    string // default us-east-1
	AccountID string // default 123456789012

	// ModifyDelay is how long a VPN connection stays "modifying" after ModifyVpnTunnelOptions
	// (AWS: "several minutes"; default 2s). PendingDelay is how long a new connection stays
	// "pending", and a deleted one "deleting" (default 1s).
	ModifyDelay, PendingDelay time.Duration

	// PolicySizeLimit is the CloudWatch Logs account-level resource policy size limit in characters
	// (default 5120). VendedLogsThreshold is the fraction of it at which log delivery switches to a
	// /aws/vendedlogs/* grant (0: the cwlogs default).
	PolicySizeLimit     int
	VendedLogsThreshold float64
	// DeliveryPolicyModel is where log delivery grants itself write access to a log group:
	// cwlogs.DeliveryModelAccount (default: the account-level policy grows) or
	// cwlogs.DeliveryModelLogGroup (each group's own policy); see cwlogs.EnableDelivery.
	DeliveryPolicyModel string

	// CallerARN is the identity of requests signed with any access key not issued by AssumeRole.
	// Default: arn:aws:sts::ACCOUNT:assumed-role/vpnlogs-sandbox/sandbox-session; the role
	// vpnlogs-sandbox (path "/") exists.
	CallerARN string

	// DenyActions / ExplicitDenyActions ("service:Action", IAM wildcards allowed) fail with the
	// service's access-denied error and simulate as implicitDeny / explicitDeny.
	DenyActions, ExplicitDenyActions []string

	ThrottleRate, ErrorRate float64       // fractions of AWS requests that fail (see Faults)
	Latency                 time.Duration // added to every AWS request
	RateLimits              bool          // enforce AWS's documented request-rate buckets

	// Quotas overrides AWS's default Site-to-Site VPN quotas, by name (see QuotaVPNConnectionsPerRegion and the
	// others); absent names keep the default.
	Quotas map[string]int

	RequestLog io.Writer // one JSON line per AWS request; nil: none

	// Scenario is the default log scenario of tunnels without a vpnlogs:scenario tag (default
	// "healthy"; see Scenarios). TrafficInterval > 0 appends fresh log events that often.
	Scenario        string
	TrafficInterval time.Duration

	SeedDemo bool  // create a demo fleet at start (see Demo)
	Seed     int64 // seeds ids, addresses, faults and log traffic: same seed, same run

	// The sandbox is a server users run, so its resources are bounded whatever clients send.
	// ReadTimeout bounds reading one request, headers and body (default 30s): a client that trickles a body
	// cannot hold a connection. IdleTimeout closes idle keep-alive connections (default 2m).
	ReadTimeout, IdleTimeout time.Duration
	// MaxBodyBytes bounds one request body (default 2 MiB; the largest AWS request the sandbox serves, a full
	// PutLogEvents batch, is 1 MiB of events). A larger body is refused as soon as its length is known, or once
	// that many bytes were read, with 413 RequestEntityTooLarge in the service's error shape.
	// BodyMemoryBytes bounds the request bodies held in memory at once, all requests together (default 32 MiB):
	// a request that would exceed it waits for room until ReadTimeout, then gets the service's throttling error.
	// The sandbox's memory for request bodies is therefore at most BodyMemoryBytes, however many clients send.
	MaxBodyBytes, BodyMemoryBytes int64

	Now func() time.Time // clock; default time.Now
}

func (o Options) withDefaults() Options {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "123456789012"
	}
	if o.ModifyDelay == 0 {
		o.ModifyDelay = 2 * time.Second
	}
	if o.PendingDelay == 0 {
		o.PendingDelay = time.Second
	}
	if o.PolicySizeLimit == 0 {
		o.PolicySizeLimit = 5120
	}
	if o.DeliveryPolicyModel == "" {
		o.DeliveryPolicyModel = cwlogs.DeliveryModelAccount
	}
	if o.CallerARN == "" {
		o.CallerARN = "arn:" + awsapi.Partition(o.Region) + ":sts::" + o.AccountID + ":assumed-role/" + defaultRoleName + "/sandbox-session"
	}
	if o.Scenario == "" {
		o.Scenario = ScenarioHealthy
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.BodyMemoryBytes == 0 {
		o.BodyMemoryBytes = DefaultBodyMemoryBytes
	}
	o.BodyMemoryBytes = max(o.BodyMemoryBytes, o.MaxBodyBytes+1)
	return o
}

// Defaults of the request limits (see Options).
const (
	DefaultReadTimeout     = 30 * time.Second
	DefaultIdleTimeout     = 2 * time.Minute
	DefaultMaxBodyBytes    = 2 << 20
	DefaultBodyMemoryBytes = 32 << 20
)

// defaultRoleName is the role behind the default caller.
const defaultRoleName = "vpnlogs-sandbox"

// Server is the sandbox. Create it with New; serve it with Start or mount Handler.
type Server struct {
	opts Options
	logs *cwlogs.Service // has its own lock

	faults         *faultInjector
	rec            *recorder
	minServiceTime time.Duration       // see defaultMinServiceTime
	bodyMemory     *semaphore.Weighted // Options.BodyMemoryBytes

	// mu guards what follows, the EC2, IAM and STS models included: they are not safe for concurrent use.
	mu        sync.Mutex
	rnd       *rand.Rand // ids, addresses, credentials: seeded, shared by the models
	callerARN string
	ec2       *ec2.Service
	iam       *iam.Service
	sts       *sts.Service
	demo      DemoFleet

	httpSrv   *http.Server
	listener  net.Listener
	stop      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New builds a Server from opts (defaults filled in). If opts.SeedDemo is set it creates the demo
// fleet; if opts.TrafficInterval > 0 it starts the traffic goroutine, which Close stops.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts: opts,
		logs: cwlogs.New(cwlogs.Options{
			Region: opts.Region, AccountID: opts.AccountID, Now: opts.Now,
			PolicySizeLimit: opts.PolicySizeLimit, VendedLogsThreshold: opts.VendedLogsThreshold,
			DeliveryPolicyModel: opts.DeliveryPolicyModel, RateLimits: opts.RateLimits,
		}),
		faults:         newFaultInjector(Faults{ThrottleRate: opts.ThrottleRate, ErrorRate: opts.ErrorRate, Latency: opts.Latency}, opts.Seed, opts.RateLimits, opts.Now),
		rec:            newRecorder(opts.RequestLog),
		minServiceTime: defaultMinServiceTime,
		bodyMemory:     semaphore.NewWeighted(opts.BodyMemoryBytes),
		rnd:            rand.New(rand.NewPCG(uint64(opts.Seed), 0x7a11_5eed)),
		callerARN:      opts.CallerARN,
		stop:           make(chan struct{}),
	}
	s.iam = iam.New(iam.Options{
		Partition: awsapi.Partition(opts.Region), AccountID: opts.AccountID, Now: opts.Now,
		DenyActions: opts.DenyActions, ExplicitDenyActions: opts.ExplicitDenyActions,
	})
	s.sts = sts.New(sts.Options{IAM: s.iam, Rand: s.rnd, Now: opts.Now})
	s.ec2 = ec2.New(ec2.Options{
		Now: opts.Now, Rand: s.rnd, PendingDelay: opts.PendingDelay, ModifyDelay: opts.ModifyDelay, Quotas: opts.Quotas,
		Logs: s.logs, Allowed: s.iam.Allowed, Status: s.tunnelStatus,
	})
	s.iam.AddRole(defaultRoleName, "/")
	s.iam.RegisterPrincipalOf(s.callerARN)
	if opts.SeedDemo {
		s.seedDemo()
	}
	if opts.TrafficInterval > 0 {
		s.wg.Add(1)
		go s.trafficLoop(opts.TrafficInterval)
	}
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

func (s *Server) partition() string { return awsapi.Partition(s.opts.Region) }

// Options returns the effective options (defaults filled in).
func (s *Server) Options() Options { return s.opts }

// Start listens on addr and serves in the background. An empty addr or host means loopback
// ("127.0.0.1:0" picks a free port); the sandbox binds other interfaces only when told to.
func (s *Server) Start(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if addr == "" {
		host, port, err = "", "0", nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: listen address %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("sandbox: already started")
	}
	s.listener = ln
	s.httpSrv = &http.Server{
		Handler: s, ReadHeaderTimeout: min(10*time.Second, s.opts.ReadTimeout), ReadTimeout: s.opts.ReadTimeout,
		IdleTimeout: s.opts.IdleTimeout, MaxHeaderBytes: maxHeaderBytes,
	}
	srv := s.httpSrv
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = srv.Serve(ln)
	}()
	return nil
}

// URL is the endpoint to give clients (AWS_ENDPOINT_URL), e.g. http://127.0.0.1:4599. Empty before
// Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// Handler is the sandbox as an http.Handler, for mounting in httptest or another server.
func (s *Server) Handler() http.Handler { return s }

// Shutdown stops the traffic goroutine and gracefully stops serving, waiting for in-flight requests
// until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		s.mu.Lock()
		srv := s.httpSrv
		s.mu.Unlock()
		if srv != nil {
			if err = srv.Shutdown(ctx); err != nil {
				_ = srv.Close()
			}
		}
		s.wg.Wait()
	})
	return err
}

// Close stops the sandbox, giving in-flight requests a few seconds.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// Logs is the CloudWatch Logs model, for seeding and inspection. Pending delivery work (log streams
// and history of tunnels whose modification completed) is done first.
func (s *Server) Logs() *cwlogs.Service {
	s.mu.Lock()
	s.settleLocked()
	s.mu.Unlock()
	return s.logs
}

// Stats counts AWS requests per service and action, failed and throttled ones included.
func (s *Server) Stats() map[string]map[string]int { return s.rec.stats() }

// ResetStats clears the counts and the request history.
func (s *Server) ResetStats() { s.rec.reset() }

// Requests returns the most recent AWS requests (up to 10000), oldest first.
func (s *Server) Requests() []RequestRecord { return s.rec.requests() }

// SetFaults changes the injected faults at runtime.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

package logfile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/acctest"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/health"
	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// The same events give the same health, diagnosis included, read live from CloudWatch Logs or from the files they
// are saved to: a connection's two tunnels log (each its own scenario) to the sandbox, the health package reads
// each tunnel live, then the events are saved in each form health --file reads (the aws logs JSON printed by the
// real AWS CLI, event lines, an S3 export) and read back.
func TestLiveAndFilesAgree(t *testing.T) {
	t.Parallel()
	awsCLI, _ := exec.LookPath("aws")
	pairs := []struct{ first, second, format string }{
		{sandbox.ScenarioRecovered, sandbox.ScenarioPSKMismatch, "json"},
		{sandbox.ScenarioBGPFlap, sandbox.ScenarioRouteDenied, "json"},
		{sandbox.ScenarioDPDTimeout, sandbox.ScenarioBGPPrefixLimit, "json"},
		{sandbox.ScenarioHealthy, sandbox.ScenarioTSUnacceptable, "text"},
		{sandbox.ScenarioIdleDown, sandbox.ScenarioPhase2ProposalMismatch, "text"},
	}
	for _, p := range pairs {
		t.Run(p.first+"+"+p.second+"/"+p.format, func(t *testing.T) {
			t.Parallel()
			c := newLiveConnection(t, p.format, p.first, p.second)
			lookback := 2 * time.Hour
			opts := Options{Now: c.now, Window: health.RecencyWindow(lookback)}
			live := map[Tunnel]*health.Result{}
			for _, ip := range c.ips {
				res, err := (&health.Reader{Logs: c.logs, Now: func() time.Time { return c.now }}).Read(context.Background(), health.Request{
					VPNConnectionID: c.id, OutsideIP: ip, TunnelLogGroup: c.arn, BGPLogGroup: c.arn, Lookback: lookback, Mode: health.ModeFilter,
				})
				if err != nil {
					t.Fatal(err)
				}
				if res.EventsRead == 0 || res.Diagnosis == nil && res.Status != "healthy" {
					t.Fatalf("live read of %s: %d events, %s %q", ip, res.EventsRead, res.Status, res.StatusReason)
				}
				live[Tunnel{VPNConnectionID: c.id, OutsideIP: netip.MustParseAddr(ip)}] = res
			}
			start, end := c.now.Add(-lookback), c.now
			dir := t.TempDir()
			forms := map[string][]string{
				"S3 export": {c.export(t, filepath.Join(dir, "export"), start, end)},
			}
			if p.format == "text" { // text lines name their tunnel: the whole group's lines in one file
				forms["event lines"] = []string{c.eventLines(t, dir, start, end, "")}
				forms["event lines, gzip"] = []string{c.gzipLines(t, dir, start, end)}
			}
			var getLogEvents []string // per stream: the tunnels' activity and BGP streams
			if awsCLI != "" {
				forms["aws logs filter-log-events"] = []string{c.cliFilter(t, awsCLI, dir, start, end)}
				getLogEvents = c.cliGet(t, awsCLI, dir, start, end)
			} else {
				t.Log("aws (the AWS CLI) is not on PATH: the forms it prints are checked by scripts/sandbox-awscli-test.sh only")
			}
			for form, paths := range forms {
				// These forms tell the tunnels apart: by stream name, or by the names text lines carry.
				res, err := Analyze(context.Background(), paths, opts)
				c.check(t, form, res, err, live, !strings.HasPrefix(form, "event lines"))
				for k := range live {
					o := opts
					o.Tunnel = k
					res, err := Analyze(context.Background(), paths, o)
					c.check(t, form+" with --tunnel", res, err, map[Tunnel]*health.Result{k: live[k]}, !strings.HasPrefix(form, "event lines"))
				}
			}
			// JSON event lines name no tunnel in the activity log: a tunnel's lines (a subscription or export of its
			// streams), with --tunnel.
			for k := range live {
				o := opts
				o.Tunnel = k
				res, err := Analyze(context.Background(), []string{c.eventLines(t, dir, start, end, k.IP())}, o)
				c.check(t, "event lines of the tunnel with --tunnel", res, err, map[Tunnel]*health.Result{k: live[k]}, false)
			}
			// get-log-events reads one stream and prints no stream name: a tunnel's two streams, with --tunnel.
			for i, ip := range getLogEventsIPs(c, getLogEvents) {
				k := Tunnel{VPNConnectionID: c.id, OutsideIP: netip.MustParseAddr(ip)}
				o := opts
				o.Tunnel = k
				res, err := Analyze(context.Background(), getLogEvents[2*i:2*i+2], o)
				c.check(t, "aws logs get-log-events with --tunnel", res, err, map[Tunnel]*health.Result{k: live[k]}, false)
			}
		})
	}
}

// liveConnection is a sandbox VPN connection whose two tunnels log to one group.
type liveConnection struct {
	srv        *sandbox.Server
	logs       *cloudwatchlogs.Client
	id, arn    string
	group      string
	ips        []string
	streams    []string // the tunnels' activity and BGP streams
	now        time.Time
	cliEnviron []string
}

func newLiveConnection(t *testing.T, format string, scenarios ...string) *liveConnection {
	t.Helper()
	srv := acctest.StartSandbox(t, nil)
	id, ips := acctest.CreateVPNConnection(t, srv, nil)
	var tags []ec2types.Tag
	for i, ip := range ips {
		tags = append(tags, ec2types.Tag{Key: aws.String(sandbox.ScenarioTunnelPrefix + ip), Value: aws.String(scenarios[i])})
	}
	if _, err := acctest.EC2(srv).CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: []string{id}, Tags: tags}); err != nil {
		t.Fatal(err)
	}
	group := "/aws/vendedlogs/vpn/" + id
	arn := acctest.CreateLogGroup(t, srv, group)
	c := &liveConnection{srv: srv, logs: acctest.Logs(srv), id: id, arn: arn, group: group, ips: ips}
	for _, ip := range ips {
		if err := srv.SetTunnelLogOptionsOutOfBand(id, ip, sandbox.TunnelLogOptions{
			LogEnabled: true, LogGroupARN: arn, LogOutputFormat: format, BGPLogEnabled: true, BGPLogGroupARN: arn, BGPLogOutputFormat: format,
		}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Logs() // the streams and their history are written
	info, _ := srv.VPNConnection(id)
	for _, tu := range info.Tunnels {
		c.streams = append(c.streams, tu.ActivityStream, tu.BGPStream)
	}
	c.now = time.Now().UTC().Truncate(time.Millisecond)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			c.cliEnviron = append(c.cliEnviron, kv)
		}
	}
	c.cliEnviron = append(c.cliEnviron, "AWS_ENDPOINT_URL="+srv.URL(), "AWS_ACCESS_KEY_ID="+acctest.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+acctest.SecretKey, "AWS_DEFAULT_REGION="+acctest.Region, "AWS_REGION="+acctest.Region,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=2")
	return c
}

// check compares what the files gave with the live reads: the same health, diagnosis included, for each tunnel,
// and the tunnel's streams when the form names them.
func (c *liveConnection) check(t *testing.T, form string, res *Result, err error, live map[Tunnel]*health.Result, streams bool) {
	t.Helper()
	if err == nil {
		err = res.Err()
	}
	if err != nil {
		t.Fatalf("%s: %v", form, err)
	}
	if len(res.Tunnels) != len(live) {
		t.Fatalf("%s: %d tunnels, want %d", form, len(res.Tunnels), len(live))
	}
	for _, th := range res.Tunnels {
		want, ok := live[th.Tunnel]
		if !ok {
			t.Errorf("%s: tunnel %v is not one of the connection's", form, th.Tunnel)
			continue
		}
		if !reflect.DeepEqual(th.Health, want.Health) {
			g, _ := json.Marshal(th.Health)
			w, _ := json.Marshal(want.Health)
			t.Errorf("%s, tunnel %v:\n got %s\nlive %s", form, th.Tunnel, g, w)
		}
		if streams && !reflect.DeepEqual(th.Streams, want.Groups[0].Streams) {
			t.Errorf("%s, tunnel %v: streams %v, live %v", form, th.Tunnel, th.Streams, want.Groups[0].Streams)
		}
	}
}

// events are the group's events in [start, end], in the order FilterLogEvents returns them.
func (c *liveConnection) events(t *testing.T, start, end time.Time) []types.FilteredLogEvent {
	t.Helper()
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c.logs, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(c.group), StartTime: aws.Int64(start.UnixMilli()), EndTime: aws.Int64(end.UnixMilli()),
	})
	var out []types.FilteredLogEvent
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Events...)
	}
	return out
}

// lines are the messages of the events, one per line: of the tunnel with this outside address, or all.
func (c *liveConnection) lines(t *testing.T, start, end time.Time, ip string) []byte {
	var b bytes.Buffer
	for _, e := range c.events(t, start, end) {
		if ip == "" || strings.Contains(aws.ToString(e.LogStreamName), ip) {
			b.WriteString(aws.ToString(e.Message) + "\n")
		}
	}
	return b.Bytes()
}

func (c *liveConnection) eventLines(t *testing.T, dir string, start, end time.Time, ip string) string {
	path := filepath.Join(dir, "events-"+ip+".log")
	if err := os.WriteFile(path, c.lines(t, start, end, ip), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func (c *liveConnection) gzipLines(t *testing.T, dir string, start, end time.Time) string {
	path := filepath.Join(dir, "events.log.gz")
	if err := os.WriteFile(path, gzipped(c.lines(t, start, end, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// export writes the group's streams as CloudWatch Logs exports them to S3 (docs/design/aws-behaviour.md §6):
// <prefix>/<task id>/<stream>/000000.gz, ..., each a gzip of "<ISO 8601 timestamp> <message>" lines, objects of at
// most 50 events here; and the write test at the prefix.
func (c *liveConnection) export(t *testing.T, prefix string, start, end time.Time) string {
	t.Helper()
	task := filepath.Join(prefix, "4f1c2a3b-0d9e-4c8b-a7f6-e5d4c3b2a190")
	if err := os.MkdirAll(task, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefix, "aws-logs-write-test"), []byte("Permission Check Successful"), 0o644); err != nil {
		t.Fatal(err)
	}
	byStream := map[string][]types.FilteredLogEvent{}
	for _, e := range c.events(t, start, end) {
		byStream[aws.ToString(e.LogStreamName)] = append(byStream[aws.ToString(e.LogStreamName)], e)
	}
	for stream, evs := range byStream {
		for obj := 0; obj*50 < len(evs); obj++ {
			var b bytes.Buffer
			for _, e := range evs[obj*50 : min(len(evs), (obj+1)*50)] {
				fmt.Fprintf(&b, "%s %s\n", time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC().Format("2006-01-02T15:04:05.000Z"), aws.ToString(e.Message))
			}
			path := filepath.Join(task, stream, fmt.Sprintf("%06d.gz", obj))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, gzipped(b.Bytes()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return prefix
}

// aws runs the AWS CLI against the sandbox and returns its output.
func (c *liveConnection) aws(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, append(args, "--output", "json")...)
	cmd.Env = c.cliEnviron
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// cliFilter saves what `aws logs filter-log-events` prints for the window, page after page (--max-items and
// --starting-token), the pages one after the other in one file.
func (c *liveConnection) cliFilter(t *testing.T, bin, dir string, start, end time.Time) string {
	t.Helper()
	var all bytes.Buffer
	args := []string{"logs", "filter-log-events", "--log-group-name", c.group, "--log-stream-name-prefix", c.id,
		"--start-time", fmt.Sprint(start.UnixMilli()), "--end-time", fmt.Sprint(end.UnixMilli()), "--max-items", "60"}
	for token, pages := "", 0; ; pages++ {
		a := args
		if token != "" {
			a = append(a, "--starting-token", token)
		}
		out := c.aws(t, bin, a...)
		all.Write(out)
		var page struct{ NextToken string }
		if err := json.Unmarshal(out, &page); err != nil {
			t.Fatalf("filter-log-events printed no JSON: %v", err)
		}
		if token = page.NextToken; token == "" {
			if pages == 0 {
				t.Fatal("filter-log-events printed one page: the test wants several")
			}
			break
		}
	}
	path := filepath.Join(dir, "filter-log-events.json")
	if err := os.WriteFile(path, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// cliGet saves what `aws logs get-log-events` prints for each stream of the window, page after page (--next-token
// with the forward token until it comes back unchanged), one file per stream.
func (c *liveConnection) cliGet(t *testing.T, bin, dir string, start, end time.Time) []string {
	t.Helper()
	var paths []string
	for i, stream := range c.streams {
		var all bytes.Buffer
		args := []string{"logs", "get-log-events", "--log-group-name", c.group, "--log-stream-name", stream, "--start-from-head",
			"--start-time", fmt.Sprint(start.UnixMilli()), "--end-time", fmt.Sprint(end.UnixMilli() + 1), "--limit", "120"}
		for token := ""; ; {
			a := args
			if token != "" {
				a = append(a, "--next-token", token)
			}
			out := c.aws(t, bin, a...)
			var page struct {
				NextForwardToken string `json:"nextForwardToken"`
			}
			if err := json.Unmarshal(out, &page); err != nil {
				t.Fatalf("get-log-events printed no JSON: %v", err)
			}
			all.Write(out)
			if page.NextForwardToken == token || page.NextForwardToken == "" {
				break
			}
			token = page.NextForwardToken
		}
		path := filepath.Join(dir, fmt.Sprintf("get-log-events-%d.json", i))
		if err := os.WriteFile(path, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// getLogEventsIPs are the tunnels whose streams cliGet saved, in its order (none without the AWS CLI).
func getLogEventsIPs(c *liveConnection, paths []string) []string {
	if len(paths) == 0 {
		return nil
	}
	return c.ips
}

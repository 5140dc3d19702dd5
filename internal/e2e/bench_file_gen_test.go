package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The generated logs: one tunnel's activity log and BGP log over a few weeks, the way the sandbox renders them
// (docs/design/aws-behaviour.md §5.2, §5.3): a healthy tunnel negotiating CHILD_SAs every few seconds, with an
// outage every 5,000 events (DPD timeout, half-open IKE SAs, then recovery), and a BGP session that flaps with it
// while routes are advertised, updated and withdrawn.

const (
	genVPN      = "vpn-0a1b2c3d4e5f60718"
	genIP       = "203.0.113.10"
	genCGW      = "198.51.100.7"
	genNeighbor = "169.254.10.2"
	// genStep is the time between two events.
	genStep = 2 * time.Second
)

// start is the time of the first event.
var genStart = time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)

// end is the time of the last of n events, the --now of every measured run.
func genEnd(n int) time.Time { return genStart.Add(time.Duration(n-1) * genStep) }

type genTunnelEvent struct{ p1, p2, details string }

// tunnelEventAt is the i-th event of the activity log.
func genTunnelEventAt(i int) genTunnelEvent {
	const period = 5000
	switch k := i % period; {
	case k == period-40:
		return genTunnelEvent{"down", "down", "AWS tunnel DPD timed out after 3 retransmits"}
	case k > period-40 && k < period-6 && k%3 == 0:
		return genTunnelEvent{"negotiating", "down", "AWS tunnel Timeout: deleting un-established Phase 1 IKE_SA with cgw: " + genCGW}
	case k > period-40 && k < period-6:
		return genTunnelEvent{"negotiating", "down", ""}
	case k >= period-6 && k < period-3:
		return genTunnelEvent{"established", "negotiating", fmt.Sprintf("AWS tunnel processed request (id=%d) for CREATE_CHILD_SA", i)}
	}
	id := i / 4
	switch i % 4 {
	case 0:
		return genTunnelEvent{"established", "negotiating", fmt.Sprintf("AWS tunnel processed request (id=%d) for CREATE_CHILD_SA", id)}
	case 1:
		return genTunnelEvent{"established", "established", fmt.Sprintf("AWS tunnel is sending response (id=%d) for CREATE_CHILD_SA", id)}
	case 2:
		return genTunnelEvent{"established", "rekeying", fmt.Sprintf("AWS tunnel is sending request (id=%d) for CREATE_CHILD_SA", id)}
	}
	return genTunnelEvent{"established", "established", fmt.Sprintf("AWS tunnel processed response (id=%d) for CREATE_CHILD_SA", id)}
}

func genReadable(t time.Time) string { return t.Format("2006-01-02 15:04:05.000Z") }

// The records are written as the documentation prints them (docs/design/aws-behaviour.md §5.2, §5.3), keys in its
// order; strconv.Quote is JSON's quoting for the ASCII text they hold.

func genTunnelJSON(i int, at time.Time) []byte {
	e := genTunnelEventAt(i)
	return fmt.Appendf(nil, `{"event_timestamp":%d,"timestamp":%q,"dpd_enabled":true,"nat_t_detected":false,"ike_phase1_state":%q,"ike_phase2_state":%q,"details":%s}`,
		at.Unix(), genReadable(at), e.p1, e.p2, strconv.Quote(e.details))
}

func genTunnelText(i int, at time.Time) []byte {
	e := genTunnelEventAt(i)
	return fmt.Appendf(nil, "%s %s %s ike_phase1_state=%s ike_phase2_state=%s dpd_enabled=true nat_t_detected=false details=%s",
		genReadable(at), genVPN, genIP, e.p1, e.p2, strconv.Quote(e.details))
}

// bgpJSON is the i-th event of the BGP log: route updates, and every 5,000 events a session drop and its return.
func genBGPJSON(i int, at time.Time) []byte {
	head := fmt.Sprintf(`{"resource_id":"%s_%s","event_timestamp":%d,"timestamp":%q`, genVPN, genIP, at.UnixMilli(), genReadable(at))
	status := func(up bool, details string) []byte {
		s := "DOWN"
		if up {
			s = "UP"
		}
		return fmt.Appendf(nil, `%s,"type":"BGPStatus","status":%q,"message":{"details":%s}}`, head, s, strconv.Quote(details))
	}
	switch i % 5000 {
	case 4990:
		return status(false, "AWS-side peer sent a Hold Timer Expired notification to neighbor "+genNeighbor)
	case 4991:
		return status(false, "AWS-side peer BGP session state has changed from Established to Idle with neighbor "+genNeighbor)
	case 4995:
		return status(false, "AWS-side peer BGP session state has changed from Idle to Connect with neighbor "+genNeighbor)
	case 4996:
		return status(false, "AWS-side peer BGP session state has changed from Connect to OpenSent with neighbor "+genNeighbor)
	case 4997:
		return status(false, "AWS-side peer BGP session state has changed from OpenSent to OpenConfirm with neighbor "+genNeighbor)
	case 4998:
		return status(true, "AWS-side peer BGP session state has changed from OpenConfirm to Established with neighbor "+genNeighbor)
	case 4999:
		return status(true, "AWS-side peer sent an End-of-RIB message to neighbor "+genNeighbor)
	}
	return fmt.Appendf(nil, `%s,"type":"RouteStatus","status":%q,"message":{"prefix":"10.%d.%d.0/24","asPath":"65000","localPref":100,"med":100,"nextHopIp":%q,"weight":32768}}`,
		head, [...]string{"ADVERTISED", "UPDATED", "UPDATED", "WITHDRAWN"}[i%4], i%7, i%251, genNeighbor)
}

// output collects what a generator writes in memory and writes it out a megabyte at a time, keeping the first error.
type genOutput struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

// flush writes what was collected: at once when all is true, else when a megabyte is.
func (o *genOutput) flush(all bool) error {
	if o.err == nil && (all || o.buf.Len() >= 1<<20) {
		_, o.err = o.w.Write(o.buf.Bytes())
		o.buf.Reset()
	}
	return o.err
}

// create writes a file with gen, which writes into the output and flushes it as it goes.
func genCreate(path string, gen func(o *genOutput) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	o := &genOutput{w: f}
	if err := gen(o); err != nil {
		f.Close()
		return err
	}
	if err := o.flush(true); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeLines writes n events, one per line.
func genLines(path string, n int, event func(int, time.Time) []byte) error {
	return genCreate(path, func(o *genOutput) error {
		for i := range n {
			o.buf.Write(event(i, genStart.Add(time.Duration(i)*genStep)))
			o.buf.WriteByte('\n')
			if err := o.flush(false); err != nil {
				return err
			}
		}
		return nil
	})
}

// exportObjectEvents is how many events each generated export object holds.
const genExportObjectEvents = 100000

// writeExport writes n tunnel-activity events as a CloudWatch Logs export to S3 lays them out: gzip objects of
// "<ISO 8601 timestamp> <message>" lines under <dir>/<task id>/<stream>/ (docs/design/aws-behaviour.md §6).
func genExport(dir string, n int) error {
	streamDir := filepath.Join(dir, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", genVPN+"-"+genIP)
	if err := os.MkdirAll(streamDir, 0o755); err != nil {
		return err
	}
	for obj := 0; obj*genExportObjectEvents < n; obj++ {
		err := genCreate(filepath.Join(streamDir, fmt.Sprintf("%06d.gz", obj)), func(o *genOutput) error {
			file := o.w
			zw, _ := gzip.NewWriterLevel(file, gzip.DefaultCompression)
			o.w = zw
			for i := obj * genExportObjectEvents; i < min(n, (obj+1)*genExportObjectEvents); i++ {
				at := genStart.Add(time.Duration(i) * genStep)
				o.buf.WriteString(at.Format("2006-01-02T15:04:05.000Z"))
				o.buf.WriteByte(' ')
				o.buf.Write(genTunnelJSON(i, at))
				o.buf.WriteByte('\n')
				if err := o.flush(false); err != nil {
					return err
				}
			}
			if err := o.flush(true); err != nil {
				return err
			}
			o.w = file
			return zw.Close()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// cliPageEvents is the page size of the generated `aws logs filter-log-events` genOutput.
const genCLIPageEvents = 10000

// writeCLI writes n tunnel-activity events as `aws logs filter-log-events` prints them, page after page
// (--max-items and --starting-token, the outputs appended): each page a JSON document indented by four spaces.
func genCLI(path string, n int) error {
	return genCreate(path, func(o *genOutput) error {
		str := func(s string) { b, _ := json.Marshal(s); o.buf.Write(b) }
		for page := 0; page*genCLIPageEvents < n; page++ {
			o.buf.WriteString("{\n    \"events\": [\n")
			last := min(n, (page+1)*genCLIPageEvents)
			for i := page * genCLIPageEvents; i < last; i++ {
				at := genStart.Add(time.Duration(i) * genStep)
				o.buf.WriteString("        {\n            \"logStreamName\": ")
				str(genVPN + "-" + genIP)
				fmt.Fprintf(&o.buf, ",\n            \"timestamp\": %d,\n            \"message\": ", at.UnixMilli())
				str(string(genTunnelJSON(i, at)))
				fmt.Fprintf(&o.buf, ",\n            \"ingestionTime\": %d,\n            \"eventId\": \"%056d\"\n        }", at.UnixMilli()+120, i)
				if i < last-1 {
					o.buf.WriteByte(',')
				}
				o.buf.WriteByte('\n')
				if err := o.flush(false); err != nil {
					return err
				}
			}
			o.buf.WriteString("    ],\n    \"searchedLogStreams\": []")
			if last < n {
				fmt.Fprintf(&o.buf, ",\n    \"NextToken\": \"page-%d\"", page+1)
			}
			o.buf.WriteString("\n}\n")
		}
		return nil
	})
}

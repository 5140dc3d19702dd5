package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// How an apply is interrupted.
const (
	// interruptSIGINT is Ctrl-C: SIGINT to terraform's whole process group, as a terminal sends it. Terraform stops
	// its providers (their contexts are cancelled), waits for them and writes state.
	interruptSIGINT = "SIGINT"
	// interruptSIGKILL kills the provider plugin: nothing it was doing is returned to terraform.
	interruptSIGKILL = "SIGKILL of the plugin"
)

// interruptScenario is an apply of a fleet interrupted once some modifications were accepted, then what follows.
type interruptScenario struct {
	connections   int
	parallelism   int
	modifyDelay   time.Duration
	faults        sandbox.Faults
	kind          string        // interruptSIGINT or interruptSIGKILL
	afterModifies int           // interrupt once AWS accepted this many modifications...
	extraDelay    time.Duration // ...and this much later
	thenApply     bool          // apply again (then destroy); otherwise destroy straight away
	wantPending   bool          // the interrupt is sure to catch accepted changes being waited for
	seed          int64
}

func (sc interruptScenario) String() string {
	then := "destroy"
	if sc.thenApply {
		then = "apply, destroy"
	}
	return fmt.Sprintf("%d tunnels, %s after %d modifications + %v, then %s (seed %d)",
		2*sc.connections, sc.kind, sc.afterModifies, sc.extraDelay, then, sc.seed)
}

// acceptedModifies counts the ModifyVpnTunnelOptions the sandbox accepted.
func acceptedModifies(srv *sandbox.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == "ModifyVpnTunnelOptions" && r.Status == 200 {
			n++
		}
	}
	return n
}

// pluginPIDs are the processes of the built provider binary whose parent is pid (terraform starts the plugin itself).
func pluginPIDs(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat") // "pid (comm) state ppid ..."
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) {
			continue
		}
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && exe == binary {
			out = append(out, child)
		}
	}
	return out
}

// runInterrupted plays sc and asserts, after the interrupted apply and after each step that follows, that state and
// AWS agree, that no tunnel logs outside state (after a killed plugin: only the tunnels it was changing, until the
// next apply adopts them), that the next plan is empty once an apply completed, and that destroy leaves nothing
// logging. The apply after an interruption sends modifies only for tunnels that do not log as planned yet.
func runInterrupted(t testing.TB, sc interruptScenario) {
	t.Helper()
	srv, tunnels, dir := startFleet(t, sc.connections, sc.modifyDelay, sc.seed)
	env := sandboxEnv(srv)
	srv.SetFaults(sc.faults)
	srv.ResetStats()
	parallelism := fmt.Sprintf("-parallelism=%d", sc.parallelism)

	// 1. The interrupted apply.
	out, code := interruptedApply(t, srv, dir, env, sc, parallelism)
	if code == 0 {
		t.Fatalf("%v: the apply was not interrupted (it finished first):\n%s", sc, tail(out, 20))
	}
	if sc.kind == interruptSIGINT {
		mustContain(t, "interrupted apply", out, "Interrupt received")
	}
	if sc.wantPending {
		mustContain(t, "interrupted apply", out, "Warning: Tunnel logging change still in progress", "AWS accepted the change of tunnel")
	}
	outside := checkAgreement(t, srv, dir, "after "+sc.kind, sc.kind == interruptSIGKILL)
	if len(outside) > sc.parallelism {
		t.Errorf("%v: %d tunnels log outside state, more than the %d the plugin could have been changing", sc, len(outside), sc.parallelism)
	}
	inState := len(readState(t, dir))
	t.Logf("%v: %d tunnels in state, %d more logging outside it", sc, inState, len(outside))

	if sc.thenApply {
		// 2. Apply again: tunnels already logging as planned are adopted without a modify.
		already := loggingTunnels(awsLogging(t, srv))
		srv.ResetStats()
		out, code := terraform(t, dir, env, "apply", "-auto-approve", parallelism)
		if code != 0 {
			t.Fatalf("%v: apply after the interruption failed (exit %d):\n%s", sc, code, tail(out, 40))
		}
		if got, want := acceptedModifies(srv), len(tunnels)-already; got != want {
			t.Errorf("%v: the apply after the interruption sent %d modifies; %d tunnels did not log yet", sc, got, want)
		}
		checkAgreement(t, srv, dir, "after the apply that follows "+sc.kind, false)
		if n := len(readState(t, dir)); n != len(tunnels) {
			t.Errorf("%v: %d of %d tunnels in state after the apply", sc, n, len(tunnels))
		}
		checkReplanEmpty(t, dir, env, "after the apply that follows "+sc.kind)
	}

	// 3. Destroy: every tunnel in state stops logging, including those whose create was interrupted.
	srv.SetFaults(sc.faults)
	out, code = terraform(t, dir, env, "destroy", "-auto-approve", parallelism)
	if code != 0 {
		t.Fatalf("%v: destroy failed (exit %d):\n%s", sc, code, tail(out, 40))
	}
	if n := len(readState(t, dir)); n != 0 {
		t.Errorf("%v: %d tunnels left in state after destroy", sc, n)
	}
	if n := loggingTunnels(awsLogging(t, srv)); n != 0 {
		t.Errorf("%v: %d tunnels still log after destroy", sc, n)
	}
}

// interruptedApply starts terraform apply and interrupts it as sc says; it returns terraform's output and exit code.
func interruptedApply(t testing.TB, srv *sandbox.Server, dir string, env []string, sc interruptScenario, parallelism string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := terraformCmd(ctx, t, dir, env, "apply", "-auto-approve", parallelism)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its own group, as a shell job
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	interrupted := false
	for !interrupted {
		select {
		case err := <-done:
			code := exitCode(t, err)
			return out.String(), code
		case <-time.After(5 * time.Millisecond):
		}
		if acceptedModifies(srv) < sc.afterModifies {
			continue
		}
		time.Sleep(sc.extraDelay)
		switch sc.kind {
		case interruptSIGINT:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			interrupted = true
		case interruptSIGKILL:
			for _, pid := range pluginPIDs(cmd.Process.Pid) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				interrupted = true
			}
		}
	}
	code := exitCode(t, <-done) // before reading the output: terraform writes until it exits
	return out.String(), code
}

func exitCode(t testing.TB, err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("terraform: %v", err)
	return -1
}

// syncBuffer is a bytes.Buffer safe for terraform's stdout and stderr writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An apply interrupted by Ctrl-C records every tunnel AWS accepted a change for, so destroy right after turns all
// of them off; an apply whose plugin is killed loses the tunnels it was changing, and the next apply adopts them
// without a modify. (make soak plays many more interruptions, under faults.)
func TestBinary_interruptedApply(t *testing.T) {
	t.Parallel()
	for _, sc := range []interruptScenario{
		// 4 creates start at once; 300ms after 3 were accepted, they are all waiting for their connections.
		{kind: interruptSIGINT, afterModifies: 3, extraDelay: 300 * time.Millisecond, wantPending: true},
		{kind: interruptSIGKILL, afterModifies: 3, extraDelay: 300 * time.Millisecond, thenApply: true},
	} {
		sc.connections, sc.parallelism, sc.modifyDelay, sc.seed = 4, 4, time.Second, 1
		t.Run(sc.kind, func(t *testing.T) {
			t.Parallel()
			runInterrupted(t, sc)
		})
	}
}

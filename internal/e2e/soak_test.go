//go:build soak

package e2e

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpnlogs/terraform-provider-vpnlogs/internal/sandbox"
)

// soakFaults are the faults of every soak scenario: EC2 throttling, server errors and latency, as in issue 11.
var soakFaults = sandbox.Faults{ThrottleRate: 0.2, ErrorRate: 0.05, Latency: 50 * time.Millisecond}

// soakSeeds are the seeds of SOAK_SEEDS (space-separated), default 1 to 5.
func soakSeeds(t *testing.T) []int64 {
	fields := strings.Fields(os.Getenv("SOAK_SEEDS"))
	if len(fields) == 0 {
		fields = []string{"1", "2", "3", "4", "5"}
	}
	var seeds []int64
	for _, f := range fields {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("SOAK_SEEDS: %q is not a number", f)
		}
		seeds = append(seeds, n)
	}
	return seeds
}

// TestSoak (make soak) runs issue 11's fleet apply under faults, then, for each seed, interrupted applies of a
// 20-tunnel fleet under the same faults: a random interruption (SIGINT of terraform or SIGKILL of the plugin, after a
// random number of accepted modifications plus a random delay) followed by apply and destroy, and a SIGINT followed
// by destroy straight away. After each step, state and AWS agree, no tunnel logs outside state (after a killed
// plugin, only the tunnels it was changing, until the next apply), and the plan is empty once an apply completed.
func TestSoak(t *testing.T) {
	t.Run("fleet apply", func(t *testing.T) {
		r := runFleetApply(t, defaultFleet)
		t.Log("\n" + r.String())
		// Correctness only: the time ratio is make bench-fleet's to judge, on a machine not shared with other work.
		checkFleet(t, r, false)
		out, code := terraform(t, r.dir, r.env, "destroy", "-auto-approve", "-parallelism=10")
		if code != 0 {
			t.Fatalf("destroy after the fleet apply failed (exit %d):\n%s", code, tail(out, 40))
		}
		if n := loggingTunnels(awsLogging(t, r.srv)); n != 0 {
			t.Errorf("%d tunnels still log after destroy", n)
		}
	})
	for _, seed := range soakSeeds(t) {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x50a4))
		base := interruptScenario{connections: 10, parallelism: 10, modifyDelay: 2 * time.Second, faults: soakFaults, seed: seed}
		random := base
		random.kind = []string{interruptSIGINT, interruptSIGKILL}[rng.IntN(2)]
		random.afterModifies = 1 + rng.IntN(12)
		random.extraDelay = time.Duration(rng.IntN(1500)) * time.Millisecond
		random.thenApply = true
		ctrlC := base
		ctrlC.kind = interruptSIGINT
		ctrlC.afterModifies = 1 + rng.IntN(12)
		ctrlC.extraDelay = time.Duration(rng.IntN(1500)) * time.Millisecond
		for _, sc := range []interruptScenario{random, ctrlC} {
			t.Run(sc.String(), func(t *testing.T) { runInterrupted(t, sc) })
		}
	}
}

package rsm

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// run decodes a normalized scenario and runs it with a trace.
func run(t *testing.T, scenario string) *RunResult {
	t.Helper()
	out, err := runErr(scenario)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out
}

func runErr(scenario string) (*RunResult, error) {
	sc, err := ParseScenario([]byte(scenario))
	if err != nil {
		return nil, err
	}
	return RunScenario(sc, true)
}

// state describes node's trace state after step as "applied:key=hex,...",
// or "down"; keys are shown quoted.
func state(t *testing.T, out *RunResult, step, node int) string {
	t.Helper()
	h := out.Trace[step].States[node-1]
	if h == nil {
		return "down"
	}
	b, err := hex.DecodeString(*h)
	if err != nil {
		t.Fatal(err)
	}
	hdr, pairs, err := DecodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, p := range pairs {
		parts = append(parts, fmt.Sprintf("%s=%x", p.Key, p.Value))
	}
	return fmt.Sprintf("%d:%s", hdr.LastIncludedIndex, strings.Join(parts, ","))
}

func expectStates(t *testing.T, out *RunResult, step int, want ...string) {
	t.Helper()
	for i, w := range want {
		if got := state(t, out, step, i+1); got != w {
			t.Errorf("step %d node %d: state %s, want %s", step, i+1, got, w)
		}
	}
}

func TestMajority(t *testing.T) {
	// R-CLUSTER-5
	want := map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4, 255: 128}
	for n, m := range want {
		c := NewCluster(n, 1)
		if c.Majority() != m {
			t.Errorf("N=%d: majority %d, want %d", n, c.Majority(), m)
		}
	}
}

// The example of section 6, with its expected snapshots.
func TestSpecExample(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]}`)
	both := "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c"
	want := []SnapshotRecord{{3, 3, ""}, {5, 1, both}, {5, 2, both}, {5, 3, both}}
	if len(out.Snapshots) != len(want) {
		t.Fatalf("%d snapshots", len(out.Snapshots))
	}
	for i, w := range want {
		g := out.Snapshots[i]
		if g.Step != w.Step || g.Node != w.Node || (w.Hex != "" && g.Hex != w.Hex) {
			t.Errorf("snapshot %d = %+v, want %+v", i, g, w)
		}
	}
	expectStates(t, out, 3, "2:a=31,b=00ff", "2:a=31,b=00ff", "1:a=31")
	// R-PROTO-7: one trace entry per step, snapshot steps included.
	if len(out.Trace) != 6 {
		t.Fatalf("%d trace entries, want 6", len(out.Trace))
	}
}

// R-CLUSTER-5 with even N: 2 of 4 is not a majority.
func TestEvenClusterNeedsStrictMajority(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":4,"leader":1},"steps":[
		{"op":"partition","nodes":[3,4]},
		{"op":"put","key":"a","value":"01"},
		{"op":"partition","nodes":[4]},
		{"op":"snapshot","nodes":[1]}]}`)
	expectStates(t, out, 1, "0:", "0:", "0:", "0:")
	// Node 3 rejoins and restores a majority of 3: the commit completes in
	// that step's round, and the rejoined node applies it there too.
	expectStates(t, out, 2, "1:a=01", "1:a=01", "1:a=01", "0:")

	out = run(t, `{"cluster":{"nodes":2,"leader":2},"steps":[
		{"op":"partition","nodes":[1]},
		{"op":"put","key":"a","value":"01"},
		{"op":"snapshot","nodes":[2]}]}`)
	expectStates(t, out, 1, "0:", "0:")
}

// A leader left in a minority commits nothing; heal restores the majority.
func TestLeaderMinority(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":2},"steps":[
		{"op":"partition","nodes":[1,3]},
		{"op":"put","key":"a","value":"01"},
		{"op":"put","key":"b","value":"02"},
		{"op":"heal"},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	expectStates(t, out, 2, "0:", "0:", "0:")
	expectStates(t, out, 3, "2:a=01,b=02", "2:a=01,b=02", "2:a=01,b=02")
}

// R-CRASH-3, R-COMMIT-1: a down follower keeps its log, and the log counts.
func TestCrashedLogCountsForCommit(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":5,"leader":1},"steps":[
		{"op":"partition","nodes":[3,4,5]},
		{"op":"put","key":"a","value":"01"},
		{"op":"crash","node":2},
		{"op":"partition","nodes":[4,5]},
		{"op":"snapshot","nodes":[1,3]}]}`)
	expectStates(t, out, 1, "0:", "0:", "0:", "0:", "0:")
	expectStates(t, out, 2, "0:", "down", "0:", "0:", "0:")
	// Leader, down node 2 and rejoined node 3 hold entry 1: 3 of 5.
	expectStates(t, out, 3, "1:a=01", "down", "1:a=01", "0:", "0:")
}

// A follower isolated while holding an entry still counts for it, and keeps
// its own commit index and store frozen (R-COMMIT-1, R-COMMIT-3).
func TestCommitCompletesWhileHolderIsolated(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":5,"leader":1},"steps":[
		{"op":"partition","nodes":[3,4,5]},
		{"op":"put","key":"a","value":"01"},
		{"op":"partition","nodes":[2,4,5]},
		{"op":"put","key":"b","value":"02"},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	expectStates(t, out, 2, "1:a=01", "0:", "1:a=01", "0:", "0:")
	// Entry 2 is held by 1 and 3 only: not committed.
	expectStates(t, out, 3, "1:a=01", "0:", "1:a=01", "0:", "0:")
}

// R-RESTART-2: a restart inside P stays empty until it leaves P; outside P it
// rejoins at once.
func TestRestart(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"01"},
		{"op":"crash","node":3},
		{"op":"partition","nodes":[3]},
		{"op":"restart","node":3},
		{"op":"put","key":"b","value":"02"},
		{"op":"partition","nodes":[]},
		{"op":"crash","node":2},
		{"op":"put","key":"c","value":"03"},
		{"op":"restart","node":2},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	expectStates(t, out, 1, "1:a=01", "1:a=01", "down")
	expectStates(t, out, 2, "1:a=01", "1:a=01", "down")
	expectStates(t, out, 3, "1:a=01", "1:a=01", "0:")
	expectStates(t, out, 4, "2:a=01,b=02", "2:a=01,b=02", "0:")
	expectStates(t, out, 5, "2:a=01,b=02", "2:a=01,b=02", "2:a=01,b=02")
	expectStates(t, out, 7, "3:a=01,b=02,c=03", "down", "3:a=01,b=02,c=03")
	expectStates(t, out, 8, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "3:a=01,b=02,c=03")
}

// R-HEAL-1: heal lifts P and restarts down nodes, which rejoin. A down node
// listed in P is restarted and freed by heal too.
func TestHeal(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":4,"leader":1},"steps":[
		{"op":"crash","node":2},
		{"op":"partition","nodes":[2,3]},
		{"op":"put","key":"a","value":"01"},
		{"op":"heal"},
		{"op":"heal"},
		{"op":"snapshot","nodes":[1,2,3,4]}]}`)
	expectStates(t, out, 2, "0:", "down", "0:", "0:")
	expectStates(t, out, 3, "1:a=01", "1:a=01", "1:a=01", "1:a=01")
	expectStates(t, out, 4, "1:a=01", "1:a=01", "1:a=01", "1:a=01")
}

// R-PART-1: a partition that moves a follower from P to outside P rejoins it;
// one that keeps it in P leaves it frozen; re-partitioning others does not
// rejoin the already reachable.
func TestPartitionReplacesP(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"01"},
		{"op":"partition","nodes":[3]},
		{"op":"put","key":"b","value":"02"},
		{"op":"partition","nodes":[3]},
		{"op":"partition","nodes":[2]},
		{"op":"put","key":"c","value":"03"},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	expectStates(t, out, 3, "2:a=01,b=02", "2:a=01,b=02", "1:a=01")
	expectStates(t, out, 4, "2:a=01,b=02", "2:a=01,b=02", "2:a=01,b=02")
	expectStates(t, out, 5, "3:a=01,b=02,c=03", "2:a=01,b=02", "3:a=01,b=02,c=03")
}

// R-INCR-3: the no-op still advances last_applied.
func TestIncrNoOpIsApplied(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":1,"leader":1},"steps":[
		{"op":"put","key":"k","value":"00"},
		{"op":"incr","key":"k","delta":"1"},
		{"op":"incr","key":"n","delta":"18446744073709551615"},
		{"op":"incr","key":"n","delta":"2"},
		{"op":"cas","key":"m","expected":"","value":"01"},
		{"op":"cas","key":"m","expected":null,"value":""},
		{"op":"cas","key":"m","expected":null,"value":"02"},
		{"op":"snapshot","nodes":[1]}]}`)
	expectStates(t, out, 1, "2:k=00")
	expectStates(t, out, 3, "4:k=00,n=0000000000000001")
	expectStates(t, out, 6, "7:k=00,m=,n=0000000000000001")
}

// Invalid steps are errors naming the step and the rule, never panics.
func TestInvalidSteps(t *testing.T) {
	cases := map[string]string{
		`{"op":"crash","node":1}`:                                "steps[0].node: crash of node 1, the leader, is not allowed (R-CRASH-1)",
		`{"op":"restart","node":2}`:                              "R-RESTART-1",
		`{"op":"crash","node":4}`:                                "R-NODE-1",
		`{"op":"partition","nodes":[1]}`:                         "R-PART-2",
		`{"op":"partition","nodes":[2,2]}`:                       "R-PART-3",
		`{"op":"snapshot","nodes":[]}`:                           "R-SNAP-1",
		`{"op":"snapshot","nodes":[0]}`:                          "R-NODE-1",
		`{"op":"frobnicate"}`:                                    `steps[0].op: op "frobnicate" is not implemented`,
		`{"op":"put","key":"a"}`:                                 "steps[0].value",
		`{"op":"put","key":"a","value":"0"}`:                     "R-BYTES-2",
		`{"op":"incr","key":"a","delta":"-1"}`:                   "R-DELTA-1",
		`{"op":"incr","key":"a","delta":"18446744073709551616"}`: "R-DELTA-1",
		`{"op":"cas","key":"a","value":""}`:                      "expected",
	}
	for step, want := range cases {
		_, err := runErr(`{"cluster":{"nodes":3,"leader":1},"steps":[` + step + `]}`)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to contain %q", step, err, want)
		}
	}
	_, err := runErr(`{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":2},{"op":"crash","node":2}]}`)
	if err == nil || !strings.Contains(err.Error(), "steps[1].node") || !strings.Contains(err.Error(), "R-CRASH-2") {
		t.Errorf("double crash: %v", err)
	}
	_, err = runErr(`{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":2},{"op":"snapshot","nodes":[1,2]}]}`)
	if err == nil || !strings.Contains(err.Error(), "steps[1].nodes[1]") || !strings.Contains(err.Error(), "R-SNAP-2") {
		t.Errorf("snapshot of down node: %v", err)
	}
	for _, cl := range []string{`{"nodes":0,"leader":1}`, `{"nodes":256,"leader":1}`, `{"nodes":3,"leader":4}`} {
		if _, err := runErr(`{"cluster":` + cl + `,"steps":[{"op":"heal"}]}`); err == nil {
			t.Errorf("cluster %s accepted", cl)
		}
	}
}

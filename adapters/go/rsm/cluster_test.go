package rsm

import (
	"bytes"
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
	want := []SnapshotEntry{{3, 3, ""}, {5, 1, both}, {5, 2, both}, {5, 3, both}}
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

// steps wraps step objects into a normalized scenario of n nodes, leader 1.
func steps(n int, s ...string) string {
	return fmt.Sprintf(`{"cluster":{"nodes":%d,"leader":1},"steps":[%s]}`, n, strings.Join(s, ","))
}

// R-COMPACT-2: compaction alone changes no emitted byte, here on a scenario
// with partitions and rejoins but no restart.
func TestCompactAloneChangesNothing(t *testing.T) {
	body := []string{
		`{"op":"put","key":"a","value":"01"}`, `{"op":"partition","nodes":[3]}`, `{"op":"append","key":"a","value":"02"}`,
		`{"op":"snapshot","nodes":[1,2,3]}`, `{"op":"heal"}`, `{"op":"incr","key":"n","delta":"5"}`,
		`{"op":"partition","nodes":[2]}`, `{"op":"delete","key":"a"}`, `{"op":"partition","nodes":[]}`,
		`{"op":"snapshot","nodes":[1,2,3]}`,
	}
	var with []string
	for i, s := range body {
		with = append(with, s, fmt.Sprintf(`{"op":"compact","node":%d}`, 1+i%3))
	}
	plain, compacted := run(t, steps(3, body...)), run(t, steps(3, with...))
	if len(plain.Snapshots) != len(compacted.Snapshots) {
		t.Fatalf("%d snapshots against %d", len(compacted.Snapshots), len(plain.Snapshots))
	}
	for i := range plain.Snapshots {
		if plain.Snapshots[i].Hex != compacted.Snapshots[i].Hex {
			t.Errorf("snapshot %d differs", i)
		}
	}
}

// R-SAVED-2, R-SAVED-3, R-SAVED-4: a node that compacted and is restarted
// while isolated shows its saved state, not an empty store, and emits
// exactly the bytes it saved.
func TestRestartIsolatedAfterCompactShowsSaved(t *testing.T) {
	out := run(t, steps(3,
		`{"op":"put","key":"a","value":"01"}`,
		`{"op":"put","key":"b","value":"02"}`,
		`{"op":"partition","nodes":[3]}`,
		`{"op":"compact","node":3}`,
		`{"op":"snapshot","nodes":[3]}`, // 4: the bytes compact saved
		`{"op":"put","key":"c","value":"03"}`,
		`{"op":"crash","node":3}`,
		`{"op":"restart","node":3}`,
		`{"op":"snapshot","nodes":[3]}`, // 8
		`{"op":"crash","node":2}`,
		`{"op":"restart","node":2}`, // not in P: rejoins
		`{"op":"snapshot","nodes":[2,3]}`,
	))
	expectStates(t, out, 7, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "2:a=01,b=02")
	expectStates(t, out, 10, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "2:a=01,b=02")
	if out.Snapshots[0].Hex != out.Snapshots[1].Hex {
		t.Errorf("restored node emits %s, saved %s", out.Snapshots[1].Hex, out.Snapshots[0].Hex)
	}
	// The same without compact: v1, an empty store.
	v1 := run(t, steps(3, `{"op":"put","key":"a","value":"01"}`, `{"op":"partition","nodes":[3]}`,
		`{"op":"crash","node":3}`, `{"op":"restart","node":3}`, `{"op":"snapshot","nodes":[3]}`))
	expectStates(t, v1, 3, "1:a=01", "1:a=01", "0:")
}

// R-INSTALL-1, R-INSTALL-3: a follower whose log is shorter than the
// leader's saved index installs the leader's bytes at the step it rejoins,
// before the round (after the round its log would be full and never
// install); restarted isolated later, it shows the leader's saved state, not
// its own older one.
func TestInstallDecidedAtRejoin(t *testing.T) {
	out := run(t, steps(3,
		`{"op":"put","key":"a","value":"01"}`,
		`{"op":"partition","nodes":[3]}`,
		`{"op":"compact","node":3}`, // 3 saves index 1
		`{"op":"put","key":"b","value":"02"}`,
		`{"op":"compact","node":1}`,     // the leader saves index 2
		`{"op":"partition","nodes":[]}`, // 3 rejoins: log 1 < 2, installs
		`{"op":"put","key":"c","value":"03"}`,
		`{"op":"partition","nodes":[3]}`,
		`{"op":"crash","node":3}`,
		`{"op":"restart","node":3}`,
		`{"op":"snapshot","nodes":[1,3]}`,
	))
	expectStates(t, out, 5, "2:a=01,b=02", "2:a=01,b=02", "2:a=01,b=02")
	expectStates(t, out, 9, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "2:a=01,b=02")
}

// R-INSTALL-2: a follower whose log reaches the leader's saved index keeps
// its own saved snapshot, older or newer than the leader's.
func TestInstallKeepsOwnSaved(t *testing.T) {
	tail := []string{
		`{"op":"partition","nodes":[3]}`,
		`{"op":"put","key":"c","value":"03"}`,
		`{"op":"partition","nodes":[]}`, // 6: 3 rejoins with a log of 2
		`{"op":"partition","nodes":[3]}`,
		`{"op":"crash","node":3}`,
		`{"op":"restart","node":3}`,
		`{"op":"snapshot","nodes":[3]}`,
	}
	// Older: 3 saved index 1, the leader index 2; 2 < 2 is false.
	older := run(t, steps(3, append([]string{
		`{"op":"put","key":"a","value":"01"}`, `{"op":"compact","node":3}`,
		`{"op":"put","key":"b","value":"02"}`, `{"op":"compact","node":1}`}, tail...)...))
	expectStates(t, older, 9, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "1:a=01")
	// Newer: the leader saved index 1, 3 index 2.
	newer := run(t, steps(3, append([]string{
		`{"op":"put","key":"a","value":"01"}`, `{"op":"compact","node":1}`,
		`{"op":"put","key":"b","value":"02"}`, `{"op":"compact","node":3}`}, tail...)...))
	expectStates(t, newer, 9, "3:a=01,b=02,c=03", "3:a=01,b=02,c=03", "2:a=01,b=02")
}

// R-INSTALL-1: the test is the follower's log length, not its last_applied
// or commit_index. Follower 2 holds entry 2 but has applied only 1 when the
// leader saves index 2; it keeps its own (no) saved snapshot.
func TestInstallTestsLogLength(t *testing.T) {
	out := run(t, steps(4,
		`{"op":"put","key":"x","value":"01"}`,
		`{"op":"crash","node":3}`,
		`{"op":"crash","node":4}`,
		`{"op":"put","key":"a","value":"02"}`, // 2 of 4 hold it: not committed
		`{"op":"partition","nodes":[2]}`,
		`{"op":"restart","node":3}`,     // 3 of 4 hold entry 2: committed
		`{"op":"compact","node":1}`,     // the leader saves index 2
		`{"op":"partition","nodes":[]}`, // 2 rejoins: log 2, applied 1
		`{"op":"partition","nodes":[2]}`,
		`{"op":"crash","node":2}`,
		`{"op":"restart","node":2}`,
		`{"op":"snapshot","nodes":[1,2,3]}`,
	))
	expectStates(t, out, 6, "2:a=02,x=01", "1:x=01", "2:a=02,x=01", "down")
	expectStates(t, out, 10, "2:a=02,x=01", "0:", "2:a=02,x=01", "down")
}

// R-COMPACT-2 on the node's state: saved is the snapshot bytes, the
// discarded prefix is last_applied, a second compaction replaces both, and
// at last_applied 0 the saved snapshot is the empty one, index 0.
func TestCompactSavesSnapshot(t *testing.T) {
	sc, err := ParseScenario([]byte(steps(3,
		`{"op":"partition","nodes":[3]}`,
		`{"op":"compact","node":3}`,
		`{"op":"put","key":"a","value":"01"}`,
		`{"op":"compact","node":1}`,
		`{"op":"put","key":"b","value":"02"}`,
		`{"op":"compact","node":1}`,
	)))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCluster(3, 1)
	for i := range sc.Steps[:2] {
		if _, err := c.Step(&sc.Steps[i]); err != nil {
			t.Fatal(err)
		}
	}
	empty := "524b563100000000000000010000000000000000000000000000000000000000045540e9"
	if n := c.Node(3); hex.EncodeToString(n.Saved) != empty || n.SavedIndex != 0 || n.LogLen != 0 {
		t.Fatalf("node 3 saved %x at %d", n.Saved, n.SavedIndex)
	}
	for i := range sc.Steps[2:4] {
		if _, err := c.Step(&sc.Steps[2+i]); err != nil {
			t.Fatal(err)
		}
	}
	l := c.Node(1)
	first := l.Saved
	if !bytes.Equal(first, c.SnapshotOf(1)) || l.SavedIndex != 1 || l.LogLen != 1 {
		t.Fatalf("leader saved %x at %d, log %d", l.Saved, l.SavedIndex, l.LogLen)
	}
	for i := range sc.Steps[4:] {
		if _, err := c.Step(&sc.Steps[4+i]); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Equal(l.Saved, first) || !bytes.Equal(l.Saved, c.SnapshotOf(1)) || l.SavedIndex != 2 || l.LogLen != 2 {
		t.Fatalf("leader saved %x at %d, log %d", l.Saved, l.SavedIndex, l.LogLen)
	}
}

// R-COMPACT-1: compact names a node that is up; scenario shape (R-SCEN-3).
func TestCompactInvalid(t *testing.T) {
	cases := map[string]string{
		steps(3, `{"op":"crash","node":2}`, `{"op":"compact","node":2}`): "steps[1].node: compact of node 2, which is down (R-COMPACT-1)",
		steps(3, `{"op":"compact","node":0}`):                            "steps[0].node: node 0 is not in 1..3 (R-NODE-1)",
		steps(3, `{"op":"compact","node":4}`):                            "R-NODE-1",
		steps(3, `{"op":"compact"}`):                                     `steps[0].node: compact requires "node" (R-SCEN-3)`,
		steps(3, `{"op":"compact","node":"2"}`):                          "steps[0].node: expected an integer (R-NODE-1)",
	}
	for sc, want := range cases {
		if _, err := runErr(sc); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", sc, err, want)
		}
	}
	// The leader and an isolated follower that is up may compact.
	run(t, steps(3, `{"op":"partition","nodes":[2]}`, `{"op":"compact","node":2}`, `{"op":"compact","node":1}`, `{"op":"snapshot","nodes":[1]}`))
}

package rsm

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The expectations below are read off SPEC.md section 3.4, step by step, in
// the comments beside each scenario; none is taken from a golden.

// raftOf describes node's state after step as
// "role t<current_term> v<voted_for> log<length>/<last log term> <index>@<term>:<store>",
// from the trace (R-TRACE-1) and the node's snapshot, or "down".
func raftOf(t *testing.T, out *RunResult, step, node int) string {
	t.Helper()
	e := out.Trace[step]
	h, r := e.States[node-1], e.Raft[node-1]
	if (h == nil) != (r == nil) {
		t.Fatalf("step %d node %d: state %v but raft %v (R-TRACE-1)", step, node, h, r)
	}
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
	var kv []string
	for _, p := range pairs {
		kv = append(kv, fmt.Sprintf("%s=%x", p.Key, p.Value))
	}
	v := "-"
	if r.VotedFor != nil {
		v = fmt.Sprint(*r.VotedFor)
	}
	return fmt.Sprintf("%s t%d v%s log%d/%d %d@%d:%s", r.Role, hdr.CurrentTerm, v, r.LogLength, r.LastLogTerm,
		hdr.LastIncludedIndex, hdr.LastIncludedTerm, strings.Join(kv, ","))
}

func expectRaft(t *testing.T, out *RunResult, step int, want ...string) {
	t.Helper()
	for i, w := range want {
		if w == "" {
			continue
		}
		if got := raftOf(t, out, step, i+1); got != w {
			t.Errorf("step %d node %d:\n got %s\nwant %s", step, i+1, got, w)
		}
	}
}

// The design note's first row: the leader crashes and a new one is elected.
func TestElectAfterLeaderCrash(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"31"},
		{"op":"crash","node":1},
		{"op":"elect","node":2},
		{"op":"put","key":"b","value":"32"},
		{"op":"restart","node":1},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	// R-TERM-1: L leads term 1 and nobody has voted.
	expectRaft(t, out, 0, "leader t1 v- log1/1 1@1:a=31", "follower t1 v- log1/1 1@1:a=31", "follower t1 v- log1/1 1@1:a=31")
	// R-CRASH-4: the leader may crash; its side has no leader until an elect.
	expectRaft(t, out, 1, "down", "follower t1 v- log1/1 1@1:a=31", "")
	// R-ELECT-3, R-VOTE-1.2/3: 3 adopts term 2 and grants (equal logs);
	// 2 of 3 is a majority (R-ELECT-4 b); the no-op (R-NOOP-1) at index 2
	// reaches 3 in the round and commits by R-COMMIT-4; applying it changes
	// no store but shows its index and term (R-WIRE-9).
	expectRaft(t, out, 2, "down", "leader t2 v2 log2/2 2@2:a=31", "follower t2 v2 log2/2 2@2:a=31")
	// R-ROUTE-1: the default leader is 2; the entry is of term 2.
	expectRaft(t, out, 3, "down", "leader t2 v2 log3/2 3@2:a=31,b=32", "follower t2 v2 log3/2 3@2:a=31,b=32")
	// R-CRASH-4, R-ROUND-2.3: 1 comes up a follower of term 1 and is brought
	// in: term 2, vote none, 2's log and store.
	expectRaft(t, out, 4, "follower t2 v- log3/2 3@2:a=31,b=32", "leader t2 v2 log3/2 3@2:a=31,b=32", "follower t2 v2 log3/2 3@2:a=31,b=32")
}

// R-TERM-1: voted_for survives a crash, so a restarted voter refuses a
// second candidate of the same term.
func TestVotePersistsAcrossCrash(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":5,"leader":1},"steps":[
		{"op":"partition","nodes":[3,4,5]},
		{"op":"elect","node":2},
		{"op":"crash","node":1},
		{"op":"restart","node":1},
		{"op":"partition","nodes":[1,3]},
		{"op":"elect","node":3},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	// 1 steps down to term 2 and votes for 2; 2 of 5 is no majority
	// (R-ELECT-4 c), and the side has no leader (R-ROUND-2.2).
	expectRaft(t, out, 1, "follower t2 v2 log0/0 0@0:", "candidate t2 v2 log0/0 0@0:", "follower t1 v- log0/0 0@0:")
	expectRaft(t, out, 3, "follower t2 v2 log0/0 0@0:", "candidate t2 v2 log0/0 0@0:")
	// 3 reaches term 2 too; 1 has voted for 2 in it and refuses.
	expectRaft(t, out, 5, "follower t2 v2 log0/0 0@0:", "candidate t2 v2 log0/0 0@0:", "candidate t2 v3 log0/0 0@0:")
}

// R-VOTE-2: the last entry's term decides first, the length only a tie.
func TestVoteRefusedToLessUpToDateLog(t *testing.T) {
	byTerm := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"partition","nodes":[3]},
		{"op":"put","key":"a","value":"31"},
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":3},
		{"op":"elect","node":2},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	// 3's empty log (0, 0) is behind 2's (term 1, index 1): 2 adopts term 2
	// and refuses; 3 stays a candidate.
	expectRaft(t, byTerm, 3, "leader t1 v- log1/1 1@1:a=31", "follower t2 v- log1/1 1@1:a=31", "candidate t2 v3 log0/0 0@0:")
	// 2 then wins term 3 with 3's vote, and the round gives 3 its log and
	// store; 1 is a stale leader on its own side.
	expectRaft(t, byTerm, 4, "leader t1 v- log1/1 1@1:a=31", "leader t3 v2 log2/3 2@3:a=31", "follower t3 v2 log2/3 2@3:a=31")

	byLength := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"31"},
		{"op":"partition","nodes":[3]},
		{"op":"put","key":"b","value":"32"},
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":3},
		{"op":"snapshot","nodes":[2,3]}]}`)
	// Both last terms are 1; 3's log of 1 is shorter than 2's of 2.
	expectRaft(t, byLength, 4, "", "follower t2 v- log2/1 2@1:a=31,b=32", "candidate t2 v3 log1/1 1@1:a=31")
}

// The design note's second row, split brain: a stale leader in a minority
// appends entries that never commit (R-ROUTE-1, R-COMMIT-4), and heal
// truncates them (R-ROUND-2.1, R-TRUNC-1).
func TestStaleLeaderEntriesTruncatedAtHeal(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"31"},
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":2},
		{"op":"put","key":"b","value":"32","via":1},
		{"op":"put","key":"c","value":"33"},
		{"op":"snapshot","nodes":[1,2]},
		{"op":"heal"},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	expectRaft(t, out, 2, "leader t1 v- log1/1 1@1:a=31", "leader t2 v2 log2/2 2@2:a=31", "follower t2 v2 log2/2 2@2:a=31")
	// 1 appends index 2 of term 1. 2 and 3 hold an entry at 2 too, of term
	// 2: counting log lengths (R-COMMIT-1) would commit it, R-COMMIT-4 does
	// not.
	expectRaft(t, out, 3, "leader t1 v- log2/1 1@1:a=31", "leader t2 v2 log2/2 2@2:a=31", "follower t2 v2 log2/2 2@2:a=31")
	// Without via the command goes to the leader of the highest term, 2.
	expectRaft(t, out, 4, "leader t1 v- log2/1 1@1:a=31", "leader t2 v2 log3/2 3@2:a=31,c=33", "follower t2 v2 log3/2 3@2:a=31,c=33")
	// One side: 1 steps down to term 2, its entry 2 is replaced, and it
	// takes 2's store; b is never applied anywhere.
	all := "log3/2 3@2:a=31,c=33"
	expectRaft(t, out, 6, "follower t2 v- "+all, "leader t2 v2 "+all, "follower t2 v2 "+all)
}

// R-ROUTE-1: a command to a down node, to a node that is not a leader, or
// with no up leader at all is dropped, and the step is not invalid.
func TestDroppedCommands(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"crash","node":1},
		{"op":"put","key":"a","value":"31"},
		{"op":"elect","node":2},
		{"op":"put","key":"b","value":"32","via":3},
		{"op":"put","key":"c","value":"33","via":1},
		{"op":"put","key":"d","value":"34","via":2},
		{"op":"snapshot","nodes":[2,3]}]}`)
	expectRaft(t, out, 1, "down", "follower t1 v- log0/0 0@0:", "follower t1 v- log0/0 0@0:")
	expectRaft(t, out, 4, "down", "leader t2 v2 log1/2 1@2:", "follower t2 v2 log1/2 1@2:")
	expectRaft(t, out, 5, "down", "leader t2 v2 log2/2 2@2:d=34", "follower t2 v2 log2/2 2@2:d=34")
}

// R-ELECT-4 (a): a voter of a higher term refuses, and the candidate takes
// that term and steps down, whatever votes it got.
func TestCandidateStepsDownOnHigherTerm(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"partition","nodes":[3]},
		{"op":"elect","node":3},
		{"op":"elect","node":3},
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":2},
		{"op":"snapshot","nodes":[2,3]}]}`)
	expectRaft(t, out, 2, "leader t1 v- log0/0 0@0:", "follower t1 v- log0/0 0@0:", "candidate t3 v3 log0/0 0@0:")
	expectRaft(t, out, 4, "leader t1 v- log0/0 0@0:", "follower t3 v- log0/0 0@0:", "candidate t3 v3 log0/0 0@0:")
}

// R-ROUND-2.1: a leader on a side with a higher term steps down in the
// round, here a stale leader whose side a candidate of a higher term joins.
func TestLeaderStepsDownInRound(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"partition","nodes":[3]},
		{"op":"elect","node":3},
		{"op":"partition","nodes":[]},
		{"op":"snapshot","nodes":[1,2,3]}]}`)
	// After the heal of P the side holds terms 1, 1 and 2: leader 1 steps
	// down, and nobody leads (R-ROUND-2.2); the candidate stays one.
	expectRaft(t, out, 2, "follower t2 v- log0/0 0@0:", "follower t1 v- log0/0 0@0:", "candidate t2 v3 log0/0 0@0:")
}

// Elections at N = 1 and 2: 1 of 1 and 2 of 2 are majorities (R-CLUSTER-5).
func TestElectSmallClusters(t *testing.T) {
	one := run(t, `{"cluster":{"nodes":1,"leader":1},"steps":[
		{"op":"put","key":"a","value":"31"},
		{"op":"elect","node":1},
		{"op":"snapshot","nodes":[1]}]}`)
	// A leader told to elect starts a new election (R-ELECT-2) and wins.
	expectRaft(t, one, 1, "leader t2 v1 log2/2 2@2:a=31")
	two := run(t, `{"cluster":{"nodes":2,"leader":1},"steps":[
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":2},
		{"op":"partition","nodes":[]},
		{"op":"elect","node":2},
		{"op":"snapshot","nodes":[1,2]}]}`)
	expectRaft(t, two, 1, "leader t1 v- log0/0 0@0:", "candidate t2 v2 log0/0 0@0:")
	// The heal's round: 1 steps down (a higher term on its side).
	expectRaft(t, two, 2, "follower t2 v- log0/0 0@0:", "candidate t2 v2 log0/0 0@0:")
	expectRaft(t, two, 3, "follower t3 v2 log1/3 1@3:", "leader t3 v2 log1/3 1@3:")
}

// R-INSTALL-4: with terms, holding the leader's entry at its saved index is
// judged by the term there too, not by length alone; a node then restored
// from the installed bytes keeps its own current_term (R-COMPACT-4).
func TestInstallWhenTermAtSavedIndexDiffers(t *testing.T) {
	out := run(t, `{"cluster":{"nodes":3,"leader":1},"steps":[
		{"op":"put","key":"a","value":"31"},
		{"op":"partition","nodes":[1]},
		{"op":"elect","node":2},
		{"op":"put","key":"b","value":"32","via":1},
		{"op":"put","key":"d","value":"34","via":1},
		{"op":"put","key":"c","value":"33"},
		{"op":"compact","node":2},
		{"op":"partition","nodes":[3]},
		{"op":"crash","node":1},
		{"op":"partition","nodes":[1]},
		{"op":"restart","node":1},
		{"op":"snapshot","nodes":[1]}]}`)
	// 1's log is as long as 2's saved index, 3, but its entry there is of
	// term 1, not 2: it installs, then takes 2's log and store.
	expectRaft(t, out, 7, "follower t2 v- log3/2 3@2:a=31,c=33", "leader t2 v2 log3/2 3@2:a=31,c=33")
	// Restarted inside P with no leader there, 1 shows the installed state.
	expectRaft(t, out, 10, "follower t2 v- log3/2 3@2:a=31,c=33")
}

// R-ELECT-1, R-CRASH-1, R-PART-2: the leader may be crashed or isolated only
// in a scenario that needs elect, and an elect step anywhere in it (even
// after) is enough; R-ELECT-2 and the step shapes are still checked.
func TestElectValidation(t *testing.T) {
	cases := []struct{ steps, want string }{
		{`{"op":"crash","node":1},{"op":"snapshot","nodes":[2]}`, "steps[0].node: crash of node 1, the leader, is not allowed (R-CRASH-1)"},
		{`{"op":"partition","nodes":[1]},{"op":"snapshot","nodes":[2]}`, "steps[0].nodes[0]: node 1 is the leader, which is never isolated (R-PART-2)"},
		{`{"op":"crash","node":1},{"op":"snapshot","nodes":[2]},{"op":"elect","node":2}`, ""},
		{`{"op":"partition","nodes":[1]},{"op":"put","key":"a","value":"","via":1},{"op":"snapshot","nodes":[2]}`, ""},
		{`{"op":"crash","node":2},{"op":"elect","node":2},{"op":"snapshot","nodes":[1]}`, "steps[1].node: elect of node 2, which is down (R-ELECT-2)"},
		{`{"op":"elect","node":4},{"op":"snapshot","nodes":[1]}`, "steps[0].node: node 4 is not in 1..3 (R-NODE-1)"},
		{`{"op":"elect"},{"op":"snapshot","nodes":[1]}`, `steps[0].node: elect requires "node" (R-SCEN-3)`},
		{`{"op":"put","key":"a","value":"","via":4},{"op":"snapshot","nodes":[1]}`, "steps[0].via: node 4 is not in 1..3 (R-NODE-1)"},
		{`{"op":"heal","via":1},{"op":"snapshot","nodes":[1]}`, `steps[0].via: heal has no property "via" (R-SCEN-3)`},
	}
	for _, c := range cases {
		_, err := runErr(`{"cluster":{"nodes":3,"leader":1},"steps":[` + c.steps + `]}`)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.steps, got, c.want)
		}
	}
}

// R-TRACE-1: raft appears exactly in the trace of a scenario that needs
// elect, null exactly where the state is.
func TestTraceRaftKey(t *testing.T) {
	plain := run(t, `{"cluster":{"nodes":2,"leader":1},"steps":[{"op":"crash","node":2},{"op":"snapshot","nodes":[1]}]}`)
	b, err := json.Marshal(plain.Trace)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "raft") {
		t.Errorf("trace without elect has raft: %s", b)
	}
	el := run(t, `{"cluster":{"nodes":2,"leader":1},"steps":[{"op":"crash","node":2},{"op":"put","key":"a","value":"","via":1},{"op":"snapshot","nodes":[1]}]}`)
	b, err = json.Marshal(el.Trace[2])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"step":2,"states":["524b5631000000000000000100000000000000000000000000000000000000000455` +
		`40e9",null],"raft":[{"role":"leader","voted_for":null,"log_length":1,"last_log_term":1},null]}`
	if string(b) != want {
		t.Errorf("trace entry\n got %s\nwant %s", b, want)
	}
}

package rsm

import "strconv"

// RunResult is what running a scenario produces: the snapshots of R-PROTO-6
// and, when asked for, the trace of R-PROTO-7 (nil when not asked for).
type RunResult struct {
	Snapshots []SnapshotEntry
	Trace     []TraceEntry
}

// SnapshotEntry is one emitted snapshot, hex in lowercase (R-PROTO-6); the
// name is the title of its schema in schema/protocol.schema.json.
type SnapshotEntry struct {
	Step int    `json:"step"`
	Node int    `json:"node"`
	Hex  string `json:"hex"`
}

// TraceEntry is every node's state after one step; a nil state is a down node
// and encodes as null (R-PROTO-7). Raft is set only for a scenario that
// needs elect (R-TRACE-1), and is absent otherwise.
type TraceEntry struct {
	Step   int          `json:"step"`
	States []*string    `json:"states"`
	Raft   []*RaftState `json:"raft,omitempty"`
}

// RaftState is what a trace shows of a node's Raft state besides its
// snapshot (R-TRACE-1); its current_term is in the snapshot.
type RaftState struct {
	Role        string `json:"role"`
	VotedFor    *int   `json:"voted_for"`
	LogLength   int    `json:"log_length"`
	LastLogTerm uint64 `json:"last_log_term"`
}

// RunScenario runs one scenario from the initial cluster (R-CLUSTER-3).
// With trace, every step (snapshot steps included) records every node's
// state after it. An invalid step is an *InvalidStep whose path starts at
// the step, e.g. "steps[7].node".
func RunScenario(sc *Scenario, trace bool) (*RunResult, error) {
	c := NewCluster(sc.Nodes, sc.Leader)
	c.needsElect = sc.NeedsElect
	c.reserveLog(len(sc.Steps))
	// Never nil, so that the reply says "snapshots":[] rather than null.
	out := &RunResult{Snapshots: []SnapshotEntry{}}
	if trace {
		out.Trace = make([]TraceEntry, 0, len(sc.Steps))
	}
	for i := range sc.Steps {
		emitted, err := c.Step(&sc.Steps[i])
		if err != nil {
			// The cluster names the field within the step; the step's index
			// completes the JSON path.
			err.Path = "steps[" + strconv.Itoa(i) + "]." + err.Path
			return nil, err
		}
		// R-PROTO-6: in step order, then in listed-node order. A snapshot
		// step changes nothing, so each node's snapshot is the same now as
		// during the step.
		for _, id := range emitted {
			out.Snapshots = append(out.Snapshots, SnapshotEntry{Step: i, Node: id, Hex: encodeHex(c.SnapshotOf(id))})
		}
		if trace {
			out.Trace = append(out.Trace, traceEntry(c, i))
		}
	}
	return out, nil
}

// traceEntry records every node's state after step i: its snapshot, or null
// while it is down (R-PROTO-7), and, with elect, its role, vote and log
// (R-TRACE-1), null exactly where the state is.
func traceEntry(c *Cluster, i int) TraceEntry {
	states := make([]*string, c.Size())
	var raft []*RaftState
	if c.needsElect {
		raft = make([]*RaftState, c.Size())
	}
	for id := 1; id <= c.Size(); id++ {
		n := c.Node(id)
		if !n.Up {
			continue
		}
		h := encodeHex(c.SnapshotOf(id))
		states[id-1] = &h
		if raft != nil {
			r := &RaftState{Role: n.Role.String(), LogLength: n.LogLen, LastLogTerm: n.LastLogTerm()}
			if n.VotedFor != 0 {
				v := n.VotedFor
				r.VotedFor = &v
			}
			raft[id-1] = r
		}
	}
	return TraceEntry{Step: i, States: states, Raft: raft}
}

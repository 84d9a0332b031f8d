package rsm

import (
	"encoding/hex"
	"fmt"
)

// Outcome is what running a scenario produces: the snapshots of R-PROTO-6 and,
// when asked for, the trace of R-PROTO-7 (nil when not asked for).
type Outcome struct {
	Snapshots []SnapshotRecord
	Trace     []TraceEntry
}

// Run runs one normalized scenario from the initial cluster (R-CLUSTER-3).
// With trace, every step (snapshot steps included) records every node's
// state after it. An error names the step that could not be run.
func Run(sc *Scenario, trace bool) (*Outcome, error) {
	c, err := NewCluster(sc.Nodes, sc.Leader)
	if err != nil {
		return nil, err
	}
	c.reserveLog(len(sc.Steps))
	// Never nil, so that the reply says "snapshots":[] rather than null.
	out := &Outcome{Snapshots: []SnapshotRecord{}}
	if trace {
		out.Trace = make([]TraceEntry, 0, len(sc.Steps))
	}
	for i := range sc.Steps {
		emitted, err := c.Step(&sc.Steps[i])
		if err != nil {
			return nil, fmt.Errorf("steps[%d].%w", i, err)
		}
		// R-PROTO-6: in step order, then in listed-node order.
		for _, e := range emitted {
			out.Snapshots = append(out.Snapshots, SnapshotRecord{Step: i, Node: e.Node, Hex: hex.EncodeToString(e.Bytes)})
		}
		if trace {
			out.Trace = append(out.Trace, traceEntry(c, i))
		}
	}
	return out, nil
}

// traceEntry records every node's state after step i: its snapshot, or null
// while it is down (R-PROTO-7).
func traceEntry(c *Cluster, i int) TraceEntry {
	states := make([]*string, c.Size())
	for id := 1; id <= c.Size(); id++ {
		if c.Node(id).Up {
			h := hex.EncodeToString(c.Snapshot(id))
			states[id-1] = &h
		}
	}
	return TraceEntry{Step: i, States: states}
}

package rsm

import (
	"fmt"
	"slices"
	"strconv"
)

// MaxNodes is the largest cluster (R-CLUSTER-1).
const MaxNodes = 255

// Entry is a log entry (R-LOG-1). Its index is its position in the leader's
// log plus one, so it is not stored.
type Entry struct {
	Term    uint64
	Command *Command
}

// Node is one replica.
type Node struct {
	ID int
	Up bool
	// LogLen is the length of this node's log. R-LOG-2: every follower's log
	// is a prefix of the leader's, so the entries themselves live once, in
	// Cluster.log, and replicating to a follower is an assignment, not a copy.
	LogLen      int
	CurrentTerm uint64
	CommitIndex int
	LastApplied int
	Store       *Store
	// Saved is the saved snapshot of R-SAVED-1, nil for none, and
	// SavedIndex its last_included_index: entries 1..SavedIndex are the
	// discarded prefix. LogLen stays the logical length (R-SAVED-1), so
	// discarding is moving this offset, O(1) per compaction, never a shift
	// of the entries. Saved is persistent (R-SAVED-2) and never modified:
	// an install shares the leader's bytes, and a restore's values alias them.
	Saved      []byte
	SavedIndex int
}

// Cluster is the whole replicated system: the nodes, the fixed leader, the
// leader's log and the isolated set P.
type Cluster struct {
	nodes  []*Node // nodes[id-1]
	leader int
	log    []Entry // the leader's log; every follower log is a prefix of it
	// isolated is the set P (R-CLUSTER-4), indexed by node id.
	isolated []bool
	// before is scratch space for reachability before a step (R-PART-1,
	// R-HEAL-1), kept to avoid an allocation per step.
	before []bool
	// lengths is scratch space for the commit candidate (R-COMMIT-1).
	lengths []int
}

// NewCluster returns the initial cluster of R-CLUSTER-3. n and leader were
// checked when the scenario was read (R-CLUSTER-1, R-CLUSTER-2).
func NewCluster(n, leader int) *Cluster {
	if n < 1 || n > MaxNodes || leader < 1 || leader > n {
		panic(fmt.Sprintf("rsm: cluster of %d nodes with leader %d", n, leader))
	}
	c := &Cluster{
		nodes:    make([]*Node, n),
		leader:   leader,
		isolated: make([]bool, n+1),
		before:   make([]bool, n+1),
		lengths:  make([]int, n),
	}
	for i := range c.nodes {
		c.nodes[i] = &Node{ID: i + 1, Up: true, CurrentTerm: 1, Store: NewStore()}
	}
	return c
}

// reserveLog sizes the leader's log for at most n entries, so that a long
// scenario does not copy it as it grows.
func (c *Cluster) reserveLog(n int) {
	c.log = slices.Grow(c.log, n)
}

// Size is N.
func (c *Cluster) Size() int { return len(c.nodes) }

// Node returns node id (1..N).
func (c *Cluster) Node(id int) *Node { return c.nodes[id-1] }

// Leader returns the leader node.
func (c *Cluster) Leader() *Node { return c.Node(c.leader) }

// Majority is floor(N/2) + 1 over all N nodes (R-CLUSTER-5); ceil(N/2) would
// be one short for even N.
func (c *Cluster) Majority() int { return len(c.nodes)/2 + 1 }

// isReachable reports whether follower id receives messages (R-CLUSTER-4).
func (c *Cluster) isReachable(id int) bool {
	return id != c.leader && c.Node(id).Up && !c.isolated[id]
}

// SnapshotOf returns the snapshot bytes of node id (section 4).
func (c *Cluster) SnapshotOf(id int) []byte {
	n := c.Node(id)
	h := SnapshotHeader{CurrentTerm: n.CurrentTerm, LastIncludedIndex: uint64(n.LastApplied)}
	// R-WIRE-4: every entry has term 1 (R-LOG-1); there is no entry 0.
	if n.LastApplied > 0 {
		h.LastIncludedTerm = 1
	}
	return EncodeSnapshot(h, n.Store.Pairs())
}

// Step is one step. Command is set for client commands; Nodes (or AllNodes)
// for partition and snapshot; Node for crash, restart and compact.
//
// adapters/README.md lists Step and InvalidStep in scenario, but Cluster.Step
// takes the one and returns the other, and cluster.go uses nothing above it
// in the file map (layers_test.go), so both are declared here: the README's
// "step type below cluster". scenario.go needs no re-export to use them, as
// every file of a Go package sees every other's names.
type Step struct {
	Op      Op
	Command *Command
	Nodes   []int
	// AllNodes is snapshot "all", 1..N (R-SNAP-1). A normalized scenario
	// spells the list out (R-NORM-3), but reading it costs nothing.
	AllNodes bool
	Node     int
}

// InvalidStep is the one shape of every problem with a scenario, whether it
// is found while reading the wire form or while running a step: the JSON path
// of the offending field as SPEC.md writes it, relative to the scenario, and
// the rule it breaks. Its Error() is the message of the error reply
// (R-PROTO-8), e.g.
// "steps[7].node: crash of node 1, the leader, is not allowed (R-CRASH-1)".
type InvalidStep struct {
	Path    string // "steps[7].node", "cluster.leader", "(root)"
	Problem string
	Rule    string
}

func (e *InvalidStep) Error() string {
	return e.Path + ": " + e.Problem + " (" + e.Rule + ")"
}

// invalid builds an InvalidStep. The cluster's paths are relative to the
// step, because only RunScenario knows the step's index.
func invalid(path, rule, format string, args ...any) *InvalidStep {
	return &InvalidStep{Path: path, Problem: fmt.Sprintf(format, args...), Rule: rule}
}

// Step applies one step of a scenario and returns the nodes whose snapshots
// it emits, in the order emitted (only a snapshot step emits any); the caller
// encodes them, as the step changes nothing (R-SNAP-3). Every step but
// snapshot ends with one replication round (section 2). An error is an
// *InvalidStep whose path is relative to the step ("node", "nodes[1]"); the
// cluster is then unspecified and must not be used further.
func (c *Cluster) Step(st *Step) ([]int, *InvalidStep) {
	// Reachability before the step, for the rejoins after it (R-PART-1,
	// R-RESTART-2, R-HEAL-1).
	for id := 1; id <= c.Size(); id++ {
		c.before[id] = c.isReachable(id)
	}
	var err *InvalidStep
	switch st.Op {
	case OpPut, // {"op":"put","key":"a","value":"31"}
		OpDelete, // {"op":"delete","key":"a"}
		OpAppend, // {"op":"append","key":"a","value":"00ff"}
		OpIncr,   // {"op":"incr","key":"n","delta":"1"}
		OpCas:    // {"op":"cas","key":"a","expected":null,"value":"31"}
		c.propose(st.Command)
	case OpPartition: // {"op":"partition","nodes":[3]}
		err = c.partition(st.Nodes)
	case OpCrash: // {"op":"crash","node":2}
		err = c.crash(st.Node)
	case OpRestart: // {"op":"restart","node":2}
		err = c.restart(st.Node)
	case OpHeal: // {"op":"heal"}
		c.heal()
	case OpSnapshot: // {"op":"snapshot","nodes":[1,2,3]}
		// R-SNAP-3: emits, changes nothing, no round.
		return c.snapshot(st.Nodes, st.AllNodes)
	case OpCompact: // {"op":"compact","node":2}
		err = c.compact(st.Node)
	default:
		return nil, invalid("op", "R-SCEN-3", "op %q is not implemented", st.Op)
	}
	if err != nil {
		return nil, err
	}
	// R-PART-1, R-RESTART-2, R-HEAL-1, R-REJOIN-1: every follower that was
	// not reachable before the step and is after it rejoins, ascending by id,
	// after the step's effect and before its round (section 3.1). A client
	// command changes no reachability, so none rejoins then.
	for id := 1; id <= c.Size(); id++ {
		if !c.before[id] && c.isReachable(id) {
			c.rejoin(c.Node(id))
		}
	}
	c.replicationRound()
	return nil, nil
}

// propose appends a client command to the leader's log (R-LOG-3). Nothing is
// applied here; the round applies it once committed.
func (c *Cluster) propose(cmd *Command) {
	c.log = append(c.log, Entry{Term: 1, Command: cmd})
	c.Leader().LogLen = len(c.log)
}

// partition replaces P (R-PART-1).
func (c *Cluster) partition(nodes []int) *InvalidStep {
	seen := make(map[int]bool, len(nodes))
	for i, id := range nodes {
		field := "nodes[" + strconv.Itoa(i) + "]"
		if err := c.checkNode(field, id); err != nil {
			return err
		}
		if id == c.leader {
			return invalid(field, "R-PART-2", "node %d is the leader, which is never isolated", id)
		}
		if seen[id] {
			return invalid(field, "R-PART-3", "node %d is listed twice", id)
		}
		seen[id] = true
	}
	clear(c.isolated)
	for _, id := range nodes {
		// R-PART-3: a down node may be listed; it stays isolated on restart.
		c.isolated[id] = true
	}
	return nil
}

// crash takes a follower down (R-CRASH-3).
func (c *Cluster) crash(id int) *InvalidStep {
	if err := c.checkNode("node", id); err != nil {
		return err
	}
	if id == c.leader {
		return invalid("node", "R-CRASH-1", "crash of node %d, the leader, is not allowed", id)
	}
	n := c.Node(id)
	if !n.Up {
		return invalid("node", "R-CRASH-2", "crash of node %d, which is already down", id)
	}
	n.Up = false
	// R-CRASH-3: the log and current_term are persistent and kept (the log
	// still counts for commit, R-COMMIT-1); the rest is volatile.
	c.forgetVolatile(n)
	return nil
}

// restart brings a follower back up (R-RESTART-2). Whether it rejoins is
// decided by Step: only when it is not in P.
func (c *Cluster) restart(id int) *InvalidStep {
	if err := c.checkNode("node", id); err != nil {
		return err
	}
	n := c.Node(id)
	if n.Up {
		return invalid("node", "R-RESTART-1", "restart of node %d, which is up", id)
	}
	n.Up = true
	c.restore(n)
	return nil
}

// heal lifts the partition and restarts every down node (R-HEAL-1); it is
// valid in any state.
func (c *Cluster) heal() {
	clear(c.isolated)
	for _, n := range c.nodes {
		if !n.Up {
			n.Up = true
			c.restore(n)
		}
	}
}

// snapshot checks the nodes a snapshot step lists and returns them in the
// order given, whose snapshots the step emits (R-SNAP-3); all is "all", 1..N
// ascending (R-SNAP-1).
func (c *Cluster) snapshot(nodes []int, all bool) ([]int, *InvalidStep) {
	if all {
		nodes = make([]int, c.Size())
		for i := range nodes {
			nodes[i] = i + 1
		}
	}
	if len(nodes) == 0 {
		return nil, invalid("nodes", "R-SNAP-1", "a snapshot lists at least one node")
	}
	seen := make(map[int]bool, len(nodes))
	for i, id := range nodes {
		field := "nodes[" + strconv.Itoa(i) + "]"
		if err := c.checkNode(field, id); err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, invalid(field, "R-SNAP-1", "node %d is listed twice", id)
		}
		seen[id] = true
		if !c.Node(id).Up {
			return nil, invalid(field, "R-SNAP-2", "snapshot of node %d, which is down", id)
		}
	}
	return nodes, nil
}

// compact saves node id's snapshot and discards its log up to last_applied
// (R-COMPACT-2). Nothing else changes; Step runs the round after it.
func (c *Cluster) compact(id int) *InvalidStep {
	if err := c.checkNode("node", id); err != nil {
		return err
	}
	n := c.Node(id)
	// R-COMPACT-1: the leader and isolated followers may compact, a down
	// node may not.
	if !n.Up {
		return invalid("node", "R-COMPACT-1", "compact of node %d, which is down", id)
	}
	// Exactly the bytes a snapshot step would emit now, replacing any older
	// saved snapshot; at last_applied 0 this is the empty snapshot, index 0.
	n.Saved = c.SnapshotOf(id)
	n.SavedIndex = n.LastApplied
	return nil
}

// checkNode is R-NODE-1 for the node id at field.
func (c *Cluster) checkNode(field string, id int) *InvalidStep {
	if id < 1 || id > c.Size() {
		return invalid(field, "R-NODE-1", "node %d is not in 1..%d", id, c.Size())
	}
	return nil
}

// restore brings a node up from its persistent state (R-RESTART-2,
// R-HEAL-1): from its saved snapshot when it has one (R-SAVED-3), decoded
// once, else empty with indices 0 as in v1. A node that is not in P rejoins
// in this same step and takes the leader's store and indices (R-SAVED-3: the
// restored state shows only inside P), so its snapshot is decoded only when
// it stays isolated; heal empties P first, so heal never decodes.
func (c *Cluster) restore(n *Node) {
	c.forgetVolatile(n)
	if n.Saved == nil || !c.isolated[n.ID] {
		return
	}
	h, pairs, err := DecodeSnapshot(n.Saved)
	if err != nil || h.LastIncludedIndex != uint64(n.SavedIndex) {
		panic(fmt.Sprintf("rsm: node %d cannot restore its saved snapshot: %v", n.ID, err))
	}
	for _, p := range pairs {
		n.Store.Put(p.Key, p.Value)
	}
	n.CommitIndex = n.SavedIndex
	n.LastApplied = n.SavedIndex
}

// forgetVolatile empties what a crash loses and a restart starts from.
func (c *Cluster) forgetVolatile(n *Node) {
	n.Store = NewStore()
	n.CommitIndex = 0
	n.LastApplied = 0
}

// rejoin is the one-shot catch-up of R-REJOIN-2, with the install decision
// of R-INSTALL-1..3. Step calls it after the step's effect and before the
// round, so f's log length is still what f held while it was cut off.
func (c *Cluster) rejoin(f *Node) {
	l := c.Leader()
	// R-INSTALL-1: f lacks entries the leader has discarded, judged by f's
	// logical log length alone, so it takes the leader's saved bytes (the
	// same bytes, shared: neither is ever modified) and its discarded
	// prefix. R-INSTALL-2: otherwise f keeps its own saved and prefix.
	if f.LogLen < l.SavedIndex {
		f.Saved = l.Saved
		f.SavedIndex = l.SavedIndex
	}
	// f.log := a copy of leader.log: with logs held as prefixes of the
	// leader's (R-LOG-2), the copy is the length.
	f.LogLen = len(c.log)
	// f.store := leader.log[1..leader.commit_index] applied to an empty store.
	// The leader is never down, so its store is exactly that when its
	// last_applied equals its commit_index, which holds between rounds
	// (R-APPLY-1) and rejoin runs between rounds; cloning it gives the same
	// bytes as replaying the log, at a cost bounded by the store, not the log.
	if l.LastApplied != l.CommitIndex {
		panic(fmt.Sprintf("rsm: leader applied %d != committed %d at rejoin", l.LastApplied, l.CommitIndex))
	}
	f.Store = l.Store.Clone()
	f.CommitIndex = l.CommitIndex
	f.LastApplied = l.CommitIndex
}

// replicationRound is the round of section 3.2: replicate, commit, apply.
func (c *Cluster) replicationRound() {
	// R-ROUND-1: reachable followers receive what they miss; unreachable ones
	// keep their logs.
	for id := 1; id <= c.Size(); id++ {
		if c.isReachable(id) {
			c.Node(id).LogLen = len(c.log)
		}
	}
	c.commit()
	// R-APPLY-1: the leader first, then each reachable follower.
	c.applyCommitted(c.Leader())
	for id := 1; id <= c.Size(); id++ {
		if c.isReachable(id) {
			c.applyCommitted(c.Node(id))
		}
	}
}

// commit advances the leader's commit index to the candidate of R-COMMIT-1
// and passes it on to the reachable followers.
func (c *Cluster) commit() {
	l := c.Leader()
	// R-COMMIT-2: the commit index never goes back.
	if n := c.commitCandidate(); n > l.CommitIndex {
		l.CommitIndex = n
	}
	// R-COMMIT-3: only reachable followers learn the new commit index.
	for id := 1; id <= c.Size(); id++ {
		if c.isReachable(id) {
			c.Node(id).CommitIndex = l.CommitIndex
		}
	}
}

// commitCandidate is n of R-COMMIT-1: the largest index held by at least a
// majority of all N nodes, counting every node's log whether it is reachable,
// isolated or down. That is the majority-th largest log length.
func (c *Cluster) commitCandidate() int {
	maj := c.Majority()
	// Fast path: the leader's log is the longest, so if a majority already
	// holds all of it the answer is its length, without sorting.
	full := 0
	for _, n := range c.nodes {
		if n.LogLen >= len(c.log) {
			full++
		}
	}
	if full >= maj {
		return len(c.log)
	}
	for i, n := range c.nodes {
		c.lengths[i] = n.LogLen
	}
	slices.Sort(c.lengths)
	// Ascending order: the majority-th largest is maj from the end.
	return c.lengths[len(c.lengths)-maj]
}

// applyCommitted applies entries last_applied+1..commit_index in index order
// (R-APPLY-1). A follower's entries are the leader's (R-LOG-2), so they are
// read from the leader's log.
func (c *Cluster) applyCommitted(n *Node) {
	if n.CommitIndex > n.LogLen {
		panic(fmt.Sprintf("rsm: node %d committed %d beyond its log of %d", n.ID, n.CommitIndex, n.LogLen))
	}
	// A node never applies an entry it has discarded: an up node has applied
	// at least up to its saved index (compaction, restore and install all
	// leave last_applied >= SavedIndex).
	if n.LastApplied < n.CommitIndex && n.LastApplied < n.SavedIndex {
		panic(fmt.Sprintf("rsm: node %d would apply entry %d, discarded up to %d", n.ID, n.LastApplied+1, n.SavedIndex))
	}
	for n.LastApplied < n.CommitIndex {
		ApplyCommand(n.Store, c.log[n.LastApplied].Command)
		n.LastApplied++
	}
}

package rsm

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// MaxNodes is the largest cluster (R-CLUSTER-1).
const MaxNodes = 255

// Entry is a log entry (R-LOG-1). Its index is its position in the log plus
// one, so it is not stored. Command is nil for a new leader's no-op
// (R-NOOP-1).
type Entry struct {
	Term    uint64
	Command *Command
}

// logArena holds entries that several nodes' logs share: a node's log is the
// first LogLen entries of its arena. An arena only ever grows, and only by
// the append of a node whose log is the whole arena, so an entry once written
// is never changed and every node sharing the arena still sees its own log.
// Making f's log ld's (R-TRUNC-1, R-ROUND-1) is then pointing f at ld's arena,
// O(1) however long the logs are; a leader whose arena another log extends
// past its own end (it lost entries to a truncation or is a stale leader
// beside a newer one) copies its log into an arena of its own first.
type logArena struct {
	entries []Entry
}

// Role is a node's role (R-TERM-1), volatile: a crash loses it.
type Role int

const (
	Follower Role = iota
	Candidate
	Leader
)

// String is the role as a trace spells it (R-TRACE-1).
func (r Role) String() string {
	switch r {
	case Leader:
		return "leader"
	case Candidate:
		return "candidate"
	}
	return "follower"
}

// Node is one replica.
type Node struct {
	ID int
	Up bool
	// Role is volatile; CurrentTerm, VotedFor (0 for none) and the log are
	// persistent and survive a crash (R-TERM-1, R-CRASH-4).
	Role        Role
	CurrentTerm uint64
	VotedFor    int
	// LogLen is the logical length of this node's log (R-SAVED-1): its
	// entries are log.entries[:LogLen].
	LogLen      int
	log         *logArena
	CommitIndex int
	LastApplied int
	Store       *Store
	// Saved is the saved snapshot of R-SAVED-1, nil for none, SavedIndex its
	// last_included_index and SavedTerm its last_included_term: entries
	// 1..SavedIndex are the discarded prefix. Discarding only moves this
	// offset; the entries stay in the arena, which other nodes may share,
	// but the node never reads one at or below SavedIndex (term(SavedIndex)
	// is SavedTerm, R-LOG-4). Saved is persistent (R-SAVED-2) and never
	// modified: an install shares the leader's bytes, and a restore's
	// values alias them.
	Saved      []byte
	SavedIndex int
	SavedTerm  uint64
}

// Term is term(n) of R-LOG-4, for SavedIndex <= n <= LogLen: the saved
// snapshot's last_included_term at SavedIndex (0 at 0), else the entry's.
func (n *Node) Term(i int) uint64 {
	if i == n.SavedIndex {
		return n.SavedTerm
	}
	return n.log.entries[i-1].Term
}

// LastLogTerm is the last log term of R-LOG-4 (0 for an empty log).
func (n *Node) LastLogTerm() uint64 { return n.Term(n.LogLen) }

// appendEntry appends e to n's log (R-LOG-3, R-NOOP-1), in n's arena when
// n's log is all of it, else in a copy of n's log that becomes n's own.
func (n *Node) appendEntry(e Entry) {
	if len(n.log.entries) != n.LogLen {
		own := make([]Entry, n.LogLen, n.LogLen+n.LogLen/2+16)
		copy(own, n.log.entries[:n.LogLen])
		n.log = &logArena{entries: own}
	}
	n.log.entries = append(n.log.entries, e)
	n.LogLen++
}

// Cluster is the whole replicated system: the nodes and the isolated set P.
type Cluster struct {
	nodes []*Node // nodes[id-1]
	// needsElect is R-ELECT-1: the scenario needs the feature elect, so the
	// leader may crash and be isolated. The rules of section 3.4 run either
	// way; without elect they give the bytes of sections 3.1 and 3.2.
	needsElect bool
	// isolated is the set P (R-CLUSTER-4), indexed by node id: one side of
	// the network, its complement the other (R-SIDE-1).
	isolated []bool
	// brought is scratch space for the nodes a round brings in (R-ROUND-2.3).
	brought []*Node
	// counts is scratch space for the commit candidate (R-COMMIT-4).
	counts []int
}

// NewCluster returns the initial cluster of R-CLUSTER-3 and R-TERM-1. n and
// leader were checked when the scenario was read (R-CLUSTER-1, R-CLUSTER-2).
func NewCluster(n, leader int) *Cluster {
	if n < 1 || n > MaxNodes || leader < 1 || leader > n {
		panic(fmt.Sprintf("rsm: cluster of %d nodes with leader %d", n, leader))
	}
	c := &Cluster{
		nodes:    make([]*Node, n),
		isolated: make([]bool, n+1),
		brought:  make([]*Node, 0, n),
		counts:   make([]int, 0, n),
	}
	empty := &logArena{}
	for i := range c.nodes {
		c.nodes[i] = &Node{ID: i + 1, Up: true, CurrentTerm: 1, Store: NewStore(), log: empty}
	}
	c.nodes[leader-1].Role = Leader
	return c
}

// reserveLog sizes the initial leader's log for at most n entries, so that a
// long scenario does not copy it as it grows.
func (c *Cluster) reserveLog(n int) {
	a := c.nodes[0].log
	a.entries = slices.Grow(a.entries, n)
}

// Size is N.
func (c *Cluster) Size() int { return len(c.nodes) }

// Node returns node id (1..N).
func (c *Cluster) Node(id int) *Node { return c.nodes[id-1] }

// Majority is floor(N/2) + 1 over all N nodes (R-CLUSTER-5); ceil(N/2) would
// be one short for even N.
func (c *Cluster) Majority() int { return len(c.nodes)/2 + 1 }

// sameSide reports whether up nodes a and b can exchange messages (R-SIDE-1).
func (c *Cluster) sameSide(a, b int) bool {
	return c.isolated[a] == c.isolated[b]
}

// SnapshotOf returns the snapshot bytes of node id (section 4): its
// current_term and the term of its entry at last_applied (R-WIRE-9; 0 when
// last_applied is 0, and 1 without elect, R-WIRE-2, R-WIRE-4).
func (c *Cluster) SnapshotOf(id int) []byte {
	n := c.Node(id)
	h := SnapshotHeader{CurrentTerm: n.CurrentTerm, LastIncludedIndex: uint64(n.LastApplied)}
	if n.LastApplied > 0 {
		h.LastIncludedTerm = n.Term(n.LastApplied)
	}
	return EncodeSnapshot(h, n.Store.Pairs())
}

// Step is one step. Command is set for client commands, with Via the node it
// is sent to (0: the default leader, R-ROUTE-1); Nodes (or AllNodes) for
// partition and snapshot; Node for crash, restart, compact and elect.
//
// adapters/README.md lists Step and InvalidStep in scenario, but Cluster.Step
// takes the one and returns the other, and cluster.go uses nothing above it
// in the file map (layers_test.go), so both are declared here: the README's
// "step type below cluster". scenario.go needs no re-export to use them, as
// every file of a Go package sees every other's names.
type Step struct {
	Op      Op
	Command *Command
	Via     int
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
	var err *InvalidStep
	switch st.Op {
	case OpPut, // {"op":"put","key":"a","value":"31"}
		OpDelete, // {"op":"delete","key":"a"}
		OpAppend, // {"op":"append","key":"a","value":"00ff","via":2}
		OpIncr,   // {"op":"incr","key":"n","delta":"1"}
		OpCas:    // {"op":"cas","key":"a","expected":null,"value":"31"}
		err = c.propose(st.Command, st.Via)
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
	case OpElect: // {"op":"elect","node":2}
		err = c.elect(st.Node)
	default:
		return nil, invalid("op", "R-SCEN-3", "op %q is not implemented", st.Op)
	}
	if err != nil {
		return nil, err
	}
	// Nobody rejoins outside the round (R-PART-4): a node that changed side
	// or came up is brought in by its side's leader there (R-ROUND-2.3),
	// which without elect is R-REJOIN-1's rejoin, in the same order.
	c.replicationRound()
	return nil, nil
}

// propose sends a client command to a leader, which appends it (R-LOG-3,
// R-ROUTE-1): to via, or to the up leader of the highest term. A command
// whose node is down or not a leader, or that finds no up leader, is
// dropped: nothing is appended, and the round still runs. Nothing is applied
// here; the round applies it once committed.
func (c *Cluster) propose(cmd *Command, via int) *InvalidStep {
	var ld *Node
	if via != 0 {
		if err := c.checkNode("via", via); err != nil {
			return err
		}
		if n := c.Node(via); n.Up && n.Role == Leader {
			ld = n
		}
	} else {
		for _, n := range c.nodes {
			// R-ELECT-5: no two up leaders share a term, so there is no tie.
			if n.Up && n.Role == Leader && (ld == nil || n.CurrentTerm > ld.CurrentTerm) {
				ld = n
			}
		}
	}
	if ld != nil {
		ld.appendEntry(Entry{Term: ld.CurrentTerm, Command: cmd})
	}
	return nil
}

// partition replaces P (R-PART-1).
func (c *Cluster) partition(nodes []int) *InvalidStep {
	seen := make(map[int]bool, len(nodes))
	for i, id := range nodes {
		field := "nodes[" + strconv.Itoa(i) + "]"
		if err := c.checkNode(field, id); err != nil {
			return err
		}
		// R-PART-2 without elect, where the leader is L throughout; R-PART-4
		// lets a scenario that needs elect isolate anyone.
		if !c.needsElect && c.Node(id).Role == Leader {
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

// crash takes a node down (R-CRASH-3, R-CRASH-4).
func (c *Cluster) crash(id int) *InvalidStep {
	if err := c.checkNode("node", id); err != nil {
		return err
	}
	n := c.Node(id)
	// R-CRASH-1 without elect, where only L is ever a leader and it is
	// always up; with elect any up node may crash (R-CRASH-4).
	if !c.needsElect && n.Role == Leader {
		return invalid("node", "R-CRASH-1", "crash of node %d, the leader, is not allowed", id)
	}
	if !n.Up {
		return invalid("node", "R-CRASH-2", "crash of node %d, which is already down", id)
	}
	n.Up = false
	// R-CRASH-3, R-CRASH-4: the log, current_term and voted_for are
	// persistent and kept (the log still counts for commit, R-COMMIT-4); the
	// role goes with the rest of the volatile state.
	c.forgetVolatile(n)
	return nil
}

// restart brings a node back up (R-RESTART-2, R-CRASH-4). Whether it is
// brought in is up to the round: only by a leader of its side.
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
// (R-COMPACT-2, R-COMPACT-4). Nothing else changes; Step runs the round
// after it.
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
	// The term of the entry at last_applied is read before it is discarded.
	term := uint64(0)
	if n.LastApplied > 0 {
		term = n.Term(n.LastApplied)
	}
	n.Saved = c.SnapshotOf(id)
	n.SavedIndex, n.SavedTerm = n.LastApplied, term
	return nil
}

// elect is the elect step (R-ELECT-2 .. R-ELECT-4): node id becomes a
// candidate of a new term, asks every up node of its side for a vote, and
// steps down, wins (with a no-op, R-NOOP-1) or stays a candidate.
func (c *Cluster) elect(id int) *InvalidStep {
	if err := c.checkNode("node", id); err != nil {
		return err
	}
	cand := c.Node(id)
	// R-ELECT-2: any up node, whatever its role.
	if !cand.Up {
		return invalid("node", "R-ELECT-2", "elect of node %d, which is down", id)
	}
	// R-ELECT-3
	cand.CurrentTerm++
	cand.Role = Candidate
	cand.VotedFor = id
	votes := 1
	var higher uint64 // the highest term of a voter that refused under R-VOTE-1.1
	lastTerm, lastIndex := cand.LastLogTerm(), cand.LogLen
	// R-VOTE-1: each voter decides on its own state alone; ascending ids.
	for _, v := range c.nodes {
		if v == cand || !v.Up || !c.sameSide(v.ID, id) {
			continue
		}
		if v.CurrentTerm > cand.CurrentTerm { // 1.
			higher = max(higher, v.CurrentTerm)
			continue
		}
		if v.CurrentTerm < cand.CurrentTerm { // 2.
			v.CurrentTerm, v.VotedFor, v.Role = cand.CurrentTerm, 0, Follower
		}
		// 3. One vote per term, to a log at least as up-to-date (R-VOTE-2).
		if (v.VotedFor == 0 || v.VotedFor == id) && upToDate(lastTerm, lastIndex, v) {
			v.VotedFor = id
			votes++
		}
	}
	// R-ELECT-4, in its order.
	switch {
	case higher > 0: // (a)
		cand.CurrentTerm, cand.VotedFor, cand.Role = higher, 0, Follower
	case votes >= c.Majority(): // (b)
		cand.Role = Leader
		cand.appendEntry(Entry{Term: cand.CurrentTerm})
	}
	// (c) otherwise it stays a candidate: nothing retries.
	return nil
}

// upToDate is R-VOTE-2: a candidate's log, by its last term and index, is
// at least as up-to-date as v's: the last term first, the length only breaks
// a tie (Raft 5.4.1).
func upToDate(lastTerm uint64, lastIndex int, v *Node) bool {
	vt := v.LastLogTerm()
	return lastTerm > vt || (lastTerm == vt && lastIndex >= v.LogLen)
}

// checkNode is R-NODE-1 for the node id at field.
func (c *Cluster) checkNode(field string, id int) *InvalidStep {
	if id < 1 || id > c.Size() {
		return invalid(field, "R-NODE-1", "node %d is not in 1..%d", id, c.Size())
	}
	return nil
}

// restore brings a node up from its persistent state (R-RESTART-2,
// R-HEAL-1, R-CRASH-4): a follower, from its saved snapshot when it has one
// (R-SAVED-3), decoded once, else empty with indices 0 as in v1.
//
// Without elect, a node outside P is brought in by L in this same step and
// takes L's store and indices, since its saved index is at most L's commit
// index: the restored state shows only inside P, so it is decoded only then
// (heal empties P first, so heal never decodes). With elect its side may
// have no leader, or one whose commit index is lower, so it always is.
func (c *Cluster) restore(n *Node) {
	c.forgetVolatile(n)
	if n.Saved == nil || (!c.needsElect && !c.isolated[n.ID]) {
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

// forgetVolatile empties what a crash loses and a restart starts from: the
// store, both indices and the role (R-CRASH-3, R-TERM-1).
func (c *Cluster) forgetVolatile(n *Node) {
	n.Store = NewStore()
	n.CommitIndex = 0
	n.LastApplied = 0
	n.Role = Follower
}

// rejoin brings follower f in to leader ld (R-ROUND-2.3): f takes ld's term,
// becomes a follower, takes ld's saved snapshot when it lacks ld's entry at
// its saved index (R-INSTALL-4), takes ld's log (R-TRUNC-1), and ld's store
// when it has applied less than ld has committed. Without elect this is v1's
// rejoin (R-REJOIN-2, R-INSTALL-1) for a node that was cut off, and changes
// nothing for one that was reachable in the round before.
func (c *Cluster) rejoin(ld, f *Node) {
	if f.CurrentTerm < ld.CurrentTerm {
		f.CurrentTerm, f.VotedFor = ld.CurrentTerm, 0
	}
	f.Role = Follower
	if ld.Saved != nil && !holds(f, ld.SavedIndex, ld.SavedTerm) {
		// The same bytes, shared: neither node ever modifies them.
		f.Saved, f.SavedIndex, f.SavedTerm = ld.Saved, ld.SavedIndex, ld.SavedTerm
	}
	// R-TRUNC-1: f keeps its entries up to the last index at which both logs
	// hold an entry of the same term and takes ld's after it. By Log
	// Matching both logs are equal up to there, so the result is ld's log:
	// f shares ld's arena, whatever f held after that index. A committed
	// entry is never removed (Leader Completeness), which f's applied
	// entries, all committed, let this check cheaply: f's entry at its
	// last_applied is still there, of the same term.
	if f.LastApplied > ld.LogLen || (f.LastApplied > max(f.SavedIndex, ld.SavedIndex) &&
		f.LastApplied <= f.LogLen && f.Term(f.LastApplied) != ld.Term(f.LastApplied)) {
		panic(fmt.Sprintf("rsm: node %d would lose its applied entry %d to leader %d's log", f.ID, f.LastApplied, ld.ID))
	}
	f.log, f.LogLen = ld.log, ld.LogLen
	// f.store := ld's log up to ld.commit_index applied to an empty store,
	// which is ld's own store: ld applies up to its commit index in every
	// round (R-APPLY-1), and rejoin runs before this round's commit. Cloning
	// it costs the store, not the log (R-PROTO-12).
	if f.LastApplied < ld.CommitIndex {
		if ld.LastApplied != ld.CommitIndex {
			panic(fmt.Sprintf("rsm: leader applied %d != committed %d at rejoin", ld.LastApplied, ld.CommitIndex))
		}
		f.Store = ld.Store.Clone()
		f.CommitIndex = ld.CommitIndex
		f.LastApplied = ld.CommitIndex
	}
}

// holds reports whether f holds the entry of term term at index s
// (R-INSTALL-4): s is in f's discarded prefix, or f's log reaches s with an
// entry of that term.
func holds(f *Node, s int, term uint64) bool {
	return s <= f.SavedIndex || (f.LogLen >= s && f.Term(s) == term)
}

// replicationRound is the round of R-ROUND-2, on each side in turn: first the
// nodes not in P, then P's side. The order is observable: a leader's count
// (R-COMMIT-4) reads the other side's logs, which that side's round may replace.
func (c *Cluster) replicationRound() {
	c.sideRound(false)
	c.sideRound(true)
}

// sideRound is R-ROUND-2 on the side whose nodes have isolated[id] == inP:
// step-down, bring-in, commit, apply.
func (c *Cluster) sideRound(inP bool) {
	var top uint64 // T, the highest current_term among the side's up nodes
	for _, n := range c.nodes {
		if n.Up && c.isolated[n.ID] == inP {
			top = max(top, n.CurrentTerm)
		}
	}
	// 1. Step-down; 2. no leader left, nothing else happens on this side.
	var ld *Node
	for _, n := range c.nodes {
		if !n.Up || c.isolated[n.ID] != inP || n.Role != Leader {
			continue
		}
		if n.CurrentTerm < top {
			n.CurrentTerm, n.VotedFor, n.Role = top, 0, Follower
			continue
		}
		if ld != nil {
			panic(fmt.Sprintf("rsm: nodes %d and %d both lead term %d on one side", ld.ID, n.ID, top))
		}
		ld = n
	}
	if ld == nil {
		return
	}
	// 3. Bring in every other up node of the side, ascending.
	c.brought = c.brought[:0]
	for _, f := range c.nodes {
		if f != ld && f.Up && c.isolated[f.ID] == inP {
			c.rejoin(ld, f)
			c.brought = append(c.brought, f)
		}
	}
	// 4. Commit and apply on ld; 5. then on each node brought in.
	c.commit(ld)
	c.applyCommitted(ld)
	for _, f := range c.brought {
		f.CommitIndex = max(f.CommitIndex, ld.CommitIndex)
		c.applyCommitted(f)
	}
}

// commit advances ld's commit index to the candidate of R-COMMIT-4, never
// back (R-COMMIT-2).
func (c *Cluster) commit(ld *Node) {
	if n := c.commitCandidate(ld); n > ld.CommitIndex {
		ld.CommitIndex = n
	}
}

// counts reports whether node x counts for index i in R-COMMIT-4: it holds
// an entry of term t at i, above its saved index. Every node counts this way,
// up or down, on either side.
func counts(x *Node, i int, t uint64) bool {
	return x.LogLen >= i && i > x.SavedIndex && x.Term(i) == t
}

// commitCandidate is n of R-COMMIT-4: the largest index at which ld's entry
// is of its term T and a majority of all N nodes hold an entry of term T
// above their saved index; only an index above ld's commit index matters.
//
// ld's last entry is of term T (its no-op, or, for L in term 1, any entry),
// and in a log terms never decrease, so each node x counts at every index
// from some lo_x up to hi_x, the last index up to ld's length at which x
// holds an entry of term T. The answer is then one of the hi_x, at most the
// majority-th largest of them, and the first of those, downwards, that a
// majority counts for is it.
func (c *Cluster) commitCandidate(ld *Node) int {
	t, maj := ld.CurrentTerm, c.Majority()
	top := ld.LogLen
	if top <= ld.CommitIndex || ld.Term(top) != t {
		return 0
	}
	// Fast path: a majority holds all of ld's log.
	if c.countAt(top, t) >= maj {
		return top
	}
	c.counts = c.counts[:0]
	for _, x := range c.nodes {
		c.counts = append(c.counts, lastOfTerm(x, t, top))
	}
	slices.Sort(c.counts)
	slices.Reverse(c.counts)
	for k := maj - 1; k < len(c.counts); k++ {
		v := c.counts[k]
		if v <= ld.CommitIndex {
			break
		}
		if (k > maj-1 && v == c.counts[k-1]) || ld.Term(v) != t {
			continue
		}
		if c.countAt(v, t) >= maj {
			return v
		}
	}
	return 0
}

// countAt is how many nodes count for index i with term t (R-COMMIT-4).
func (c *Cluster) countAt(i int, t uint64) int {
	k := 0
	for _, x := range c.nodes {
		if counts(x, i, t) {
			k++
		}
	}
	return k
}

// lastOfTerm is the last index i <= limit at which x counts for term t
// (counts), or 0: terms never decrease along a log, so a binary search.
func lastOfTerm(x *Node, t uint64, limit int) int {
	m := min(x.LogLen, limit)
	if m <= x.SavedIndex {
		return 0
	}
	if got := x.Term(m); got == t {
		return m
	} else if got < t {
		return 0
	}
	// The entries x.SavedIndex+1 .. m; find the first of term > t.
	lo := x.SavedIndex + 1
	i := lo + sort.Search(m-lo+1, func(k int) bool { return x.Term(lo+k) > t })
	if i-1 >= lo && x.Term(i-1) == t {
		return i - 1
	}
	return 0
}

// applyCommitted applies entries last_applied+1..commit_index in index order
// (R-APPLY-1); a no-op changes no store (R-NOOP-1).
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
		if cmd := n.log.entries[n.LastApplied].Command; cmd != nil {
			ApplyCommand(n.Store, cmd)
		}
		n.LastApplied++
	}
}

//! The cluster: nodes, the isolated set P, the cluster events, the replication round, compaction
//! with saved snapshots and install, and elections (SPEC.md sections 1, 2.2, 3, 3.3 and 3.4).
//!
//! The step vocabulary (`NodeId`, `Step`, `InvalidStep`) is defined here, at the bottom of the
//! layers that use it, so that dependencies only point down the file map of adapters/README.md:
//! `scenario` builds these types from the wire and re-exports them, and `Cluster::step` takes them
//! without knowing about JSON.
//!
//! One set of rules runs every scenario: section 3.4's, which SPEC.md writes for all scenarios and
//! which give v1's bytes when nothing needs `elect` (every term 1, L the only leader, never down
//! and never in P). Only the validity of crashing or isolating the leader depends on whether the
//! scenario needs `elect` (R-ELECT-1).

use std::fmt;
use std::rc::Rc;

use crate::snapshot::{SnapshotHeader, decode_snapshot, encode_snapshot};
use crate::state_machine::{Command, apply_command};
use crate::store::Store;

/// A node id, 1..=N (R-CLUSTER-1).
pub type NodeId = usize;

/// One step of a normalized scenario (section 2), in schema order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// put, delete, append, incr or cas (R-LOG-3), sent to `via` or, without it, to the default
    /// leader (R-ROUTE-1).
    Command {
        command: Command,
        via: Option<NodeId>,
    },
    Partition {
        nodes: Vec<NodeId>,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    Heal,
    Snapshot {
        nodes: Vec<NodeId>,
    },
    /// Optional feature `compact` (section 3.3).
    Compact {
        node: NodeId,
    },
    /// Optional feature `elect` (section 3.4).
    Elect {
        node: NodeId,
    },
}

impl Step {
    /// R-ELECT-1: a scenario needs `elect` when it has an `elect` step or a command with `via`.
    pub fn needs_elect(&self) -> bool {
        matches!(
            self,
            Step::Elect { .. } | Step::Command { via: Some(_), .. }
        )
    }
}

/// A scenario that SPEC.md rejects: the JSON path of the offending field as SPEC.md writes it
/// (section 5), the rule it breaks, and what is wrong. Displayed as
/// `steps[7].node: crash of node 1, the leader, is not allowed (R-CRASH-1)`, which the adapter
/// sends as the message of its error reply (R-PROTO-8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidStep {
    /// `steps[7].node`, `steps[2].value`, `cluster.leader`. The cluster knows neither the step's
    /// index nor that its settings sit under `cluster`, so its paths start at the step (`node`,
    /// `nodes[1]`) and the caller adds the rest with `under`.
    pub path: String,
    /// The rule id, e.g. `R-CRASH-1`.
    pub rule: &'static str,
    pub message: String,
}

impl InvalidStep {
    pub fn new(path: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            rule,
            message: message.into(),
        }
    }

    /// The same error seen from `parent`: `node` under `steps[7]` is `steps[7].node`.
    pub fn under(mut self, parent: impl fmt::Display) -> Self {
        self.path = format!("{parent}.{}", self.path);
        self
    }
}

impl fmt::Display for InvalidStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.rule)
    }
}

impl std::error::Error for InvalidStep {}

/// R-TERM-1: a node's role. Volatile: a node that comes up is a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Leader,
    Candidate,
    Follower,
}

impl Role {
    /// As R-TRACE-1 writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Candidate => "candidate",
            Role::Follower => "follower",
        }
    }
}

pub struct Cluster {
    /// `cluster.leader`, L: the leader of term 1 (R-TERM-1), and, when the scenario does not need
    /// `elect`, the one node that may not crash or be isolated (R-CRASH-1, R-PART-2).
    leader: NodeId,
    /// Whether the scenario needs `elect` (R-ELECT-1).
    elect: bool,
    /// `nodes[id - 1]` is node `id`.
    nodes: Vec<Node>,
    /// The isolated set P (R-CLUSTER-4), one of the two sides (R-SIDE-1): `isolated[id - 1]`.
    isolated: Vec<bool>,
    /// Every entry ever appended, by term. A term's entries are appended by its one leader
    /// (R-ELECT-5) at the end of its own log, which nothing truncates while it leads, so they
    /// are one contiguous run of indices, and any node's entry of that term at an index is that
    /// leader's (Log Matching). A node's log is then a list of `Run`s into these.
    terms: Vec<TermLog>,
    /// The committed entries: every node's applied entries are a prefix of this one sequence
    /// (State Machine Safety, which the reference asserts), so a node's store is a function of
    /// its last_applied alone (see `Cluster::store`).
    committed: Vec<EntryRef>,
    /// A replay of `committed` shared by every node at the index it has reached (usually the
    /// leader and the followers in step with it).
    shared: Replay,
    /// Reused by `commit` so that a round allocates nothing.
    spans: Vec<(usize, usize)>,
}

/// The entries of one term: `entries[k]` is index `first + k`; `None` is the no-op (R-NOOP-1).
struct TermLog {
    term: u64,
    first: usize,
    entries: Vec<Option<Command>>,
}

/// A node's entries from index `first` on (up to the next run, or the log's length) are those of
/// `terms[slot]`, of term `term`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    term: u64,
    first: usize,
    slot: usize,
}

/// Where an entry lives: `terms[slot].entries[pos]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct EntryRef {
    slot: usize,
    pos: usize,
}

/// A store built by applying the first `through` committed entries to an empty store.
#[derive(Clone, Debug, Default)]
struct Replay {
    store: Store,
    through: usize,
}

impl Cluster {
    /// R-CLUSTER-1, R-CLUSTER-2, R-CLUSTER-3, R-TERM-1. `elect` says whether the scenario needs
    /// the feature `elect` (R-ELECT-1; `Step::needs_elect`).
    pub fn new(nodes: usize, leader: NodeId, elect: bool) -> Result<Self, InvalidStep> {
        if !(1..=255).contains(&nodes) {
            return Err(InvalidStep::new(
                "nodes",
                "R-CLUSTER-1",
                format!("{nodes} nodes is outside 1..255"),
            ));
        }
        if !(1..=nodes).contains(&leader) {
            return Err(InvalidStep::new(
                "leader",
                "R-CLUSTER-2",
                format!("leader {leader} is outside 1..{nodes}"),
            ));
        }
        let mut all = vec![Node::new(); nodes];
        // L leads term 1 from the start, with no no-op: its term-1 entries start at index 1.
        let first_run = Rc::new(vec![Run {
            term: 1,
            first: 1,
            slot: 0,
        }]);
        all[leader - 1].role = Role::Leader;
        all[leader - 1].runs = first_run;
        Ok(Self {
            leader,
            elect,
            nodes: all,
            isolated: vec![false; nodes],
            terms: vec![TermLog {
                term: 1,
                first: 1,
                entries: Vec::new(),
            }],
            committed: Vec::new(),
            shared: Replay::default(),
            spans: Vec::with_capacity(nodes),
        })
    }

    /// Applies one step, then the replication round every step but `snapshot` ends with
    /// (R-SNAP-3: a snapshot changes nothing, so it returns before the round). Returns the
    /// snapshots a `snapshot` step emits, as (node, bytes), in listed order. A step the cluster
    /// refuses changes nothing, as every check comes before the first change.
    pub fn step(&mut self, step: Step) -> Result<Vec<(NodeId, Vec<u8>)>, InvalidStep> {
        // Schema order. The five client commands share one arm: the log holds them alike, and
        // `apply_command` tells them apart once they are committed.
        match step {
            // {"op":"put","key":"a","value":"31"}, and delete, append, incr and cas alike, each
            // with an optional "via":2
            Step::Command { command, via } => self.propose(command, via)?,
            // {"op":"partition","nodes":[3]}
            Step::Partition { nodes } => self.partition(&nodes)?,
            // {"op":"crash","node":2}
            Step::Crash { node } => self.crash(node)?,
            // {"op":"restart","node":2}
            Step::Restart { node } => self.restart(node)?,
            // {"op":"heal"}
            Step::Heal => self.heal(),
            // {"op":"snapshot","nodes":[1,2,3]}
            Step::Snapshot { nodes } => return self.snapshot(&nodes),
            // {"op":"compact","node":2}
            Step::Compact { node } => self.compact(node)?,
            // {"op":"elect","node":2}
            Step::Elect { node } => self.elect(node)?,
        }
        self.replication_round();
        Ok(Vec::new())
    }

    /// R-ROUTE-1, R-LOG-3: the command goes to `via`, or to the default leader; if that node is
    /// down or not a leader, or there is none, it is dropped: nothing is appended anywhere. A
    /// leader appends whatever side it is on. Nothing is applied until a round commits it.
    fn propose(&mut self, command: Command, via: Option<NodeId>) -> Result<(), InvalidStep> {
        if let Some(via) = via {
            self.check_id(via, "via")?;
        }
        let Some(id) = via.or_else(|| self.default_leader()) else {
            return Ok(());
        };
        let node = self.node(id);
        if node.up && node.role == Role::Leader {
            self.append(id, Some(command));
        }
        Ok(())
    }

    /// R-PART-1, R-PART-4: P is replaced. Nobody rejoins here: the round brings in every node
    /// of a side that has a leader (R-ROUND-2).
    fn partition(&mut self, nodes: &[NodeId]) -> Result<(), InvalidStep> {
        let mut isolated = vec![false; self.nodes.len()];
        for (i, &id) in nodes.iter().enumerate() {
            let path = format!("nodes[{i}]");
            self.check_id(id, &path)?;
            if !self.elect && id == self.leader {
                return Err(InvalidStep::new(
                    path,
                    "R-PART-2",
                    format!("node {id}, the leader, cannot be isolated"),
                ));
            }
            if isolated[id - 1] {
                return Err(InvalidStep::new(
                    path,
                    "R-PART-3",
                    format!("node {id} is listed twice"),
                ));
            }
            isolated[id - 1] = true;
        }
        self.isolated = isolated;
        Ok(())
    }

    fn crash(&mut self, id: NodeId) -> Result<(), InvalidStep> {
        self.check_id(id, "node")?;
        if !self.elect && id == self.leader {
            return Err(InvalidStep::new(
                "node",
                "R-CRASH-1",
                format!("crash of node {id}, the leader, is not allowed"),
            ));
        }
        if !self.node(id).up {
            return Err(InvalidStep::new(
                "node",
                "R-CRASH-2",
                format!("crash of node {id}, which is already down"),
            ));
        }
        // R-CRASH-3, R-CRASH-4: current_term, voted_for, the log and `saved` survive (the log
        // still counts for commit); the role, store and indices do not.
        let node = self.node_mut(id);
        node.up = false;
        node.lose_volatile_state();
        Ok(())
    }

    fn restart(&mut self, id: NodeId) -> Result<(), InvalidStep> {
        self.check_id(id, "node")?;
        if self.node(id).up {
            return Err(InvalidStep::new(
                "node",
                "R-RESTART-1",
                format!("restart of node {id}, which is up"),
            ));
        }
        // R-RESTART-2, R-CRASH-4: up as a follower, empty, indices 0, its persistent state
        // kept, or restored from its saved snapshot (R-SAVED-3). The round brings it in if its
        // side has a leader; otherwise it stays like that.
        self.node_mut(id).come_up();
        self.restore(id);
        Ok(())
    }

    /// R-HEAL-1, R-PART-4: valid in any state; one side, every down node up (restored from its
    /// saved snapshot when it has one, R-SAVED-3).
    fn heal(&mut self) {
        self.isolated.fill(false);
        for id in 1..=self.nodes.len() {
            if !self.node(id).up {
                self.node_mut(id).come_up();
                self.restore(id);
            }
        }
    }

    fn snapshot(&mut self, nodes: &[NodeId]) -> Result<Vec<(NodeId, Vec<u8>)>, InvalidStep> {
        if nodes.is_empty() {
            return Err(InvalidStep::new(
                "nodes",
                "R-SNAP-1",
                "the node list is empty",
            ));
        }
        let mut listed = vec![false; self.nodes.len()];
        for (i, &id) in nodes.iter().enumerate() {
            let path = format!("nodes[{i}]");
            self.check_id(id, &path)?;
            if std::mem::replace(&mut listed[id - 1], true) {
                return Err(InvalidStep::new(
                    path,
                    "R-SNAP-1",
                    format!("node {id} is listed twice"),
                ));
            }
            if !self.node(id).up {
                return Err(InvalidStep::new(
                    path,
                    "R-SNAP-2",
                    format!("snapshot of node {id}, which is down"),
                ));
            }
        }
        // R-SNAP-3: in the order given.
        Ok(nodes
            .iter()
            .map(|&id| (id, self.node_snapshot(id)))
            .collect())
    }

    /// R-COMPACT-1, R-COMPACT-2, R-COMPACT-4: the node saves the bytes a snapshot step would
    /// emit for it now (its current_term, and the term of its entry at last_applied) and
    /// discards entries 1..last_applied of its log. The entries live in `terms`, so discarding
    /// is moving `saved_index`: nothing is shifted or copied, and the logical length does not
    /// change. Nothing else changes; a leader stays a leader.
    fn compact(&mut self, id: NodeId) -> Result<(), InvalidStep> {
        self.check_id(id, "node")?;
        if !self.node(id).up {
            return Err(InvalidStep::new(
                "node",
                "R-COMPACT-1",
                format!("compact of node {id}, which is down"),
            ));
        }
        let bytes = self.node_snapshot(id);
        let node = self.node_mut(id);
        node.saved_index = node.last_applied;
        node.saved = Some(bytes);
        Ok(())
    }

    /// R-ELECT-2 .. R-ELECT-4, R-VOTE-1, R-VOTE-2: node `id` becomes a candidate of its next
    /// term and asks every up node of its side for a vote; the step's round follows.
    fn elect(&mut self, id: NodeId) -> Result<(), InvalidStep> {
        self.check_id(id, "node")?;
        if !self.node(id).up {
            return Err(InvalidStep::new(
                "node",
                "R-ELECT-2",
                format!("elect of node {id}, which is down"),
            ));
        }
        // R-ELECT-3: whatever its role, a new term, and its own vote.
        let candidate = self.node_mut(id);
        candidate.current_term += 1;
        candidate.role = Role::Candidate;
        candidate.voted_for = Some(id);
        let term = candidate.current_term;
        let last = self.last_log(id);
        let side = self.isolated[id - 1];
        let mut votes = 1;
        // The highest term of a voter that refused under R-VOTE-1.1.
        let mut higher: Option<u64> = None;
        for v in 1..=self.nodes.len() {
            if v == id || !self.node(v).up || self.isolated[v - 1] != side {
                continue;
            }
            let voter_last = self.last_log(v);
            let voter = self.node_mut(v);
            // R-VOTE-1.1: a voter of a higher term refuses and changes nothing.
            if voter.current_term > term {
                higher = higher.max(Some(voter.current_term));
                continue;
            }
            // R-VOTE-1.2: a lower term is adopted, and a leader or candidate steps down.
            if voter.current_term < term {
                voter.current_term = term;
                voter.voted_for = None;
                voter.role = Role::Follower;
            }
            // R-VOTE-1.3, R-VOTE-2: one vote per term, to a log at least as up-to-date, the
            // last entry's term first and the length only on a tie.
            if voter.voted_for.is_none_or(|c| c == id) && last >= voter_last {
                voter.voted_for = Some(id);
                votes += 1;
            }
        }
        // R-ELECT-4, in this order.
        let majority = self.nodes.len() / 2 + 1;
        if let Some(higher) = higher {
            let candidate = self.node_mut(id);
            candidate.current_term = higher;
            candidate.voted_for = None;
            candidate.role = Role::Follower;
        } else if votes >= majority {
            self.node_mut(id).role = Role::Leader;
            self.append(id, None);
        }
        // Otherwise it lost, and stays a candidate of its new term.
        Ok(())
    }

    /// R-SAVED-3: a node just come up (restart, heal) with a saved snapshot is restored from it,
    /// its pairs and both indices at its last_included_index, instead of keeping the empty state
    /// of R-RESTART-2; its current_term stays its own (R-COMPACT-4). The store comes from the
    /// bytes, not from a replay of the log, as it would for bytes another port wrote (see
    /// `Cluster::store`); they are decoded once, here.
    fn restore(&mut self, id: NodeId) {
        let node = self.node_mut(id);
        let Some(saved) = &node.saved else {
            return;
        };
        let decoded = decode_snapshot(saved)
            .expect("a saved snapshot is bytes this port encoded, which always decode");
        let index = usize::try_from(decoded.header.last_included_index)
            .expect("an index this port wrote from a usize");
        debug_assert_eq!(
            index, node.saved_index,
            "saved_index is the saved bytes' index"
        );
        let store: Store = decoded.pairs.into_iter().collect();
        node.commit_index = index;
        node.set_last_applied(index);
        // Index 0 is the empty store, which `Cluster::store` gives without it.
        node.restored = (index > 0).then_some(store);
    }

    /// R-ROUND-2.3: leader `ld` brings in follower `f` of its side (the one-shot push of
    /// R-REJOIN-2, now for every node of the side in every round; for one that already equals
    /// the leader it changes nothing).
    ///
    /// R-INSTALL-4 first, before the log is touched: `f` installs `ld`'s saved snapshot (the same
    /// bytes, never re-encoded, and its discarded prefix) when `f` does not hold `ld`'s entry at
    /// `ld`'s saved_index s: unless s <= f's saved_index, or f's log reaches s with the same
    /// term there. Installing leaves f's current_term and voted_for alone.
    ///
    /// R-TRUNC-1: f keeps its entries up to the last index both logs hold with the same term,
    /// and takes ld's after it; by Log Matching the entries it keeps are ld's, so afterwards
    /// f's log is ld's, which here is taking ld's runs (shared, not copied). f's own discarded
    /// prefix stays (its entries are committed, and ld holds them).
    ///
    /// Then, if f has applied less than ld has committed, f's store becomes ld's, the replay of
    /// ld's log to its commit index, which `store` derives from last_applied: nothing is copied.
    fn rejoin(&mut self, ld: NodeId, f: NodeId) {
        let term = self.node(ld).current_term;
        let (commit_index, log_len) = (self.node(ld).commit_index, self.node(ld).log_len);
        let install = self.node(ld).saved.as_ref().and_then(|saved| {
            let s = self.node(ld).saved_index;
            let follower = self.node(f);
            let holds = s <= follower.saved_index
                || (follower.log_len >= s && self.term_at(f, s) == self.term_at(ld, s));
            (!holds).then(|| (saved.clone(), s))
        });
        let runs = Rc::clone(&self.node(ld).runs);
        let follower = self.node_mut(f);
        if follower.current_term < term {
            follower.current_term = term;
            follower.voted_for = None;
        }
        follower.role = Role::Follower;
        if let Some((saved, saved_index)) = install {
            follower.saved = Some(saved);
            follower.saved_index = saved_index;
        }
        debug_assert!(
            follower.commit_index <= log_len,
            "a committed entry would be truncated (Leader Completeness)"
        );
        follower.runs = runs;
        follower.log_len = log_len;
        if follower.last_applied < commit_index {
            follower.commit_index = commit_index;
            follower.set_last_applied(commit_index);
        }
    }

    /// R-ROUND-2: one round on each side on its own; the sides share no node, so their order
    /// does not matter.
    fn replication_round(&mut self) {
        self.round_on_side(false);
        self.round_on_side(true);
    }

    /// R-ROUND-2 on one side: step-down, bring-in, commit, apply.
    fn round_on_side(&mut self, isolated: bool) {
        let on_side = |cluster: &Self, id: NodeId| {
            cluster.node(id).up && cluster.isolated[id - 1] == isolated
        };
        let n = self.nodes.len();
        let Some(top) = (1..=n)
            .filter(|&id| on_side(self, id))
            .map(|id| self.node(id).current_term)
            .max()
        else {
            return;
        };
        // 1. A leader of a lower term hears of the higher one and steps down.
        let mut leader = None;
        for id in 1..=n {
            if !on_side(self, id) || self.node(id).role != Role::Leader {
                continue;
            }
            let node = self.node_mut(id);
            if node.current_term < top {
                node.current_term = top;
                node.voted_for = None;
                node.role = Role::Follower;
            } else {
                debug_assert!(leader.is_none(), "two leaders of term {top} (R-ELECT-5)");
                leader = Some(id);
            }
        }
        // 2. No leader: nothing else changes on this side.
        let Some(ld) = leader else {
            return;
        };
        // 3. Every other up node of the side, in ascending id order.
        for f in 1..=n {
            if f != ld && on_side(self, f) {
                self.rejoin(ld, f);
            }
        }
        // 4. R-COMMIT-4, and the leader applies first (R-APPLY-1).
        self.commit(ld);
        let commit_index = self.node(ld).commit_index;
        self.node_mut(ld).apply_committed();
        // 5. Then every node brought in, in ascending id order.
        for f in 1..=n {
            if f != ld && on_side(self, f) {
                let node = self.node_mut(f);
                node.commit_index = node.commit_index.max(commit_index);
                node.apply_committed();
            }
        }
    }

    /// R-COMMIT-4 (R-COMMIT-1 when every term is 1): ld's commit candidate n is the largest
    /// index at which ld's entry has ld's term T and a majority of all N nodes hold an entry of
    /// term T above their saved_index, counting every node's log as it is (the other side's and
    /// down nodes' too). Entries of earlier terms are never counted (Figure 8).
    ///
    /// A node's entries of term T are one run of indices: term T's entries are ld's, appended
    /// at the end of its log, and a log's terms never go down. So the node counts for exactly
    /// the n in [max(run start, saved_index + 1), min(run end, log length)], and n is found
    /// from those spans without looking at any entry.
    fn commit(&mut self, ld: NodeId) {
        let term = self.node(ld).current_term;
        // R-CLUSTER-5: floor(N / 2) + 1 over all N, so 3 of 4 and 2 of 2, not ceil(N / 2).
        let majority = self.nodes.len() / 2 + 1;
        self.spans.clear();
        for node in &self.nodes {
            let runs = &node.runs;
            let Ok(k) = runs.binary_search_by(|run| run.term.cmp(&term)) else {
                continue;
            };
            let end = runs
                .get(k + 1)
                .map_or(node.log_len, |next| next.first - 1)
                .min(node.log_len);
            let start = runs[k].first.max(node.saved_index + 1);
            if start <= end {
                self.spans.push((start, end));
            }
        }
        let candidate = if self.spans.len() < majority {
            0
        } else {
            // The majority-th largest span end is held by at least `majority` spans' ends, any
            // larger one by fewer. Selecting it is linear in N, where sorting would not be.
            let (_, &mut (_, end), _) = self
                .spans
                .select_nth_unstable_by(majority - 1, |a, b| b.1.cmp(&a.1));
            let holds = |n: usize, spans: &[(usize, usize)]| {
                spans.iter().filter(|&&(s, e)| s <= n && n <= e).count() >= majority
            };
            if holds(end, &self.spans) {
                end
            } else {
                // A span starting above that end (a node compacted past it): try each smaller
                // end in turn. Only the largest qualifying n matters.
                let mut ends: Vec<usize> = self.spans.iter().map(|&(_, e)| e).collect();
                ends.sort_unstable_by(|a, b| b.cmp(a));
                ends.into_iter()
                    .filter(|&e| e < end)
                    .find(|&e| holds(e, &self.spans))
                    .unwrap_or(0)
            }
        };
        // R-COMMIT-2: the commit index never goes back.
        let commit_index = self.node(ld).commit_index.max(candidate);
        self.node_mut(ld).commit_index = commit_index;
        // Newly committed entries join the committed sequence every store is a replay of.
        debug_assert!(
            self.committed.len() < commit_index
                || commit_index == 0
                || self.entry_ref(ld, commit_index) == self.committed[commit_index - 1],
            "two different entries committed at index {commit_index} (State Machine Safety)"
        );
        for index in self.committed.len() + 1..=commit_index {
            let entry = self.entry_ref(ld, index);
            self.committed.push(entry);
        }
    }

    /// R-ROUTE-1: the up leader with the highest term (there is never a tie, R-ELECT-5).
    fn default_leader(&self) -> Option<NodeId> {
        (1..=self.nodes.len())
            .filter(|&id| self.node(id).up && self.node(id).role == Role::Leader)
            .max_by_key(|&id| self.node(id).current_term)
    }

    /// A leader appends `entry` (`None` is its no-op, R-NOOP-1) at index log length + 1, of its
    /// current term: into its term's run, which it opens with the no-op.
    fn append(&mut self, id: NodeId, entry: Option<Command>) {
        let term = self.node(id).current_term;
        let len = self.node(id).log_len;
        let last = self.node(id).runs.last().copied();
        let slot = match last {
            Some(run) if run.term == term => run.slot,
            _ => {
                // A new leader's first entry: a run of its own term. Runs past the log (L's
                // empty term-1 run) are dropped; the terms of a log never go down.
                debug_assert!(
                    self.terms.iter().all(|t| t.term != term),
                    "a second leader of term {term} (R-ELECT-5)"
                );
                let slot = self.terms.len();
                self.terms.push(TermLog {
                    term,
                    first: len + 1,
                    entries: Vec::new(),
                });
                let node = self.node_mut(id);
                let mut runs: Vec<Run> = node
                    .runs
                    .iter()
                    .copied()
                    .filter(|run| run.first <= len)
                    .collect();
                runs.push(Run {
                    term,
                    first: len + 1,
                    slot,
                });
                node.runs = Rc::new(runs);
                slot
            }
        };
        let log = &mut self.terms[slot];
        debug_assert_eq!(
            log.first + log.entries.len(),
            len + 1,
            "a leader's run ends its log"
        );
        log.entries.push(entry);
        self.node_mut(id).log_len = len + 1;
    }

    /// R-LOG-4: (last log term, last log index), compared in this order (R-VOTE-2).
    fn last_log(&self, id: NodeId) -> (u64, usize) {
        let len = self.node(id).log_len;
        (self.term_at(id, len), len)
    }

    /// R-LOG-4: the term of the node's entry at `index` (0 at index 0). Also for a discarded
    /// index: the runs still say which entries the prefix held, so at saved_index this is the
    /// saved snapshot's last_included_term.
    fn term_at(&self, id: NodeId, index: usize) -> u64 {
        self.run_at(id, index).map_or(0, |run| run.term)
    }

    fn run_at(&self, id: NodeId, index: usize) -> Option<Run> {
        if index == 0 {
            return None;
        }
        let runs = &self.node(id).runs;
        let k = runs.partition_point(|run| run.first <= index);
        debug_assert!(k > 0 && index <= self.node(id).log_len, "no entry {index}");
        runs.get(k.wrapping_sub(1)).copied()
    }

    fn entry_ref(&self, id: NodeId, index: usize) -> EntryRef {
        let run = self
            .run_at(id, index)
            .expect("an entry below the log length");
        EntryRef {
            slot: run.slot,
            pos: index - run.first,
        }
    }

    /// N. The accessors below take a node id in 1..=N and panic outside it, as the id of a
    /// step is checked before it is used.
    pub fn size(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_up(&self, id: NodeId) -> bool {
        self.node(id).up
    }

    pub fn commit_index(&self, id: NodeId) -> usize {
        self.node(id).commit_index
    }

    pub fn last_applied(&self, id: NodeId) -> usize {
        self.node(id).last_applied
    }

    /// The logical length (R-SAVED-1): the discarded prefix counts.
    pub fn log_len(&self, id: NodeId) -> usize {
        self.node(id).log_len
    }

    /// R-SAVED-1: the node's saved snapshot, if it has one.
    pub fn saved(&self, id: NodeId) -> Option<&[u8]> {
        self.node(id).saved.as_deref()
    }

    /// R-SAVED-1: the length of the node's discarded prefix, 0 without a saved snapshot. The
    /// node holds entries `saved_index + 1 ..= log_len`.
    pub fn saved_index(&self, id: NodeId) -> usize {
        self.node(id).saved_index
    }

    /// R-TERM-1. A down node keeps the role it will come up with, a follower.
    pub fn role(&self, id: NodeId) -> Role {
        self.node(id).role
    }

    pub fn current_term(&self, id: NodeId) -> u64 {
        self.node(id).current_term
    }

    pub fn voted_for(&self, id: NodeId) -> Option<NodeId> {
        self.node(id).voted_for
    }

    /// R-LOG-4.
    pub fn last_log_term(&self, id: NodeId) -> u64 {
        self.last_log(id).0
    }

    /// The terms of the node's entries `1..=log_len`, discarded ones included (for tests and
    /// checks; linear in the log).
    pub fn log_terms(&self, id: NodeId) -> Vec<u64> {
        (1..=self.node(id).log_len)
            .map(|index| self.term_at(id, index))
            .collect()
    }

    /// The node's store as SPEC.md defines it.
    ///
    /// Every node's store is the result of applying the first `last_applied` entries of its log
    /// to an empty store: that holds initially, after applying (R-APPLY-1), after a bring-in
    /// (R-ROUND-2.3) and after a crash or restart (index 0, empty store). Applied entries are
    /// committed, and committed entries are the same on every node (State Machine Safety), so
    /// the store depends on `last_applied` alone, and this port builds it only when it is looked
    /// at: from the shared replay when the node is at its index or beyond (the common case),
    /// else from the node's own. Each replay only moves forward but for the rare node asked for
    /// less than its own replay holds (rebuilt from empty), so over a whole run each entry is
    /// applied about once per node, and a bring-in copies nothing.
    ///
    /// A node restored from its saved snapshot (R-SAVED-3) holds the store decoded from it until
    /// its `last_applied` next changes; that store is what the same replay gives, but it comes
    /// from the saved bytes, as a node restored from bytes another port wrote would take it.
    pub fn store(&mut self, id: NodeId) -> &Store {
        let index = self.node(id).last_applied;
        if index == 0 {
            return &EMPTY_STORE;
        }
        if self.node(id).restored.is_some() {
            return self.nodes[id - 1]
                .restored
                .as_ref()
                .expect("checked just above");
        }
        let Self {
            nodes,
            terms,
            committed,
            shared,
            ..
        } = self;
        let replay = if index >= shared.through {
            shared
        } else {
            &mut nodes[id - 1].replay
        };
        replay.replay_to(index, committed, terms);
        &replay.store
    }

    /// The node's snapshot (section 4) as it is now.
    pub fn node_snapshot(&mut self, id: NodeId) -> Vec<u8> {
        let header = SnapshotHeader {
            // R-WIRE-2, R-WIRE-9: the node's own term.
            current_term: self.node(id).current_term,
            last_included_index: self.node(id).last_applied as u64,
            // R-WIRE-4, R-WIRE-9: the term of the entry at last_applied (a no-op's included), 0
            // when last_applied is 0.
            last_included_term: self.term_at(id, self.node(id).last_applied),
        };
        encode_snapshot(header, self.store(id).pairs())
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id - 1]
    }

    fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id - 1]
    }

    /// R-NODE-1.
    fn check_id(&self, id: NodeId, path: &str) -> Result<(), InvalidStep> {
        if (1..=self.nodes.len()).contains(&id) {
            Ok(())
        } else {
            Err(InvalidStep::new(
                path,
                "R-NODE-1",
                format!("node {id} is outside 1..{}", self.nodes.len()),
            ))
        }
    }
}

/// A node. It holds no store of its own making, but for one restored from its saved snapshot:
/// see `Cluster::store`.
#[derive(Clone, Debug)]
struct Node {
    up: bool,
    /// R-TERM-1: volatile.
    role: Role,
    /// R-TERM-1: persistent, like `voted_for` and the log.
    current_term: u64,
    voted_for: Option<NodeId>,
    /// The node's log: entries `1..=log_len`, each run's entries from its `first` up to the next
    /// run's. Shared with the leader it was last brought in by, which appends to its last run
    /// without changing the runs, so a bring-in copies a pointer. `log_len` is the logical
    /// length (R-SAVED-1).
    runs: Rc<Vec<Run>>,
    log_len: usize,
    /// R-SAVED-1: the saved snapshot, persistent like the log (R-SAVED-2).
    saved: Option<Vec<u8>>,
    /// R-SAVED-1: the last_included_index of `saved`, 0 without one; the node no longer holds
    /// entries `1..=saved_index`, which costs nothing to discard as they sit in `terms`.
    saved_index: usize,
    /// R-SAVED-3: the store decoded from `saved` at the last restart or heal, while
    /// `last_applied` is still the saved_index it was restored at (a restored node is frozen
    /// until it is brought in). Kept apart from `replay`.
    restored: Option<Store>,
    commit_index: usize,
    last_applied: usize,
    /// A cache, not state: see `Cluster::store`. It survives a crash, as it is still what those
    /// entries give.
    replay: Replay,
}

/// The store of every node whose `last_applied` is 0.
static EMPTY_STORE: Store = Store::new();

impl Node {
    /// R-CLUSTER-3, R-TERM-1: a follower of term 1 with an empty log.
    fn new() -> Self {
        Self {
            up: true,
            role: Role::Follower,
            current_term: 1,
            voted_for: None,
            runs: Rc::new(Vec::new()),
            log_len: 0,
            saved: None,
            saved_index: 0,
            restored: None,
            commit_index: 0,
            last_applied: 0,
            replay: Replay::default(),
        }
    }

    /// What a crash forgets and a restart starts from (R-CRASH-3, R-RESTART-2, R-CRASH-4): the
    /// role (it comes up a follower), the store (empty because `last_applied` is 0, see
    /// `Cluster::store`) and both indices. current_term, voted_for, the log, `saved` and the
    /// discarded prefix are persistent and stay (R-SAVED-2).
    fn lose_volatile_state(&mut self) {
        self.role = Role::Follower;
        self.commit_index = 0;
        self.set_last_applied(0);
    }

    /// R-RESTART-2, R-HEAL-1: up, with an empty store and indices 0, as in v1. A node with a
    /// saved snapshot is then restored from it by `Cluster::restore` (R-SAVED-3).
    fn come_up(&mut self) {
        self.up = true;
        self.lose_volatile_state();
    }

    /// Every change of `last_applied` goes through here, so that a restored store is never
    /// taken for the store at another index.
    fn set_last_applied(&mut self, index: usize) {
        if index != self.last_applied {
            self.restored = None;
        }
        self.last_applied = index;
    }

    /// R-APPLY-1: entries `last_applied + 1 ..= commit_index` are applied in index order,
    /// which `Cluster::store` does when the store is next looked at.
    fn apply_committed(&mut self) {
        debug_assert!(self.commit_index <= self.log_len, "commit past the log");
        if self.commit_index > self.last_applied {
            self.set_last_applied(self.commit_index);
        }
    }
}

impl Replay {
    /// Brings the replay to `index`: forward by applying committed entries, or, asked for less
    /// than it holds, from empty again.
    fn replay_to(&mut self, index: usize, committed: &[EntryRef], terms: &[TermLog]) {
        if index < self.through {
            *self = Self::default();
        }
        for entry in &committed[self.through..index] {
            // A no-op (None) changes no store (R-NOOP-1).
            if let Some(command) = &terms[entry.slot].entries[entry.pos] {
                apply_command(&mut self.store, command);
            }
        }
        self.through = index;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &[u8]) -> Step {
        Step::Command {
            command: Command::Put {
                key: key.into(),
                value: value.to_vec(),
            },
            via: None,
        }
    }

    fn run(cluster: &mut Cluster, steps: Vec<Step>) {
        for step in steps {
            cluster.step(step).unwrap();
        }
    }

    fn pairs(cluster: &mut Cluster, id: NodeId) -> Vec<(String, Vec<u8>)> {
        cluster
            .store(id)
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_vec()))
            .collect()
    }

    #[test]
    fn majority_with_even_n() {
        // R-CLUSTER-5: with N = 4 the leader plus one follower (2 of 4) is not a majority.
        let mut c = Cluster::new(4, 1, false).unwrap();
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![3, 4] }, put("a", b"1")],
        );
        assert_eq!(c.commit_index(1), 0);
        assert!(c.store(1).is_empty());
        // Three of four is.
        run(&mut c, vec![Step::Partition { nodes: vec![4] }]);
        assert_eq!(c.commit_index(1), 1);
        assert_eq!(c.last_applied(3), 1);
        assert_eq!(c.last_applied(4), 0);

        // N = 2: both nodes are needed.
        let mut c = Cluster::new(2, 1, false).unwrap();
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![2] }, put("a", b"1")],
        );
        assert_eq!(c.commit_index(1), 0);
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.commit_index(1), 1);
        assert_eq!(c.commit_index(2), 1);

        // N = 1: the leader alone.
        let mut c = Cluster::new(1, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1")]);
        assert_eq!(c.last_applied(1), 1);
    }

    #[test]
    fn crash_keeps_the_log_which_still_counts_for_commit() {
        // R-CRASH-3, R-COMMIT-1: node 2 holds entry 1 when it crashes, node 3 is isolated; the
        // next entry cannot commit, but entry 1 was committed by then.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1"), Step::Crash { node: 2 }]);
        assert!(!c.is_up(2));
        assert_eq!(c.log_len(2), 1);
        assert_eq!((c.commit_index(2), c.last_applied(2)), (0, 0));
        assert!(c.store(2).is_empty());

        // Entry 2 reaches only the leader (2 down, 3 isolated), so it does not commit.
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![3] }, put("b", b"2")],
        );
        assert_eq!(c.commit_index(1), 1);

        // The crashed follower's log is what makes the majority here.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![2, 3] }, put("a", b"1")],
        );
        assert_eq!(c.commit_index(1), 0);
        // Node 2 rejoins and receives entry 1, then crashes: its log keeps counting.
        run(&mut c, vec![Step::Partition { nodes: vec![3] }]);
        assert_eq!(c.commit_index(1), 1);
        run(&mut c, vec![Step::Crash { node: 2 }, put("b", b"2")]);
        assert_eq!(c.commit_index(1), 1);
        assert_eq!(c.log_len(2), 1);
        // Entry 2 commits on node 3's return even though node 2 is down: 1 and 3 hold it.
        run(&mut c, vec![Step::Partition { nodes: vec![] }]);
        assert_eq!(c.commit_index(1), 2);

        // N = 5: entry 1 reaches only the leader and node 2, which then crashes. When node 3
        // rejoins, leader + 3 + the crashed node 2 are 3 of 5: the down node's log counts.
        let mut c = Cluster::new(5, 1, false).unwrap();
        run(
            &mut c,
            vec![
                Step::Partition {
                    nodes: vec![3, 4, 5],
                },
                put("a", b"1"),
                Step::Crash { node: 2 },
            ],
        );
        assert_eq!(c.commit_index(1), 0);
        run(&mut c, vec![Step::Partition { nodes: vec![4, 5] }]);
        assert_eq!(c.commit_index(1), 1);
        assert_eq!(c.last_applied(3), 1);
    }

    #[test]
    fn commit_completes_while_a_follower_holding_the_entry_is_isolated() {
        // N = 5, node 2 receives entries 1 and 2 while 3, 4, 5 are isolated; then node 2 is
        // isolated and node 3 rejoins: leader + 2 + 3 hold entry 2, a majority, so it commits
        // while node 2 is cut off, and node 2's own commit index stays frozen.
        let mut c = Cluster::new(5, 1, false).unwrap();
        run(
            &mut c,
            vec![
                Step::Partition {
                    nodes: vec![3, 4, 5],
                },
                put("a", b"1"),
                put("b", b"2"),
            ],
        );
        assert_eq!(c.commit_index(1), 0);
        assert_eq!(c.log_len(2), 2);
        run(
            &mut c,
            vec![Step::Partition {
                nodes: vec![2, 4, 5],
            }],
        );
        assert_eq!(c.commit_index(1), 2);
        assert_eq!(c.last_applied(3), 2);
        assert_eq!((c.commit_index(2), c.last_applied(2)), (0, 0));
        assert!(c.store(2).is_empty());
        // Rejoin (R-REJOIN-2) gives node 2 the store in one push.
        run(&mut c, vec![Step::Heal]);
        assert_eq!(pairs(&mut c, 2), pairs(&mut c, 1));
        assert_eq!(c.last_applied(2), 2);
    }

    #[test]
    fn restart_inside_a_partition_stays_empty_and_heal_rejoins() {
        // R-RESTART-2, R-HEAL-1.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Crash { node: 3 },
                Step::Partition { nodes: vec![3] },
                put("b", b"2"),
                Step::Restart { node: 3 },
            ],
        );
        assert!(c.is_up(3));
        assert!(c.store(3).is_empty());
        assert_eq!(
            (c.commit_index(3), c.last_applied(3), c.log_len(3)),
            (0, 0, 1)
        );
        // Still frozen after another round.
        run(&mut c, vec![put("c", b"3")]);
        assert!(c.store(3).is_empty());
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.last_applied(3), 3);
        assert_eq!(pairs(&mut c, 3), pairs(&mut c, 1));
        assert_eq!(c.log_len(3), 3);
    }

    #[test]
    fn restart_outside_a_partition_rejoins_at_once() {
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Crash { node: 2 },
                Step::Restart { node: 2 },
            ],
        );
        assert_eq!(c.last_applied(2), 1);
        assert_eq!(pairs(&mut c, 2), vec![("a".to_string(), b"1".to_vec())]);
    }

    #[test]
    fn heal_brings_down_nodes_up() {
        let mut c = Cluster::new(3, 2, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Crash { node: 1 },
                Step::Crash { node: 3 },
                Step::Heal,
            ],
        );
        assert!(c.is_up(1) && c.is_up(3));
        assert_eq!(c.last_applied(1), 1);
        assert_eq!(c.last_applied(3), 1);
        // Heal with nothing to heal is valid.
        run(&mut c, vec![Step::Heal]);
    }

    #[test]
    fn isolated_follower_is_frozen_and_catches_up_when_p_changes() {
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Partition { nodes: vec![3] },
                put("b", b"2"),
            ],
        );
        assert_eq!(c.last_applied(3), 1);
        assert_eq!(c.commit_index(1), 2);
        // Moving P from {3} to {2}: 3 rejoins, 2 freezes.
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![2] }, put("c", b"3")],
        );
        assert_eq!(c.last_applied(3), 3);
        assert_eq!(c.last_applied(2), 2);
    }

    #[test]
    fn snapshot_changes_nothing_and_checks_its_nodes() {
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1"), Step::Crash { node: 2 }]);
        let out = c.step(Step::Snapshot { nodes: vec![3, 1] }).unwrap();
        assert_eq!(out.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [3, 1]);
        assert_eq!(out[0].1, out[1].1);
        let err = c.step(Step::Snapshot { nodes: vec![1, 2] }).unwrap_err();
        assert_eq!(err.rule, "R-SNAP-2", "{err:?}");
        assert_eq!(err.path, "nodes[1]");
        assert!(c.step(Step::Snapshot { nodes: vec![] }).is_err());
        assert!(c.step(Step::Snapshot { nodes: vec![1, 1] }).is_err());
        assert!(c.step(Step::Snapshot { nodes: vec![4] }).is_err());
    }

    // Section 3.3: compaction, saved snapshots and install.

    fn compact(node: NodeId) -> Step {
        Step::Compact { node }
    }

    fn snap(c: &mut Cluster, id: NodeId) -> Vec<u8> {
        c.step(Step::Snapshot { nodes: vec![id] })
            .unwrap()
            .remove(0)
            .1
    }

    /// The node's snapshot after crashing it and restarting it isolated: what it restores.
    fn restored_isolated(c: &mut Cluster, id: NodeId) -> Vec<u8> {
        run(
            c,
            vec![
                Step::Crash { node: id },
                Step::Partition { nodes: vec![id] },
                Step::Restart { node: id },
            ],
        );
        snap(c, id)
    }

    fn snapshot_bytes(index: u64, pairs: &[(&str, &[u8])]) -> Vec<u8> {
        let header = SnapshotHeader {
            current_term: 1,
            last_included_index: index,
            last_included_term: u64::from(index > 0),
        };
        encode_snapshot(header, pairs.iter().copied())
    }

    #[test]
    fn compact_saves_the_snapshot_and_discards_the_applied_prefix() {
        // R-COMPACT-2: saved := the bytes a snapshot step would emit; discard 1..last_applied.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1"), put("b", b"2")]);
        let before: Vec<Vec<u8>> = (1..=3).map(|id| snap(&mut c, id)).collect();
        run(&mut c, vec![compact(2)]);
        assert_eq!(c.saved(2), Some(&before[1][..]));
        assert_eq!(c.saved_index(2), 2);
        // R-SAVED-1: the logical length does not change, and nothing else does.
        assert_eq!(c.log_len(2), 2);
        assert_eq!((c.commit_index(2), c.last_applied(2)), (2, 2));
        assert_eq!(c.saved(1), None);
        assert_eq!(c.saved(3), None);
        // Compaction alone changes no emitted byte (R-SAVED-4).
        let after: Vec<Vec<u8>> = (1..=3).map(|id| snap(&mut c, id)).collect();
        assert_eq!(after, before);
        // Compacting again replaces the saved bytes with newer ones.
        run(&mut c, vec![put("c", b"3"), compact(2)]);
        assert_eq!(c.saved_index(2), 3);
        let now = snap(&mut c, 2);
        assert_eq!(c.saved(2), Some(&now[..]));
        // New entries still get the next logical index, and commit as before.
        run(&mut c, vec![put("d", b"4")]);
        assert_eq!((c.log_len(1), c.commit_index(1)), (4, 4));
        assert_eq!(c.log_len(2), 4);
    }

    #[test]
    fn compact_at_index_0_saves_the_empty_snapshot() {
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![Step::Partition { nodes: vec![3] }, compact(3)]);
        assert_eq!(c.saved(3), Some(&snapshot_bytes(0, &[])[..]));
        assert_eq!(c.saved_index(3), 0);
        // Restored at index 0: exactly the v1 empty state.
        assert_eq!(restored_isolated(&mut c, 3), snapshot_bytes(0, &[]));
    }

    #[test]
    fn restart_isolated_after_compact_shows_the_saved_state() {
        // R-SAVED-2, R-SAVED-3: crash keeps `saved`; a restart inside P comes up restored from
        // it, not empty, and stays frozen there until it leaves P.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1"), put("b", b"2"), compact(3)]);
        let saved = c.saved(3).unwrap().to_vec();
        run(&mut c, vec![put("a", b"changed"), Step::Crash { node: 3 }]);
        assert_eq!(c.saved(3), Some(&saved[..]), "crash keeps saved");
        assert_eq!(c.log_len(3), 3, "and the log");
        run(
            &mut c,
            vec![
                Step::Partition { nodes: vec![3] },
                Step::Restart { node: 3 },
                put("c", b"3"),
            ],
        );
        assert_eq!((c.commit_index(3), c.last_applied(3)), (2, 2));
        assert_eq!(
            pairs(&mut c, 3),
            [("a".into(), b"1".to_vec()), ("b".into(), b"2".to_vec())]
        );
        // A node restored from `saved` and then snapshotted emits exactly its saved bytes.
        assert_eq!(snap(&mut c, 3), saved);
        // The same through heal, which brings a down node up restored as well.
        run(&mut c, vec![Step::Heal, Step::Crash { node: 3 }]);
        assert_eq!(c.saved(3), Some(&saved[..]));
        let mut c2 = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c2,
            vec![
                put("a", b"1"),
                compact(2),
                put("b", b"2"),
                Step::Crash { node: 2 },
                Step::Crash { node: 3 },
            ],
        );
        // Heal: P is empty, so node 2 rejoins at once, past its saved state.
        run(&mut c2, vec![Step::Heal]);
        assert_eq!(c2.last_applied(2), 2);
        assert_eq!(c2.saved_index(2), 1);
        // Without a saved snapshot a restart is v1: empty, indices 0.
        let mut c3 = Cluster::new(3, 1, false).unwrap();
        run(&mut c3, vec![put("a", b"1")]);
        assert_eq!(restored_isolated(&mut c3, 2), snapshot_bytes(0, &[]));
    }

    #[test]
    fn rejoin_installs_the_leaders_snapshot_when_the_log_is_shorter() {
        // R-INSTALL-1: node 3 holds 1 entry; the leader compacts at 3, so node 3 lacks entries
        // the leader discarded and installs the leader's bytes when it rejoins.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Partition { nodes: vec![3] },
                put("b", b"2"),
                put("c", b"3"),
                compact(1),
            ],
        );
        let leader_saved = c.saved(1).unwrap().to_vec();
        assert_eq!((c.log_len(3), c.saved_index(1)), (1, 3));
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.saved(3), Some(&leader_saved[..]), "the same bytes");
        assert_eq!(c.saved_index(3), 3, "the leader's discarded prefix");
        assert_eq!((c.log_len(3), c.last_applied(3)), (3, 3));
        // Later, restarted isolated, it shows the leader's saved state at the leader's index.
        run(&mut c, vec![put("d", b"4")]);
        assert_eq!(restored_isolated(&mut c, 3), leader_saved);

        // Install replaces an older saved snapshot of the follower's own.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                compact(3),
                Step::Partition { nodes: vec![3] },
                put("b", b"2"),
                compact(1),
                Step::Heal,
            ],
        );
        assert_eq!(c.saved_index(3), 2);
        assert_eq!(c.saved(3), c.saved(1));
    }

    #[test]
    fn rejoin_keeps_the_followers_own_snapshot_when_the_log_is_long_enough() {
        // R-INSTALL-2: node 2 compacted at 1 and holds 3 entries; the leader compacts at 3.
        // Node 2's log is not shorter than 3, so it keeps its own, older, snapshot.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                compact(2),
                put("b", b"2"),
                put("c", b"3"),
                Step::Partition { nodes: vec![2] },
                compact(1),
            ],
        );
        let own = c.saved(2).unwrap().to_vec();
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.saved(2), Some(&own[..]));
        assert_eq!(c.saved_index(2), 1);
        assert_eq!(c.last_applied(2), 3);
        assert_eq!(restored_isolated(&mut c, 2), own);

        // A newer own snapshot is kept too: node 2 compacted at 3, the leader at 2.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                put("b", b"2"),
                compact(1),
                put("c", b"3"),
                compact(2),
                Step::Partition { nodes: vec![2] },
                Step::Heal,
            ],
        );
        assert_eq!((c.saved_index(1), c.saved_index(2)), (2, 3));

        // The test is the log length, not last_applied: node 2 holds entries 1 and 2 but has
        // applied none (it was cut off before they committed), so it does not install.
        let mut c = Cluster::new(5, 1, false).unwrap();
        run(
            &mut c,
            vec![
                Step::Partition {
                    nodes: vec![3, 4, 5],
                },
                put("a", b"1"),
                put("b", b"2"),
                Step::Partition { nodes: vec![2] },
                compact(1),
            ],
        );
        assert_eq!(
            (c.log_len(2), c.last_applied(2), c.saved_index(1)),
            (2, 0, 2)
        );
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.saved(2), None);
        assert_eq!(c.saved_index(2), 0);
        assert_eq!(restored_isolated(&mut c, 2), snapshot_bytes(0, &[]));
    }

    #[test]
    fn the_install_is_decided_at_rejoin_before_the_round() {
        // R-INSTALL-3: node 3 restarts reachable at a step whose round would give it the whole
        // log; the decision is taken before that round, on its 1-entry log, so it installs.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Crash { node: 3 },
                put("b", b"2"),
                compact(1),
                Step::Restart { node: 3 },
            ],
        );
        assert_eq!(c.saved_index(3), 2);
        assert_eq!(c.saved(3), c.saved(1));
        // And a partition change that makes it reachable: the same.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![
                Step::Partition { nodes: vec![3] },
                put("a", b"1"),
                compact(1),
                Step::Partition { nodes: vec![2] },
            ],
        );
        assert_eq!(c.saved_index(3), 1);
        assert_eq!(
            c.saved(2),
            None,
            "node 2 was isolated after it had everything"
        );
        // A follower that is reachable all along never rejoins, so it never installs.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(&mut c, vec![put("a", b"1"), compact(1), put("b", b"2")]);
        assert_eq!(c.saved(2), None);
    }

    #[test]
    fn compact_needs_an_up_node() {
        // R-COMPACT-1: the leader and an isolated follower may compact; a down one may not.
        let mut c = Cluster::new(3, 1, false).unwrap();
        run(
            &mut c,
            vec![compact(1), Step::Partition { nodes: vec![2] }, compact(2)],
        );
        c.step(Step::Crash { node: 3 }).unwrap();
        let err = c.step(compact(3)).unwrap_err().under("steps[4]");
        assert_eq!(
            err.to_string(),
            "steps[4].node: compact of node 3, which is down (R-COMPACT-1)"
        );
        assert_eq!(c.step(compact(4)).unwrap_err().rule, "R-NODE-1");
        assert_eq!(c.step(compact(0)).unwrap_err().rule, "R-NODE-1");
    }

    #[test]
    fn invalid_cluster_events_are_errors() {
        let mut c = Cluster::new(3, 1, false).unwrap();
        let refusal = |c: &mut Cluster, step| c.step(step).unwrap_err();
        let rule = |c: &mut Cluster, step| refusal(c, step).rule;
        assert_eq!(rule(&mut c, Step::Crash { node: 1 }), "R-CRASH-1");
        assert_eq!(rule(&mut c, Step::Restart { node: 2 }), "R-RESTART-1");
        assert_eq!(rule(&mut c, Step::Restart { node: 1 }), "R-RESTART-1");
        assert_eq!(rule(&mut c, Step::Partition { nodes: vec![1] }), "R-PART-2");
        assert_eq!(
            rule(&mut c, Step::Partition { nodes: vec![2, 2] }),
            "R-PART-3"
        );
        assert_eq!(rule(&mut c, Step::Partition { nodes: vec![0] }), "R-NODE-1");
        c.step(Step::Crash { node: 2 }).unwrap();
        assert_eq!(rule(&mut c, Step::Crash { node: 2 }), "R-CRASH-2");
        // The path and the rule, with `under` adding where the step sits.
        let err = refusal(&mut c, Step::Crash { node: 1 }).under("steps[7]");
        assert_eq!(
            err.to_string(),
            "steps[7].node: crash of node 1, the leader, is not allowed (R-CRASH-1)"
        );
        assert!(Cluster::new(0, 1, false).is_err());
        assert!(Cluster::new(256, 1, false).is_err());
        assert!(Cluster::new(3, 4, false).is_err());
        assert!(Cluster::new(255, 255, false).is_ok());
    }

    // Section 3.4: elections. Each test reads the outcome off SPEC.md's rules by hand.

    fn elect(node: NodeId) -> Step {
        Step::Elect { node }
    }

    fn put_via(key: &str, via: NodeId) -> Step {
        Step::Command {
            command: Command::Put {
                key: key.into(),
                value: b"v".to_vec(),
            },
            via: Some(via),
        }
    }

    fn partition(nodes: &[NodeId]) -> Step {
        Step::Partition {
            nodes: nodes.to_vec(),
        }
    }

    /// (current_term, last_included_index, last_included_term) of the node's snapshot.
    fn header(c: &mut Cluster, id: NodeId) -> (u64, u64, u64) {
        let h = decode_snapshot(&snap(c, id)).unwrap().header;
        (h.current_term, h.last_included_index, h.last_included_term)
    }

    fn keys(c: &mut Cluster, id: NodeId) -> Vec<String> {
        pairs(c, id).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn initially_l_leads_term_1() {
        // R-TERM-1.
        let c = Cluster::new(4, 3, true).unwrap();
        for id in 1..=4 {
            let role = if id == 3 {
                Role::Leader
            } else {
                Role::Follower
            };
            assert_eq!(c.role(id), role);
            assert_eq!((c.current_term(id), c.voted_for(id)), (1, None));
            assert_eq!((c.log_len(id), c.last_log_term(id)), (0, 0));
        }
    }

    #[test]
    fn a_won_election_appends_a_no_op_that_commits_at_once() {
        // R-ELECT-3, R-VOTE-1, R-ELECT-4 (b), R-NOOP-1, R-ROUND-2, R-WIRE-9.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(&mut c, vec![put("a", b"1"), elect(2)]);
        assert_eq!(c.role(2), Role::Leader);
        assert_eq!(c.role(1), Role::Follower, "the old leader adopted term 2");
        for id in 1..=3 {
            assert_eq!(c.current_term(id), 2);
            assert_eq!(c.voted_for(id), Some(2));
            assert_eq!(
                c.log_terms(id),
                [1, 2],
                "node {id}: the no-op, term 2, at index 2"
            );
            assert_eq!(c.commit_index(id), 2);
            // The no-op changes no store; its index and term show (R-NOOP-1).
            assert_eq!(header(&mut c, id), (2, 2, 2));
            assert_eq!(keys(&mut c, id), ["a"]);
        }
        // Commands now go to the default leader, node 2, and commit with term 2.
        run(&mut c, vec![put("b", b"2")]);
        assert_eq!(c.log_terms(3), [1, 2, 2]);
        assert_eq!(header(&mut c, 1), (2, 3, 2));
    }

    #[test]
    fn one_and_two_nodes() {
        // R-CLUSTER-5 in elections: 1 of 1, 2 of 2.
        let mut c = Cluster::new(1, 1, true).unwrap();
        run(&mut c, vec![put("a", b"1"), elect(1), elect(1)]);
        assert_eq!((c.role(1), c.current_term(1)), (Role::Leader, 3));
        assert_eq!(c.log_terms(1), [1, 2, 3]);
        assert_eq!(header(&mut c, 1), (3, 3, 3));

        let mut c = Cluster::new(2, 1, true).unwrap();
        run(&mut c, vec![partition(&[1]), elect(2)]);
        assert_eq!(c.role(2), Role::Candidate, "1 vote of 2 needed");
        assert_eq!(c.role(1), Role::Leader, "node 1 heard nothing");
        run(&mut c, vec![Step::Heal]);
        // The round: node 1, a leader of term 1, meets term 2 and steps down; no leader left.
        assert_eq!((c.role(1), c.current_term(1)), (Role::Follower, 2));
        assert_eq!(c.role(2), Role::Candidate);
        run(&mut c, vec![elect(2)]);
        assert_eq!((c.role(2), c.current_term(2)), (Role::Leader, 3));
        assert_eq!(c.commit_index(1), 1);
    }

    #[test]
    fn a_vote_survives_a_crash() {
        // R-TERM-1, R-CRASH-4: node 3 voted for itself in term 2, crashed and restarted; node
        // 2's request in term 2 finds that vote and is refused, so node 2 stays a candidate
        // (with the vote forgotten it would lead with 2 of 3 and take the next command).
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                partition(&[3]),
                elect(3),
                Step::Crash { node: 3 },
                Step::Restart { node: 3 },
            ],
        );
        assert_eq!((c.current_term(3), c.voted_for(3)), (2, Some(3)));
        assert_eq!(c.role(3), Role::Follower, "a restart comes up a follower");
        run(&mut c, vec![partition(&[2, 3]), elect(2)]);
        assert_eq!((c.role(2), c.current_term(2)), (Role::Candidate, 2));
        assert_eq!(c.voted_for(3), Some(3));
        // The command goes to node 1, the only up leader (term 1), alone: it never commits.
        run(&mut c, vec![put("a", b"1")]);
        assert_eq!((c.log_len(1), c.commit_index(1)), (1, 0));
        assert_eq!(c.log_len(2), 0);
    }

    #[test]
    fn the_vote_goes_to_the_more_up_to_date_log() {
        // R-VOTE-2 by length: node 3 lacks entry 2, which node 2 holds, both of term 1.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                partition(&[3]),
                put("b", b"2"),
                Step::Crash { node: 1 },
                partition(&[]),
                elect(3),
            ],
        );
        assert_eq!(c.role(3), Role::Candidate, "(1, 1) is behind (1, 2)");
        assert_eq!(
            (c.current_term(2), c.voted_for(2)),
            (2, None),
            "adopted, refused"
        );
        run(&mut c, vec![elect(2)]);
        assert_eq!((c.role(2), c.current_term(2)), (Role::Leader, 3));
        assert_eq!(c.log_terms(3), [1, 1, 3]);
        assert_eq!(keys(&mut c, 3), ["a", "b"]);

        // By last term: node 1 holds three entries of term 1, node 3 one of term 2. The
        // shorter log wins, as its last term is higher.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                partition(&[2, 3]),
                put("a", b"1"),
                put("b", b"2"),
                put("c", b"3"),
                elect(2),
                Step::Crash { node: 2 },
                partition(&[]),
            ],
        );
        // The heal's round: node 1, leader of term 1, meets term 2 and steps down.
        assert_eq!((c.role(1), c.current_term(1)), (Role::Follower, 2));
        assert_eq!((c.log_terms(1), c.log_terms(3)), (vec![1, 1, 1], vec![2]));
        run(&mut c, vec![elect(1)]);
        assert_eq!((c.role(1), c.current_term(1)), (Role::Candidate, 3));
        assert_eq!(c.voted_for(3), None, "(1, 3) is behind (2, 1)");
        run(&mut c, vec![elect(3)]);
        assert_eq!((c.role(3), c.current_term(3)), (Role::Leader, 4));
        // R-TRUNC-1: node 1's uncommitted entries of term 1 are gone; it holds node 3's log.
        assert_eq!(c.log_terms(1), [2, 4]);
        assert_eq!(header(&mut c, 1), (4, 2, 4));
        assert!(keys(&mut c, 1).is_empty());
    }

    #[test]
    fn a_higher_term_voter_makes_the_candidate_step_down() {
        // R-VOTE-1.1, R-ELECT-4 (a): node 3 reached term 3 alone; node 2's request in term 2
        // is refused by it, and node 2 takes term 3 as a follower, whatever node 1 granted.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(&mut c, vec![partition(&[3]), elect(3), elect(3)]);
        assert_eq!((c.role(3), c.current_term(3)), (Role::Candidate, 3));
        run(
            &mut c,
            vec![Step::Crash { node: 1 }, partition(&[1]), elect(2)],
        );
        assert_eq!(c.role(2), Role::Follower);
        assert_eq!((c.current_term(2), c.voted_for(2)), (3, None));
        assert_eq!(c.current_term(3), 3, "the refusing voter changes nothing");
        assert_eq!(c.voted_for(3), Some(3));
    }

    #[test]
    fn split_brain_then_heal() {
        // R-SIDE-1, R-ROUTE-1, R-ROUND-2.1, R-TRUNC-1: node 1 leads term 1 alone in P while
        // node 2 leads term 2; both append; the heal makes node 1 step down and take node 2's
        // log, its own entry truncated (never committed, never applied).
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                partition(&[1]),
                elect(2),
                put_via("stale", 1),
                put("b", b"2"),
            ],
        );
        assert_eq!((c.role(1), c.role(2)), (Role::Leader, Role::Leader));
        assert_eq!(c.log_terms(1), [1, 1]);
        assert_eq!(c.log_terms(2), [1, 2, 2]);
        assert_eq!((c.commit_index(1), c.commit_index(2)), (1, 3));
        assert_eq!(keys(&mut c, 1), ["a"]);
        // A command without via goes to the highest-term up leader: node 2.
        run(&mut c, vec![put("c", b"3")]);
        assert_eq!(c.log_len(2), 4);
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.role(1), Role::Follower);
        assert_eq!(c.log_terms(1), [1, 2, 2, 2]);
        assert_eq!(snap(&mut c, 1), snap(&mut c, 2));
        assert_eq!(keys(&mut c, 1), ["a", "b", "c"]);
    }

    #[test]
    fn commands_without_a_leader_are_dropped() {
        // R-ROUTE-1: via a follower, via a down node, or with no up leader at all.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![put_via("x", 2), Step::Crash { node: 3 }, put_via("x", 3)],
        );
        assert_eq!((c.log_len(1), c.log_len(2)), (0, 0));
        run(&mut c, vec![Step::Crash { node: 1 }, put("x", b"1")]);
        assert_eq!(c.log_len(2), 0);
        assert_eq!(header(&mut c, 2), (1, 0, 0));
        // A crashed leader comes up a follower (R-CRASH-4): still no leader.
        run(&mut c, vec![Step::Restart { node: 1 }, put("x", b"1")]);
        assert_eq!(c.role(1), Role::Follower);
        assert_eq!(c.log_len(1), 0);
    }

    #[test]
    fn a_restarted_node_with_a_higher_term_deposes_the_leader() {
        // R-ROUND-2.1: node 3 reached term 2 alone and was down; it restarts on the leader's
        // side, and the leader of term 1 steps down: its side has no leader until an elect.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                partition(&[3]),
                elect(3),
                Step::Crash { node: 3 },
                Step::Heal,
            ],
        );
        assert_eq!((c.role(1), c.current_term(1)), (Role::Follower, 2));
        assert_eq!(c.role(3), Role::Follower);
        run(&mut c, vec![put("b", b"2")]);
        assert_eq!(c.log_len(1), 1, "dropped");
        // Node 3 restarted empty: nothing brings it in without a leader.
        assert_eq!(c.last_applied(3), 0);
        run(&mut c, vec![elect(1)]);
        assert_eq!(c.log_terms(3), [1, 3]);
        assert_eq!(header(&mut c, 3), (3, 2, 3));
        assert_eq!(keys(&mut c, 3), ["a"]);
    }

    #[test]
    fn a_node_down_through_several_terms_adopts_the_term_when_brought_in() {
        // R-CRASH-4, R-ROUND-2.3: node 3 is down while terms 2 and 3 pass; it comes up with
        // term 1 and its old log, and the leader's round gives it term 3 and the log.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                Step::Crash { node: 3 },
                elect(2),
                put("b", b"2"),
                elect(1),
                put("c", b"3"),
            ],
        );
        assert_eq!(c.current_term(3), 1);
        assert_eq!(c.log_terms(3), [1]);
        run(&mut c, vec![Step::Restart { node: 3 }]);
        assert_eq!((c.current_term(3), c.voted_for(3)), (3, None));
        assert_eq!(c.log_terms(3), [1, 2, 2, 3, 3]);
        assert_eq!(header(&mut c, 3), (3, 5, 3));
        assert_eq!(keys(&mut c, 3), ["a", "b", "c"]);
    }

    #[test]
    fn the_leader_may_crash_or_be_isolated_only_with_elect() {
        // R-ELECT-1, R-CRASH-1, R-PART-2, R-ELECT-2, R-NODE-1.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(&mut c, vec![partition(&[1, 2, 3]), Step::Crash { node: 1 }]);
        let err = c.step(elect(1)).unwrap_err().under("steps[2]");
        assert_eq!(
            err.to_string(),
            "steps[2].node: elect of node 1, which is down (R-ELECT-2)"
        );
        assert_eq!(c.step(elect(4)).unwrap_err().rule, "R-NODE-1");
        let err = c.step(put_via("k", 9)).unwrap_err();
        assert_eq!((err.path.as_str(), err.rule), ("via", "R-NODE-1"));
        // Everything in P: the complement is empty, and a lone candidate of 3 loses.
        run(&mut c, vec![Step::Restart { node: 1 }, elect(2)]);
        assert_eq!(c.role(2), Role::Leader, "nodes 1 and 3 are on its side");
    }

    #[test]
    fn saved_snapshots_carry_terms() {
        // R-COMPACT-4, R-WIRE-9: the saved bytes carry the term at compaction and the term of
        // the entry at last_applied; a node restored later keeps its own, higher, term, so its
        // snapshot differs from its saved bytes in current_term only.
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(&mut c, vec![put("a", b"1"), elect(2), compact(3)]);
        let saved = c.saved(3).unwrap().to_vec();
        let h = decode_snapshot(&saved).unwrap().header;
        assert_eq!(
            (h.current_term, h.last_included_index, h.last_included_term),
            (2, 2, 2)
        );
        run(
            &mut c,
            vec![
                elect(1),
                Step::Crash { node: 3 },
                partition(&[3]),
                Step::Restart { node: 3 },
            ],
        );
        let now = snap(&mut c, 3);
        assert_eq!(header(&mut c, 3), (3, 2, 2));
        assert_eq!(now[..4], saved[..4]);
        assert_eq!(now[12..now.len() - 4], saved[12..saved.len() - 4]);
        assert_ne!(now, saved);
        // A node whose every entry is discarded still has a last log term (R-LOG-4), and can
        // win: node 3's log is [1, 2, 3] with 2 discarded; it is as up-to-date as the others.
        run(&mut c, vec![partition(&[]), compact(3), elect(3)]);
        assert_eq!(c.saved_index(3), 3);
        assert_eq!(c.role(3), Role::Leader);
        assert_eq!(c.log_terms(3), [1, 2, 3, 4]);
    }

    #[test]
    fn install_when_the_follower_holds_another_entry_at_the_saved_index() {
        // R-INSTALL-4: node 1, a stale leader, holds two entries of term 1; node 2 leads term
        // 2 and compacts at index 2, whose entry has term 2. Node 1's log is long enough (2),
        // but its entry 2 has term 1: it does not hold node 2's entry, so it installs (v1's
        // length test alone would not).
        let mut c = Cluster::new(3, 1, true).unwrap();
        run(
            &mut c,
            vec![
                partition(&[1]),
                put("x", b"1"),
                put("y", b"2"),
                elect(2),
                put("a", b"3"),
                compact(2),
            ],
        );
        assert_eq!(c.log_terms(1), [1, 1]);
        assert_eq!(c.log_terms(2), [2, 2]);
        assert_eq!(c.saved_index(2), 2);
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.saved(1), c.saved(2));
        assert_eq!(c.saved_index(1), 2);
        assert_eq!(c.log_terms(1), [2, 2]);
        // Node 3 held node 2's entry at 2 all along: it keeps its own (none).
        assert_eq!(c.saved(3), None);
        // Restarted in P, node 1 shows node 2's saved state, with its own term.
        run(&mut c, vec![put("b", b"4")]);
        let shown = restored_isolated(&mut c, 1);
        let h = decode_snapshot(&shown).unwrap().header;
        assert_eq!(
            (h.current_term, h.last_included_index, h.last_included_term),
            (2, 2, 2)
        );
        assert_eq!(keys(&mut c, 1), ["a"]);
    }

    #[test]
    fn without_elect_the_rules_are_v1s() {
        // Section 3.4's closing paragraph: a scenario without elect keeps term 1 and L.
        let mut c = Cluster::new(5, 2, false).unwrap();
        run(
            &mut c,
            vec![
                put("a", b"1"),
                partition(&[1, 3]),
                put("b", b"2"),
                Step::Crash { node: 4 },
                Step::Heal,
            ],
        );
        for id in 1..=5 {
            assert_eq!(c.current_term(id), 1);
            assert_eq!(
                c.role(id),
                if id == 2 {
                    Role::Leader
                } else {
                    Role::Follower
                }
            );
            assert_eq!(c.voted_for(id), None);
            assert_eq!(c.log_terms(id), [1, 1]);
            assert_eq!(header(&mut c, id), (1, 2, 1));
        }
    }
}

//! The cluster: nodes, the isolated set P, the cluster events, the replication round, and
//! compaction with saved snapshots and install (SPEC.md sections 1, 2.2, 3 and 3.3).
//!
//! The step vocabulary (`NodeId`, `Step`, `InvalidStep`) is defined here, at the bottom of the
//! layers that use it, so that dependencies only point down the file map of adapters/README.md:
//! `scenario` builds these types from the wire and re-exports them, and `Cluster::step` takes them
//! without knowing about JSON.

use std::fmt;

use crate::snapshot::{SnapshotHeader, decode_snapshot, encode_snapshot};
use crate::state_machine::{Command, apply_command};
use crate::store::Store;

/// A node id, 1..=N (R-CLUSTER-1).
pub type NodeId = usize;

/// One step of a normalized scenario (section 2), in schema order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// put, delete, append, incr or cas (R-LOG-3).
    Command(Command),
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

pub struct Cluster {
    leader: NodeId,
    /// `nodes[id - 1]` is node `id`.
    nodes: Vec<Node>,
    /// The leader's log; entry index i is `log[i - 1]`, and every entry has term 1 (R-LOG-1).
    log: Vec<Command>,
    /// The isolated set P (R-CLUSTER-4): `isolated[id - 1]`.
    isolated: Vec<bool>,
    /// Reused by `commit` so that a round allocates nothing.
    lengths: Vec<usize>,
}

impl Cluster {
    /// R-CLUSTER-1, R-CLUSTER-2, R-CLUSTER-3.
    pub fn new(nodes: usize, leader: NodeId) -> Result<Self, InvalidStep> {
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
        Ok(Self {
            leader,
            nodes: vec![Node::new(); nodes],
            log: Vec::new(),
            isolated: vec![false; nodes],
            lengths: Vec::with_capacity(nodes),
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
            // {"op":"put","key":"a","value":"31"}, and delete, append, incr and cas alike
            Step::Command(command) => self.propose(command),
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
        }
        self.replication_round();
        Ok(Vec::new())
    }

    /// R-LOG-3: the leader appends the entry; nothing is applied until the round commits it.
    fn propose(&mut self, command: Command) {
        self.log.push(command);
        let len = self.log.len();
        self.node_mut(self.leader).log_len = len;
    }

    /// R-PART-1: P is replaced, and every up follower that leaves P rejoins, in ascending order.
    fn partition(&mut self, nodes: &[NodeId]) -> Result<(), InvalidStep> {
        let mut isolated = vec![false; self.nodes.len()];
        for (i, &id) in nodes.iter().enumerate() {
            let path = format!("nodes[{i}]");
            self.check_id(id, &path)?;
            if id == self.leader {
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
        // Being up does not change here, so "unreachable before, reachable after" is exactly
        // "up, in the old P and not in the new one".
        let leavers: Vec<NodeId> = self
            .followers()
            .filter(|&id| self.node(id).up && self.isolated[id - 1] && !isolated[id - 1])
            .collect();
        self.isolated = isolated;
        for id in leavers {
            self.rejoin(id);
        }
        Ok(())
    }

    fn crash(&mut self, id: NodeId) -> Result<(), InvalidStep> {
        self.check_id(id, "node")?;
        if id == self.leader {
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
        // R-CRASH-3: the log and current_term survive; the log still counts for commit.
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
        // R-RESTART-2: up, empty, indices 0, log kept, or restored from its saved snapshot
        // (R-SAVED-3); an isolated node stays like that until it leaves P.
        self.node_mut(id).come_up();
        self.restore(id);
        if !self.isolated[id - 1] {
            self.rejoin(id);
        }
        Ok(())
    }

    /// R-HEAL-1: valid in any state.
    fn heal(&mut self) {
        // Everything is reachable afterwards, so the rejoiners are the followers unreachable now.
        let rejoiners: Vec<NodeId> = self
            .followers()
            .filter(|&id| !self.is_reachable(id))
            .collect();
        self.isolated.fill(false);
        // R-SAVED-3: as in R-RESTART-2, restored when a node has a saved snapshot.
        for id in 1..=self.nodes.len() {
            if !self.node(id).up {
                self.node_mut(id).come_up();
                self.restore(id);
            }
        }
        for id in rejoiners {
            self.rejoin(id);
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

    /// R-COMPACT-1, R-COMPACT-2: the node saves the bytes a snapshot step would emit for it now
    /// and discards entries 1..last_applied of its log, which here is moving its offset: the
    /// entries live in the shared log, so nothing is shifted or copied, and the logical length
    /// does not change. Nothing else changes; the round that follows changes nothing either.
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

    /// R-SAVED-3: a node just come up (restart, heal) with a saved snapshot is restored from it,
    /// its pairs and both indices at its last_included_index, instead of keeping the empty state
    /// of R-RESTART-2. The store comes from the bytes, not from a replay of the log, as it would
    /// for bytes another port wrote (see `Cluster::store`); they are decoded once, here.
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

    /// R-REJOIN-2: a one-shot push of the leader's log, and of the store that applying its
    /// first `commit_index` entries to an empty store gives, which is what `store` makes of
    /// `last_applied = commit_index`.
    ///
    /// R-INSTALL-1 .. R-INSTALL-3: first, before anything is copied, the install decision. A
    /// follower whose logical log is shorter than the leader's saved_index lacks entries the
    /// leader has discarded, so it takes the leader's saved bytes (copied as they are, never
    /// re-encoded) and its discarded prefix; any other keeps its own. The caller rejoins a
    /// follower at the step it becomes reachable, before the round, which would make its log as
    /// long as the leader's and so would never install.
    fn rejoin(&mut self, id: NodeId) {
        debug_assert_ne!(id, self.leader);
        let leader = self.node(self.leader);
        let commit_index = leader.commit_index;
        let install = (self.node(id).log_len < leader.saved_index)
            .then(|| (leader.saved.clone(), leader.saved_index));
        let len = self.log.len();
        let follower = self.node_mut(id);
        if let Some((saved, saved_index)) = install {
            debug_assert!(saved.is_some(), "a saved_index above 0 has saved bytes");
            follower.saved = saved;
            follower.saved_index = saved_index;
        }
        follower.log_len = len;
        follower.commit_index = commit_index;
        follower.set_last_applied(commit_index);
    }

    /// Section 3.2: replicate, commit, apply.
    fn replication_round(&mut self) {
        let len = self.log.len();
        // R-ROUND-1: reachable followers catch up; the others keep their logs.
        for id in self.followers() {
            if self.is_reachable(id) {
                self.node_mut(id).log_len = len;
            }
        }
        self.commit();
        self.apply_committed();
    }

    /// R-COMMIT-1 .. R-COMMIT-3: the leader's commit index moves to the largest n that at least
    /// a majority of all N nodes hold, counting every node's current log (isolated and down
    /// followers too, R-CRASH-3), and reachable followers take it.
    fn commit(&mut self) {
        // R-CLUSTER-5: floor(N / 2) + 1 over all N, so 3 of 4 and 2 of 2, not ceil(N / 2).
        let majority = self.nodes.len() / 2 + 1;
        self.lengths.clear();
        self.lengths
            .extend(self.nodes.iter().map(|node| node.log_len));
        // The majority-th largest length is held by at least `majority` nodes, and any larger
        // length by fewer. Selecting it is linear in N, where sorting would not be.
        let (_, &mut candidate, _) = self
            .lengths
            .select_nth_unstable_by(majority - 1, |a, b| b.cmp(a));
        // R-COMMIT-2: the commit index never goes back.
        let leader = self.leader;
        let commit_index = self.node(leader).commit_index.max(candidate);
        self.node_mut(leader).commit_index = commit_index;
        // R-COMMIT-3: reachable followers follow; isolated and down ones keep theirs.
        for id in self.followers() {
            if self.is_reachable(id) {
                self.node_mut(id).commit_index = commit_index;
            }
        }
    }

    /// R-APPLY-1: the leader first, then each reachable follower. Unreachable nodes have nothing
    /// to apply, as only a round raises commit_index and the round applies it.
    fn apply_committed(&mut self) {
        self.node_mut(self.leader).apply_committed();
        for id in self.followers() {
            if self.is_reachable(id) {
                self.node_mut(id).apply_committed();
            }
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

    /// The node's store as SPEC.md defines it.
    ///
    /// Every node's store is the result of applying the first `last_applied` entries of its log
    /// to an empty store: that holds initially, after applying (R-APPLY-1), after a rejoin
    /// (R-REJOIN-2) and after a crash or restart (index 0, empty store). All logs are prefixes
    /// of one log (R-LOG-2), so the store depends on `last_applied` alone, and this port builds
    /// it only when it is looked at: from the leader's cache when the node is at the leader's
    /// index (the common case), else from the node's own cache. Each cache only moves forward,
    /// so over a whole run each entry is applied at most once per node, and a rejoin copies
    /// nothing.
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
        let source = if self.node(self.leader).last_applied == index {
            self.leader
        } else {
            id
        };
        let node = &mut self.nodes[source - 1];
        node.replay_to(index, &self.log);
        &node.replayed
    }

    /// The node's snapshot (section 4) as it is now.
    pub fn node_snapshot(&mut self, id: NodeId) -> Vec<u8> {
        let header = self.node(id).header();
        encode_snapshot(header, self.store(id).pairs())
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id - 1]
    }

    fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id - 1]
    }

    fn followers(&self) -> impl Iterator<Item = NodeId> + use<> {
        let leader = self.leader;
        (1..=self.nodes.len()).filter(move |&id| id != leader)
    }

    /// R-CLUSTER-4: up and not in P. The leader is always reachable from itself.
    fn is_reachable(&self, id: NodeId) -> bool {
        self.node(id).up && !self.isolated[id - 1]
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
    /// The node's log is `Cluster::log[saved_index..log_len]`: every log is a prefix of the
    /// leader's (R-LOG-2), so a length says everything, and replicating to a follower copies
    /// nothing. `log_len` is the logical length (R-SAVED-1).
    log_len: usize,
    /// R-SAVED-1: the saved snapshot, persistent like the log (R-SAVED-2).
    saved: Option<Vec<u8>>,
    /// R-SAVED-1: the last_included_index of `saved`, 0 without one; the node no longer holds
    /// entries `1..=saved_index`, which costs nothing to discard as they sit in the shared log.
    saved_index: usize,
    /// R-SAVED-3: the store decoded from `saved` at the last restart or heal, while
    /// `last_applied` is still the saved_index it was restored at (a restored node is frozen
    /// until it rejoins). Kept apart from `replayed`, which only moves forward.
    restored: Option<Store>,
    current_term: u64,
    commit_index: usize,
    last_applied: usize,
    /// A cache, not state: the shared log's first `replayed_through` entries applied to an
    /// empty store. It survives a crash, as it is still what those entries give.
    replayed: Store,
    replayed_through: usize,
}

/// The store of every node whose `last_applied` is 0.
static EMPTY_STORE: Store = Store::new();

impl Node {
    /// R-CLUSTER-3.
    fn new() -> Self {
        Self {
            up: true,
            log_len: 0,
            saved: None,
            saved_index: 0,
            restored: None,
            current_term: 1,
            commit_index: 0,
            last_applied: 0,
            replayed: Store::new(),
            replayed_through: 0,
        }
    }

    /// What a crash forgets and a restart starts from (R-CRASH-3, R-RESTART-2). The store is
    /// empty because `last_applied` is 0 (see `Cluster::store`).
    /// `saved` and the discarded prefix are persistent and stay (R-SAVED-2).
    fn lose_volatile_state(&mut self) {
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
        debug_assert!(
            self.last_applied <= self.commit_index,
            "applied past commit"
        );
        self.set_last_applied(self.commit_index);
    }

    /// Brings the cache forward to `index`. Callers never ask for an index below the cache, as
    /// a node's nonzero `last_applied` values are values of the leader's commit index, which
    /// never goes back (R-COMMIT-2).
    fn replay_to(&mut self, index: usize, log: &[Command]) {
        debug_assert!(self.replayed_through <= index, "cache replayed too far");
        for command in &log[self.replayed_through..index] {
            apply_command(&mut self.replayed, command);
        }
        self.replayed_through = index;
    }

    fn header(&self) -> SnapshotHeader {
        SnapshotHeader {
            current_term: self.current_term,
            last_included_index: self.last_applied as u64,
            // R-WIRE-4: every entry has term 1 (R-LOG-1); index 0 has no entry, hence term 0.
            last_included_term: u64::from(self.last_applied > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, value: &[u8]) -> Step {
        Step::Command(Command::Put {
            key: key.into(),
            value: value.to_vec(),
        })
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
        let mut c = Cluster::new(4, 1).unwrap();
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
        let mut c = Cluster::new(2, 1).unwrap();
        run(
            &mut c,
            vec![Step::Partition { nodes: vec![2] }, put("a", b"1")],
        );
        assert_eq!(c.commit_index(1), 0);
        run(&mut c, vec![Step::Heal]);
        assert_eq!(c.commit_index(1), 1);
        assert_eq!(c.commit_index(2), 1);

        // N = 1: the leader alone.
        let mut c = Cluster::new(1, 1).unwrap();
        run(&mut c, vec![put("a", b"1")]);
        assert_eq!(c.last_applied(1), 1);
    }

    #[test]
    fn crash_keeps_the_log_which_still_counts_for_commit() {
        // R-CRASH-3, R-COMMIT-1: node 2 holds entry 1 when it crashes, node 3 is isolated; the
        // next entry cannot commit, but entry 1 was committed by then.
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(5, 1).unwrap();
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
        let mut c = Cluster::new(5, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 2).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c2 = Cluster::new(3, 1).unwrap();
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
        let mut c3 = Cluster::new(3, 1).unwrap();
        run(&mut c3, vec![put("a", b"1")]);
        assert_eq!(restored_isolated(&mut c3, 2), snapshot_bytes(0, &[]));
    }

    #[test]
    fn rejoin_installs_the_leaders_snapshot_when_the_log_is_shorter() {
        // R-INSTALL-1: node 3 holds 1 entry; the leader compacts at 3, so node 3 lacks entries
        // the leader discarded and installs the leader's bytes when it rejoins.
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(5, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
        run(&mut c, vec![put("a", b"1"), compact(1), put("b", b"2")]);
        assert_eq!(c.saved(2), None);
    }

    #[test]
    fn compact_needs_an_up_node() {
        // R-COMPACT-1: the leader and an isolated follower may compact; a down one may not.
        let mut c = Cluster::new(3, 1).unwrap();
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
        let mut c = Cluster::new(3, 1).unwrap();
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
        assert!(Cluster::new(0, 1).is_err());
        assert!(Cluster::new(256, 1).is_err());
        assert!(Cluster::new(3, 4).is_err());
        assert!(Cluster::new(255, 255).is_ok());
    }
}

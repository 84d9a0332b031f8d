//! The cluster: nodes, the isolated set P, the cluster events and the replication round (SPEC.md
//! sections 1, 2.2 and 3).
//!
//! The step vocabulary (`NodeId`, `Step`, `InvalidStep`) is defined here, at the bottom of the
//! layers that use it, so that dependencies only point down the file map of adapters/README.md:
//! `scenario` builds these types from the wire and re-exports them, and `Cluster::step` takes them
//! without knowing about JSON.

use std::fmt;

use crate::snapshot::{SnapshotHeader, encode_snapshot};
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

    /// Applies one step, then the replication round every step but `snapshot` ends with.
    /// Returns the snapshots a `snapshot` step emits, as (node, bytes), in listed order. A step
    /// the cluster refuses changes nothing, as every check comes before the first change.
    pub fn step(&mut self, step: Step) -> Result<Vec<(NodeId, Vec<u8>)>, InvalidStep> {
        // Schema order.
        match step {
            // {"op":"put","key":"a","value":"31"} and the other client commands, which
            // `apply_command` tells apart once they are committed.
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
            // R-SNAP-3: a snapshot changes nothing and is not followed by a round.
            Step::Snapshot { nodes } => return self.snapshot(&nodes),
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
        // R-RESTART-2: up, empty, indices 0, log kept; an isolated node stays like that until it
        // leaves P.
        let node = self.node_mut(id);
        node.up = true;
        node.lose_volatile_state();
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
        for node in &mut self.nodes {
            if !node.up {
                node.up = true;
                node.lose_volatile_state();
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

    /// R-REJOIN-2: a one-shot push of the leader's log, and of the store that applying its
    /// first `commit_index` entries to an empty store gives, which is what `store` makes of
    /// `last_applied = commit_index`.
    fn rejoin(&mut self, id: NodeId) {
        debug_assert_ne!(id, self.leader);
        let commit_index = self.node(self.leader).commit_index;
        let len = self.log.len();
        let follower = self.node_mut(id);
        follower.log_len = len;
        follower.commit_index = commit_index;
        follower.last_applied = commit_index;
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

    pub fn log_len(&self, id: NodeId) -> usize {
        self.node(id).log_len
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
    pub fn store(&mut self, id: NodeId) -> &Store {
        let index = self.node(id).last_applied;
        if index == 0 {
            return &EMPTY_STORE;
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

/// A node. It holds no store of its own making: see `Cluster::store`.
#[derive(Clone, Debug)]
struct Node {
    up: bool,
    /// The node's log is `Cluster::log[..log_len]`: every log is a prefix of the leader's
    /// (R-LOG-2), so a length says everything, and replicating to a follower copies nothing.
    log_len: usize,
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
            current_term: 1,
            commit_index: 0,
            last_applied: 0,
            replayed: Store::new(),
            replayed_through: 0,
        }
    }

    /// What a crash forgets and a restart starts from (R-CRASH-3, R-RESTART-2). The store is
    /// empty because `last_applied` is 0 (see `Cluster::store`).
    fn lose_volatile_state(&mut self) {
        self.commit_index = 0;
        self.last_applied = 0;
    }

    /// R-APPLY-1: entries `last_applied + 1 ..= commit_index` are applied in index order,
    /// which `Cluster::store` does when the store is next looked at.
    fn apply_committed(&mut self) {
        debug_assert!(self.commit_index <= self.log_len, "commit past the log");
        debug_assert!(
            self.last_applied <= self.commit_index,
            "applied past commit"
        );
        self.last_applied = self.commit_index;
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

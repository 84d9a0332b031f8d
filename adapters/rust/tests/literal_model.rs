//! The cluster against a literal reading of SPEC.md sections 2 and 3, on random scenarios.
//!
//! `Cluster` takes two shortcuts that SPEC.md allows but does not spell out: a follower's log is
//! a length into the leader's (R-LOG-2), and a store is rebuilt from `last_applied` when it is
//! looked at. The model below takes neither: it copies whole logs, rebuilds stores on rejoin by
//! replaying the leader's log, and applies entries in every round. After every step both must
//! agree on every node's indices and log length, and on snapshot bytes whenever they are taken.
//!
//! Compaction (section 3.3) is modelled literally too: a node's log holds only the entries after
//! its discarded prefix, a restart decodes the saved bytes, and a rejoin installs the leader's
//! saved bytes when the follower's logical log is shorter than the leader's saved_index. Both
//! must also agree on every node's saved bytes and discarded prefix.

use rsm_adapter::cluster::{Cluster, NodeId, Step};
use rsm_adapter::snapshot::{SnapshotHeader, decode_snapshot, encode_snapshot};
use rsm_adapter::state_machine::{Command, apply_command};
use rsm_adapter::store::Store;

struct Node {
    up: bool,
    /// Entries `offset + 1 ..= offset + log.len()`.
    log: Vec<Command>,
    /// The discarded prefix: saved_index (R-SAVED-1).
    offset: usize,
    saved: Option<Vec<u8>>,
    commit_index: usize,
    last_applied: usize,
    store: Store,
}

impl Node {
    /// R-SAVED-1: the logical length.
    fn len(&self) -> usize {
        self.offset + self.log.len()
    }

    /// Entry `index` (1-based), which the node must hold.
    fn entry(&self, index: usize) -> &Command {
        assert!(index > self.offset, "entry {index} was discarded");
        &self.log[index - self.offset - 1]
    }
}

struct Model {
    leader: NodeId,
    nodes: Vec<Node>,
    isolated: Vec<bool>,
    /// How often R-INSTALL-1 and R-SAVED-3 (at an index above 0) happened, so that the test
    /// can tell it exercised them.
    installs: usize,
    restores: usize,
}

impl Model {
    fn new(n: usize, leader: NodeId) -> Self {
        let nodes = (0..n)
            .map(|_| Node {
                up: true,
                log: Vec::new(),
                offset: 0,
                saved: None,
                commit_index: 0,
                last_applied: 0,
                store: Store::new(),
            })
            .collect();
        Model {
            leader,
            nodes,
            isolated: vec![false; n],
            installs: 0,
            restores: 0,
        }
    }

    fn reachable(&self, id: NodeId) -> bool {
        id != self.leader && self.nodes[id - 1].up && !self.isolated[id - 1]
    }

    fn followers(&self) -> Vec<NodeId> {
        (1..=self.nodes.len())
            .filter(|&id| id != self.leader)
            .collect()
    }

    fn step(&mut self, step: &Step) -> Vec<(NodeId, Vec<u8>)> {
        let before: Vec<bool> = (1..=self.nodes.len())
            .map(|id| self.reachable(id))
            .collect();
        // Schema order, as every dispatch of a step (adapters/README.md).
        match step {
            // {"op":"put","key":"a","value":"31"}, and delete, append, incr and cas alike
            Step::Command { command, .. } => self.nodes[self.leader - 1].log.push(command.clone()),
            // {"op":"partition","nodes":[3]}
            Step::Partition { nodes } => {
                self.isolated = vec![false; self.nodes.len()];
                for &id in nodes {
                    self.isolated[id - 1] = true;
                }
            }
            // {"op":"crash","node":2}
            Step::Crash { node } => {
                let node = &mut self.nodes[node - 1];
                node.up = false;
                node.store = Store::new();
                node.commit_index = 0;
                node.last_applied = 0;
            }
            // {"op":"restart","node":2}
            Step::Restart { node } => {
                self.restores += Self::come_up(&mut self.nodes[node - 1]);
            }
            // {"op":"heal"}
            Step::Heal => {
                self.isolated = vec![false; self.nodes.len()];
                for node in &mut self.nodes {
                    if !node.up {
                        self.restores += Self::come_up(node);
                    }
                }
            }
            // {"op":"snapshot","nodes":[1,2,3]}
            Step::Snapshot { nodes } => {
                return nodes.iter().map(|&id| (id, self.snapshot(id))).collect();
            }
            // {"op":"compact","node":2}
            Step::Elect { .. } => unreachable!("the model has no elections"),
            Step::Compact { node: id } => {
                let bytes = self.snapshot(*id);
                let node = &mut self.nodes[id - 1];
                let discard = node.last_applied - node.offset;
                node.log.drain(..discard);
                node.offset = node.last_applied;
                node.saved = Some(bytes);
            }
        }
        for id in self.followers() {
            if !before[id - 1] && self.reachable(id) {
                self.rejoin(id);
            }
        }
        self.round();
        Vec::new()
    }

    /// R-SAVED-3: the store and indices of the saved bytes, or empty and 0. Returns 1 when it
    /// restored a nonempty index.
    fn come_up(node: &mut Node) -> usize {
        node.up = true;
        node.store = Store::new();
        node.commit_index = 0;
        node.last_applied = 0;
        if let Some(saved) = &node.saved {
            let decoded = decode_snapshot(saved).unwrap();
            for (key, value) in &decoded.pairs {
                node.store.put(key, value);
            }
            node.commit_index = decoded.header.last_included_index as usize;
            node.last_applied = node.commit_index;
            assert_eq!(node.last_applied, node.offset);
        }
        usize::from(node.last_applied > 0)
    }

    fn rejoin(&mut self, id: NodeId) {
        let leader = &self.nodes[self.leader - 1];
        let commit = leader.commit_index;
        // The leader's store replayed: from its saved bytes, then its entries up to commit.
        let mut store = Store::new();
        if let Some(saved) = &leader.saved {
            for (key, value) in decode_snapshot(saved).unwrap().pairs {
                store.put(&key, &value);
            }
        }
        for index in leader.offset + 1..=commit {
            apply_command(&mut store, leader.entry(index));
        }
        let leader_len = leader.len();
        let (leader_offset, leader_saved) = (leader.offset, leader.saved.clone());
        let leader_entries: Vec<Command> = (leader_offset + 1..=leader_len)
            .map(|index| leader.entry(index).clone())
            .collect();
        let follower = &mut self.nodes[id - 1];
        if follower.len() < leader_offset {
            // R-INSTALL-1.
            self.installs += 1;
            follower.saved = leader_saved;
            follower.offset = leader_offset;
            follower.log = leader_entries;
        } else {
            // R-INSTALL-2: its own prefix and entries, and the leader's after them.
            let have = follower.len();
            follower
                .log
                .extend_from_slice(&leader_entries[have - leader_offset..]);
        }
        assert_eq!(follower.len(), leader_len);
        follower.store = store;
        follower.commit_index = commit;
        follower.last_applied = commit;
    }

    fn round(&mut self) {
        let leader = &self.nodes[self.leader - 1];
        let leader_len = leader.len();
        let leader_offset = leader.offset;
        let leader_log = leader.log.clone();
        for id in self.followers() {
            if self.reachable(id) {
                // R-ROUND-1: the entries it is missing, which the leader must still hold: a
                // follower that lacked discarded ones installed at its rejoin.
                let follower = &mut self.nodes[id - 1];
                let have = follower.len();
                assert!(
                    have >= leader_offset,
                    "a reachable follower needs discarded entries"
                );
                follower
                    .log
                    .extend_from_slice(&leader_log[have - leader_offset..]);
            }
        }
        let majority = self.nodes.len() / 2 + 1;
        let candidate = (1..=leader_len)
            .rev()
            .find(|&n| self.nodes.iter().filter(|node| node.len() >= n).count() >= majority)
            .unwrap_or(0);
        let leader = &mut self.nodes[self.leader - 1];
        leader.commit_index = leader.commit_index.max(candidate);
        let commit = leader.commit_index;
        for id in std::iter::once(self.leader).chain(self.followers()) {
            if id != self.leader && !self.reachable(id) {
                continue;
            }
            let node = &mut self.nodes[id - 1];
            node.commit_index = commit;
            for index in node.last_applied + 1..=node.commit_index {
                let command = node.entry(index).clone();
                apply_command(&mut node.store, &command);
            }
            node.last_applied = node.commit_index;
        }
    }

    fn snapshot(&self, id: NodeId) -> Vec<u8> {
        let node = &self.nodes[id - 1];
        let header = SnapshotHeader {
            current_term: 1,
            last_included_index: node.last_applied as u64,
            last_included_term: u64::from(node.last_applied > 0),
        };
        encode_snapshot(header, node.store.pairs())
    }
}

/// xorshift64*: deterministic, so a failure names a seed that reproduces it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn random_step(rng: &mut Rng, model: &Model, compact: bool) -> Step {
    let n = model.nodes.len();
    let key = ["a", "b", "", "\u{FFFD}", "\u{1F600}"][rng.below(5)].to_string();
    let value = [
        &b""[..],
        b"x",
        &[0, 0, 0, 0, 0, 0, 0, 1],
        b"\xff\xff\xff\xff\xff\xff\xff\xfe",
    ][rng.below(4)]
    .to_vec();
    let down: Vec<NodeId> = (1..=n).filter(|&id| !model.nodes[id - 1].up).collect();
    let up_followers: Vec<NodeId> = model
        .followers()
        .into_iter()
        .filter(|&id| model.nodes[id - 1].up)
        .collect();
    match rng.below(15) {
        0..=2 => Step::Command {
            command: Command::Put { key, value },
            via: None,
        },
        3 => Step::Command {
            command: Command::Delete { key },
            via: None,
        },
        4 => Step::Command {
            command: Command::Append { key, value },
            via: None,
        },
        5 => Step::Command {
            command: Command::Incr {
                key,
                delta: [0, 1, u64::MAX, 1 << 53][rng.below(4)],
            },
            via: None,
        },
        6 => Step::Command {
            command: Command::Cas {
                key,
                expected: [None, Some(Vec::new()), Some(b"x".to_vec())][rng.below(3)].clone(),
                value,
            },
            via: None,
        },
        7 | 8 => Step::Partition {
            nodes: model
                .followers()
                .into_iter()
                .filter(|_| rng.below(3) == 0)
                .collect(),
        },
        9 if !up_followers.is_empty() => Step::Crash {
            node: up_followers[rng.below(up_followers.len())],
        },
        10 if !down.is_empty() => Step::Restart {
            node: down[rng.below(down.len())],
        },
        11 => Step::Heal,
        12 if compact => {
            let up: Vec<NodeId> = (1..=n).filter(|&id| model.nodes[id - 1].up).collect();
            Step::Compact {
                node: up[rng.below(up.len())],
            }
        }
        _ => Step::Snapshot {
            nodes: (1..=n).filter(|&id| model.nodes[id - 1].up).collect(),
        },
    }
}

#[test]
fn cluster_matches_the_literal_model() {
    check_against_the_model(false);
}

#[test]
fn cluster_matches_the_literal_model_with_compaction() {
    check_against_the_model(true);
}

fn check_against_the_model(compact: bool) {
    let (mut installs, mut restores) = (0, 0);
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let n = 1 + rng.below(7);
        let leader = 1 + rng.below(n);
        let mut model = Model::new(n, leader);
        let mut cluster = Cluster::new(n, leader, false).unwrap();
        for i in 0..200 {
            let step = random_step(&mut rng, &model, compact);
            let expected = model.step(&step);
            let got = cluster.step(step.clone()).unwrap();
            // Not every step looks at every store, so that the cluster's caches also have to
            // catch up across long gaps.
            let look = rng.below(4) == 0;
            assert_eq!(got, expected, "seed {seed} step {i} {step:?}");
            for id in 1..=n {
                let node = &model.nodes[id - 1];
                let at = format!("seed {seed} step {i} {step:?} node {id}");
                assert_eq!(cluster.is_up(id), node.up, "{at}");
                assert_eq!(cluster.log_len(id), node.len(), "{at}");
                assert_eq!(cluster.saved_index(id), node.offset, "{at}");
                assert_eq!(cluster.saved(id), node.saved.as_deref(), "{at}");
                assert_eq!(cluster.commit_index(id), node.commit_index, "{at}");
                assert_eq!(cluster.last_applied(id), node.last_applied, "{at}");
                if node.up && look {
                    assert_eq!(cluster.node_snapshot(id), model.snapshot(id), "{at}");
                }
            }
        }
        installs += model.installs;
        restores += model.restores;
    }
    eprintln!("compact {compact}: {installs} installs, {restores} restores");
    if compact {
        assert!(
            installs > 100 && restores > 100,
            "{installs} installs, {restores} restores"
        );
    } else {
        assert_eq!((installs, restores), (0, 0));
    }
}

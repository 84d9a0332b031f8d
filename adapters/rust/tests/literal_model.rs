//! The cluster against a literal reading of SPEC.md sections 2 and 3, on random scenarios.
//!
//! `Cluster` takes two shortcuts that SPEC.md allows but does not spell out: a follower's log is
//! a length into the leader's (R-LOG-2), and a store is rebuilt from `last_applied` when it is
//! looked at. The model below takes neither: it copies whole logs, rebuilds stores on rejoin by
//! replaying the leader's log, and applies entries in every round. After every step both must
//! agree on every node's indices and log length, and on snapshot bytes whenever they are taken.

use rsm_adapter::cluster::{Cluster, NodeId, Step};
use rsm_adapter::snapshot::{SnapshotHeader, encode_snapshot};
use rsm_adapter::state_machine::{Command, apply_command};
use rsm_adapter::store::Store;

struct Node {
    up: bool,
    log: Vec<Command>,
    commit_index: usize,
    last_applied: usize,
    store: Store,
}

struct Model {
    leader: NodeId,
    nodes: Vec<Node>,
    isolated: Vec<bool>,
}

impl Model {
    fn new(n: usize, leader: NodeId) -> Self {
        let nodes = (0..n)
            .map(|_| Node {
                up: true,
                log: Vec::new(),
                commit_index: 0,
                last_applied: 0,
                store: Store::new(),
            })
            .collect();
        Model {
            leader,
            nodes,
            isolated: vec![false; n],
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
        match step {
            Step::Command(command) => self.nodes[self.leader - 1].log.push(command.clone()),
            Step::Partition { nodes } => {
                self.isolated = vec![false; self.nodes.len()];
                for &id in nodes {
                    self.isolated[id - 1] = true;
                }
            }
            Step::Crash { node } => {
                let node = &mut self.nodes[node - 1];
                node.up = false;
                node.store = Store::new();
                node.commit_index = 0;
                node.last_applied = 0;
            }
            Step::Restart { node } => self.nodes[node - 1].up = true,
            Step::Heal => {
                self.isolated = vec![false; self.nodes.len()];
                for node in &mut self.nodes {
                    node.up = true;
                }
            }
            Step::Snapshot { nodes } => {
                return nodes.iter().map(|&id| (id, self.snapshot(id))).collect();
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

    fn rejoin(&mut self, id: NodeId) {
        let leader = &self.nodes[self.leader - 1];
        let log = leader.log.clone();
        let commit = leader.commit_index;
        let mut store = Store::new();
        for command in &log[..commit] {
            apply_command(&mut store, command);
        }
        let follower = &mut self.nodes[id - 1];
        follower.log = log;
        follower.store = store;
        follower.commit_index = commit;
        follower.last_applied = commit;
    }

    fn round(&mut self) {
        let leader_log = self.nodes[self.leader - 1].log.clone();
        for id in self.followers() {
            if self.reachable(id) {
                self.nodes[id - 1].log = leader_log.clone();
            }
        }
        let majority = self.nodes.len() / 2 + 1;
        let candidate = (1..=leader_log.len())
            .rev()
            .find(|&n| self.nodes.iter().filter(|node| node.log.len() >= n).count() >= majority)
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
            for index in node.last_applied..node.commit_index {
                apply_command(&mut node.store, &node.log[index]);
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

fn random_step(rng: &mut Rng, model: &Model) -> Step {
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
    match rng.below(14) {
        0..=2 => Step::Command(Command::Put { key, value }),
        3 => Step::Command(Command::Delete { key }),
        4 => Step::Command(Command::Append { key, value }),
        5 => Step::Command(Command::Incr {
            key,
            delta: [0, 1, u64::MAX, 1 << 53][rng.below(4)],
        }),
        6 => Step::Command(Command::Cas {
            key,
            expected: [None, Some(Vec::new()), Some(b"x".to_vec())][rng.below(3)].clone(),
            value,
        }),
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
        _ => Step::Snapshot {
            nodes: (1..=n).filter(|&id| model.nodes[id - 1].up).collect(),
        },
    }
}

#[test]
fn cluster_matches_the_literal_model() {
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let n = 1 + rng.below(7);
        let leader = 1 + rng.below(n);
        let mut model = Model::new(n, leader);
        let mut cluster = Cluster::new(n, leader).unwrap();
        for i in 0..200 {
            let step = random_step(&mut rng, &model);
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
                assert_eq!(cluster.log_len(id), node.log.len(), "{at}");
                assert_eq!(cluster.commit_index(id), node.commit_index, "{at}");
                assert_eq!(cluster.last_applied(id), node.last_applied, "{at}");
                if node.up && look {
                    assert_eq!(cluster.node_snapshot(id), model.snapshot(id), "{at}");
                }
            }
        }
    }
}

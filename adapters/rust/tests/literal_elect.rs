//! The cluster against a literal reading of SPEC.md section 3.4 (elections), with compaction,
//! on random scenarios.
//!
//! `Cluster` takes shortcuts that SPEC.md's rules imply but do not spell out: a node's log is a
//! list of term runs shared with the leader that last brought it in (R-TRUNC-1's push copies a
//! pointer), R-COMMIT-4 is computed from one span per node, and a store is rebuilt from
//! `last_applied` when it is looked at. The model below takes none: every node holds its own
//! entries after its discarded prefix, a bring-in finds the last common index m and truncates
//! there, the commit candidate is searched index by index, and stores are applied entry by entry
//! and copied whole. After every step both must agree on every node's role, term, vote, log
//! terms, indices and saved snapshot, and on snapshot bytes whenever they are taken.

use rsm_adapter::cluster::{Cluster, NodeId, Role, Step};
use rsm_adapter::snapshot::{SnapshotHeader, decode_snapshot, encode_snapshot};
use rsm_adapter::state_machine::{Command, apply_command};
use rsm_adapter::store::Store;

#[derive(Clone)]
struct Node {
    up: bool,
    role: Role,
    term: u64,
    voted_for: Option<NodeId>,
    /// Entries `offset + 1 ..= offset + log.len()`: (term, command), `None` the no-op.
    log: Vec<(u64, Option<Command>)>,
    /// saved_index (R-SAVED-1).
    offset: usize,
    saved: Option<Vec<u8>>,
    commit_index: usize,
    last_applied: usize,
    store: Store,
}

impl Node {
    fn len(&self) -> usize {
        self.offset + self.log.len()
    }

    /// R-LOG-4: the term at `index`, for offset <= index <= len.
    fn term(&self, index: usize) -> u64 {
        if index == 0 {
            return 0;
        }
        if index == self.offset {
            let saved = self
                .saved
                .as_ref()
                .expect("a discarded prefix has saved bytes");
            return decode_snapshot(saved).unwrap().header.last_included_term;
        }
        assert!(index > self.offset, "term of discarded entry {index}");
        self.log[index - self.offset - 1].0
    }

    fn last(&self) -> (u64, usize) {
        (self.term(self.len()), self.len())
    }

    fn apply(&mut self) {
        for index in self.last_applied + 1..=self.commit_index {
            let (_, command) = &self.log[index - self.offset - 1];
            if let Some(command) = command {
                apply_command(&mut self.store, command);
            }
        }
        self.last_applied = self.last_applied.max(self.commit_index);
    }

    fn come_up(&mut self) {
        self.up = true;
        self.role = Role::Follower;
        self.store = Store::new();
        self.commit_index = 0;
        self.last_applied = 0;
        if let Some(saved) = &self.saved {
            let decoded = decode_snapshot(saved).unwrap();
            for (key, value) in &decoded.pairs {
                self.store.put(key, value);
            }
            self.commit_index = decoded.header.last_included_index as usize;
            self.last_applied = self.commit_index;
        }
    }

    fn snapshot(&self) -> Vec<u8> {
        let header = SnapshotHeader {
            current_term: self.term,
            last_included_index: self.last_applied as u64,
            last_included_term: self.term(self.last_applied),
        };
        encode_snapshot(header, self.store.pairs())
    }
}

struct Model {
    nodes: Vec<Node>,
    isolated: Vec<bool>,
    /// How often the interesting things happened, so that the test can tell it saw them.
    wins: usize,
    truncations: usize,
    installs: usize,
    dropped: usize,
}

impl Model {
    fn new(n: usize, leader: NodeId) -> Self {
        let node = Node {
            up: true,
            role: Role::Follower,
            term: 1,
            voted_for: None,
            log: Vec::new(),
            offset: 0,
            saved: None,
            commit_index: 0,
            last_applied: 0,
            store: Store::new(),
        };
        let mut nodes = vec![node; n];
        nodes[leader - 1].role = Role::Leader;
        Model {
            nodes,
            isolated: vec![false; n],
            wins: 0,
            truncations: 0,
            installs: 0,
            dropped: 0,
        }
    }

    fn n(&self) -> usize {
        self.nodes.len()
    }

    fn step(&mut self, step: &Step) -> Vec<(NodeId, Vec<u8>)> {
        match step {
            Step::Command { command, via } => {
                let target = via.or_else(|| {
                    (1..=self.n())
                        .filter(|&id| {
                            self.nodes[id - 1].up && self.nodes[id - 1].role == Role::Leader
                        })
                        .max_by_key(|&id| self.nodes[id - 1].term)
                });
                match target.map(|id| &mut self.nodes[id - 1]) {
                    Some(node) if node.up && node.role == Role::Leader => {
                        let term = node.term;
                        node.log.push((term, Some(command.clone())));
                    }
                    _ => self.dropped += 1,
                }
            }
            Step::Partition { nodes } => {
                self.isolated = vec![false; self.n()];
                for &id in nodes {
                    self.isolated[id - 1] = true;
                }
            }
            Step::Crash { node } => {
                let node = &mut self.nodes[node - 1];
                node.up = false;
                node.role = Role::Follower;
                node.store = Store::new();
                node.commit_index = 0;
                node.last_applied = 0;
            }
            Step::Restart { node } => self.nodes[node - 1].come_up(),
            Step::Heal => {
                self.isolated = vec![false; self.n()];
                for node in &mut self.nodes {
                    if !node.up {
                        node.come_up();
                    }
                }
            }
            Step::Snapshot { nodes } => {
                return nodes
                    .iter()
                    .map(|&id| (id, self.nodes[id - 1].snapshot()))
                    .collect();
            }
            Step::Compact { node: id } => {
                let node = &mut self.nodes[id - 1];
                let bytes = node.snapshot();
                let discard = node.last_applied - node.offset;
                node.log.drain(..discard);
                node.offset = node.last_applied;
                node.saved = Some(bytes);
            }
            Step::Elect { node: c } => self.elect(*c),
        }
        self.round(false);
        self.round(true);
        Vec::new()
    }

    fn elect(&mut self, c: NodeId) {
        let candidate = &mut self.nodes[c - 1];
        candidate.term += 1;
        candidate.role = Role::Candidate;
        candidate.voted_for = Some(c);
        let term = candidate.term;
        let last = candidate.last();
        let mut votes = 1;
        let mut refused_higher = Vec::new();
        for v in 1..=self.n() {
            if v == c || !self.nodes[v - 1].up || self.isolated[v - 1] != self.isolated[c - 1] {
                continue;
            }
            let voter = &mut self.nodes[v - 1];
            if voter.term > term {
                refused_higher.push(voter.term);
                continue;
            }
            if voter.term < term {
                voter.term = term;
                voter.voted_for = None;
                voter.role = Role::Follower;
            }
            let (vt, vi) = voter.last();
            let up_to_date = last.0 > vt || (last.0 == vt && last.1 >= vi);
            if (voter.voted_for.is_none() || voter.voted_for == Some(c)) && up_to_date {
                voter.voted_for = Some(c);
                votes += 1;
            }
        }
        let majority = self.n() / 2 + 1;
        let candidate = &mut self.nodes[c - 1];
        if let Some(&higher) = refused_higher.iter().max() {
            candidate.term = higher;
            candidate.voted_for = None;
            candidate.role = Role::Follower;
        } else if votes >= majority {
            candidate.role = Role::Leader;
            candidate.log.push((term, None));
            self.wins += 1;
        }
    }

    fn round(&mut self, side: bool) {
        let members: Vec<NodeId> = (1..=self.n())
            .filter(|&id| self.nodes[id - 1].up && self.isolated[id - 1] == side)
            .collect();
        let Some(top) = members.iter().map(|&id| self.nodes[id - 1].term).max() else {
            return;
        };
        for &id in &members {
            let node = &mut self.nodes[id - 1];
            if node.role == Role::Leader && node.term < top {
                node.term = top;
                node.voted_for = None;
                node.role = Role::Follower;
            }
        }
        let leaders: Vec<NodeId> = members
            .iter()
            .copied()
            .filter(|&id| self.nodes[id - 1].role == Role::Leader)
            .collect();
        let ld = match leaders[..] {
            [] => return,
            [ld] => ld,
            _ => panic!("two leaders of term {top} on one side"),
        };
        for &f in &members {
            if f != ld {
                self.bring_in(ld, f, top);
            }
        }
        // R-COMMIT-4, index by index.
        let majority = self.n() / 2 + 1;
        let leader = &self.nodes[ld - 1];
        let candidate = (leader.commit_index + 1..=leader.len())
            .rev()
            .find(|&n| {
                leader.term(n) == top
                    && self
                        .nodes
                        .iter()
                        .filter(|v| v.len() >= n && n > v.offset && v.term(n) == top)
                        .count()
                        >= majority
            })
            .unwrap_or(0);
        let leader = &mut self.nodes[ld - 1];
        leader.commit_index = leader.commit_index.max(candidate);
        leader.apply();
        let commit = leader.commit_index;
        for &f in &members {
            if f != ld {
                let node = &mut self.nodes[f - 1];
                node.commit_index = node.commit_index.max(commit);
                node.apply();
            }
        }
    }

    fn bring_in(&mut self, ld: NodeId, f: NodeId, top: u64) {
        let leader = self.nodes[ld - 1].clone();
        let follower = &mut self.nodes[f - 1];
        if follower.term < top {
            follower.term = top;
            follower.voted_for = None;
        }
        follower.role = Role::Follower;
        // R-INSTALL-4.
        if let Some(saved) = &leader.saved {
            let s = leader.offset;
            let holds =
                s <= follower.offset || (follower.len() >= s && follower.term(s) == leader.term(s));
            if !holds {
                self.installs += 1;
                let keep: Vec<_> = if follower.len() > s {
                    follower.log[s - follower.offset..].to_vec()
                } else {
                    Vec::new()
                };
                follower.log = keep;
                follower.offset = s;
                follower.saved = Some(saved.clone());
            }
        }
        // R-TRUNC-1: the last index m both hold with the same term; at or below either
        // saved_index counts as held by both.
        let floor = follower.offset.max(leader.offset);
        let m = (0..=follower.len().min(leader.len()))
            .rev()
            .find(|&n| n <= floor || follower.term(n) == leader.term(n))
            .unwrap();
        if m < follower.len() {
            self.truncations += 1;
            assert!(m >= follower.commit_index, "a committed entry truncated");
        }
        follower.log.truncate(m - follower.offset);
        follower
            .log
            .extend_from_slice(&leader.log[m - leader.offset..]);
        assert_eq!(follower.len(), leader.len());
        if follower.last_applied < leader.commit_index {
            follower.store = leader.store.clone();
            follower.commit_index = leader.commit_index;
            follower.last_applied = leader.commit_index;
        }
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
    let n = model.n();
    let key = ["a", "b", "", "\u{1F600}"][rng.below(4)].to_string();
    let value = [&b""[..], b"x", &[0, 0, 0, 0, 0, 0, 0, 1]][rng.below(3)].to_vec();
    let up: Vec<NodeId> = (1..=n).filter(|&id| model.nodes[id - 1].up).collect();
    let down: Vec<NodeId> = (1..=n).filter(|&id| !model.nodes[id - 1].up).collect();
    let via = (rng.below(4) == 0).then(|| 1 + rng.below(n));
    let command = |command| Step::Command { command, via };
    match rng.below(16) {
        0..=2 => command(Command::Put { key, value }),
        3 => command(Command::Delete { key }),
        4 => command(Command::Append { key, value }),
        5 => command(Command::Incr { key, delta: 1 }),
        6 | 7 => Step::Partition {
            nodes: (1..=n).filter(|_| rng.below(3) == 0).collect(),
        },
        8 if !up.is_empty() => Step::Crash {
            node: up[rng.below(up.len())],
        },
        9 if !down.is_empty() => Step::Restart {
            node: down[rng.below(down.len())],
        },
        10 => Step::Heal,
        11 if !up.is_empty() => Step::Compact {
            node: up[rng.below(up.len())],
        },
        12 | 13 if !up.is_empty() => Step::Elect {
            node: up[rng.below(up.len())],
        },
        _ if !up.is_empty() => Step::Snapshot { nodes: up },
        _ => Step::Heal,
    }
}

#[test]
fn cluster_matches_the_literal_model_of_elections() {
    let (mut wins, mut truncations, mut installs, mut dropped) = (0, 0, 0, 0);
    for seed in 1..=400u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let n = [1, 2, 3, 3, 4, 5, 5, 7][rng.below(8)];
        let leader = 1 + rng.below(n);
        let mut model = Model::new(n, leader);
        let mut cluster = Cluster::new(n, leader, true).unwrap();
        for i in 0..150 {
            let step = random_step(&mut rng, &model);
            let expected = model.step(&step);
            let got = cluster.step(step.clone()).unwrap();
            assert_eq!(got, expected, "seed {seed} step {i} {step:?}");
            let look = rng.below(3) == 0;
            for id in 1..=n {
                let node = &model.nodes[id - 1];
                let at = format!("seed {seed} step {i} {step:?} node {id}");
                assert_eq!(cluster.is_up(id), node.up, "{at}");
                if node.up {
                    assert_eq!(cluster.role(id), node.role, "{at}");
                }
                assert_eq!(cluster.current_term(id), node.term, "{at}");
                assert_eq!(cluster.voted_for(id), node.voted_for, "{at}");
                assert_eq!(cluster.log_len(id), node.len(), "{at}");
                assert_eq!(cluster.last_log_term(id), node.last().0, "{at}");
                let terms = cluster.log_terms(id);
                for index in node.offset.max(1)..=node.len() {
                    assert_eq!(terms[index - 1], node.term(index), "{at} index {index}");
                }
                assert_eq!(cluster.saved_index(id), node.offset, "{at}");
                assert_eq!(cluster.saved(id), node.saved.as_deref(), "{at}");
                assert_eq!(cluster.commit_index(id), node.commit_index, "{at}");
                assert_eq!(cluster.last_applied(id), node.last_applied, "{at}");
                if node.up && look {
                    assert_eq!(cluster.node_snapshot(id), node.snapshot(), "{at}");
                }
            }
        }
        wins += model.wins;
        truncations += model.truncations;
        installs += model.installs;
        dropped += model.dropped;
    }
    eprintln!(
        "{wins} elections won, {truncations} truncations, {installs} installs, {dropped} dropped"
    );
    assert!(
        wins > 1000 && truncations > 100 && installs > 20 && dropped > 1000,
        "{wins} wins, {truncations} truncations, {installs} installs, {dropped} dropped"
    );
}

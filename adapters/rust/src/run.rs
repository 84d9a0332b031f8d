//! Running one scenario: the snapshots it emits and, when asked, the trace (SPEC.md section 7,
//! R-PROTO-6, R-PROTO-7).

use serde::Serialize;

use crate::cluster::{Cluster, NodeId};
use crate::scenario::{InvalidStep, Scenario, encode_hex};

/// What a `result` message carries besides its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    pub snapshots: Vec<SnapshotEntry>,
    /// R-PROTO-7: `None` when no trace was asked for.
    pub trace: Option<Vec<TraceEntry>>,
}

/// One emitted snapshot (R-PROTO-6), serialized as it goes on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotEntry {
    pub step: usize,
    pub node: NodeId,
    pub hex: String,
}

/// Every node's state after one step (R-PROTO-7): `states[k]` is node k + 1, null while down.
/// A scenario that needs `elect` also has `raft`, of the same length (R-TRACE-1); one that does
/// not has no `raft` key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEntry {
    pub step: usize,
    pub states: Vec<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft: Option<Vec<Option<RaftState>>>,
}

/// R-TRACE-1: what a node's snapshot does not show. Its current_term is in its snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RaftState {
    pub role: &'static str,
    pub voted_for: Option<NodeId>,
    pub log_length: usize,
    pub last_log_term: u64,
}

/// Runs `scenario` step by step. The first invalid step ends the run, and the caller sends it as
/// an error reply (R-PROTO-8).
pub fn run_scenario(scenario: Scenario, trace: bool) -> Result<RunResult, InvalidStep> {
    // R-ELECT-1: whether the leader may crash or be isolated, and whether a trace has `raft`.
    let elect = scenario.steps.iter().any(|step| step.needs_elect());
    let mut cluster =
        Cluster::new(scenario.nodes, scenario.leader, elect).map_err(|e| e.under("cluster"))?;
    let mut snapshots = Vec::new();
    let mut states = trace.then(|| Vec::with_capacity(scenario.steps.len()));
    for (i, step) in scenario.steps.into_iter().enumerate() {
        let emitted = cluster
            .step(step)
            .map_err(|e| e.under(format_args!("steps[{i}]")))?;
        // R-PROTO-6: step order, then listed-node order.
        snapshots.extend(emitted.into_iter().map(|(node, bytes)| SnapshotEntry {
            step: i,
            node,
            hex: encode_hex(&bytes),
        }));
        // R-PROTO-7: one entry per step, snapshot steps included; null while a node is down.
        if let Some(states) = &mut states {
            states.push(TraceEntry {
                step: i,
                states: (1..=cluster.size())
                    .map(|id| {
                        let up = cluster.is_up(id);
                        up.then(|| encode_hex(&cluster.node_snapshot(id)))
                    })
                    .collect(),
                raft: elect.then(|| {
                    (1..=cluster.size())
                        .map(|id| cluster.is_up(id).then(|| raft_state(&cluster, id)))
                        .collect()
                }),
            });
        }
    }
    Ok(RunResult {
        snapshots,
        trace: states,
    })
}

fn raft_state(cluster: &Cluster, id: NodeId) -> RaftState {
    RaftState {
        role: cluster.role(id).as_str(),
        voted_for: cluster.voted_for(id),
        log_length: cluster.log_len(id),
        last_log_term: cluster.last_log_term(id),
    }
}

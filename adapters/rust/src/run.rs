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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEntry {
    pub step: usize,
    pub states: Vec<Option<String>>,
}

/// Runs `scenario` step by step. The first invalid step ends the run, and the caller sends it as
/// an error reply (R-PROTO-8).
pub fn run_scenario(scenario: Scenario, trace: bool) -> Result<RunResult, InvalidStep> {
    let mut cluster =
        Cluster::new(scenario.nodes, scenario.leader).map_err(|e| e.under("cluster"))?;
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
            });
        }
    }
    Ok(RunResult {
        snapshots,
        trace: states,
    })
}

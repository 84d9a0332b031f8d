//! Running one normalized scenario (section 6) to its emitted snapshots and optional trace.

use crate::cluster::{Cluster, NodeId, Step};
use crate::protocol::{SnapshotEntry, TraceEntry, encode_hex};

/// A decoded normalized scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub nodes: usize,
    pub leader: NodeId,
    pub steps: Vec<Step>,
}

/// What a `result` message carries besides its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub snapshots: Vec<SnapshotEntry>,
    pub trace: Option<Vec<TraceEntry>>,
}

/// Runs `scenario` step by step. An invalid step ends the run with a message naming its JSON
/// path and rule, which the caller sends as an error reply (R-PROTO-8).
pub fn run(scenario: Scenario, trace: bool) -> Result<Output, String> {
    let mut cluster = Cluster::new(scenario.nodes, scenario.leader)
        .map_err(|e| format!("cluster.{}: {}", e.path, e.message))?;
    let mut snapshots = Vec::new();
    let mut states = trace.then(|| Vec::with_capacity(scenario.steps.len()));
    for (i, step) in scenario.steps.into_iter().enumerate() {
        let emitted = cluster
            .step(step)
            .map_err(|e| format!("steps[{i}].{}: {}", e.path, e.message))?;
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
    Ok(Output {
        snapshots,
        trace: states,
    })
}

// Running one normalized scenario (SPEC.md section 6): the snapshots it emits and, when asked, the trace
// (section 7, R-PROTO-6, R-PROTO-7).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "cluster.h"
#include "scenario.h"
#include "store.h"

namespace rsm {

// What a run emitted: the snapshots of its snapshot steps (R-PROTO-6) and, when asked, every node's state
// after every step (R-PROTO-7).
struct RunResult {
  // One snapshot a snapshot step emitted, `step` being the step's index in the scenario. Named, like
  // TraceEntry, as schema/protocol.schema.json names a result reply's entries: one name for one concept.
  struct SnapshotEntry {
    std::size_t step = 0;
    NodeId node = 0;
    Bytes snapshot;
  };
  // Every node's state after one step: states[k] is node k + 1's snapshot, or nullopt while it is down;
  // in a scenario that needs elect, raft[k] its role, vote and log (R-TRACE-1), nullopt exactly when
  // states[k] is.
  struct TraceEntry {
    std::size_t step = 0;
    std::vector<std::optional<Bytes>> states;
    std::optional<std::vector<std::optional<RaftState>>> raft;
  };

  std::vector<SnapshotEntry> snapshots;
  // Present exactly when a trace was asked for.
  std::optional<std::vector<TraceEntry>> trace;
};

// Runs the steps in order on a fresh cluster. Throws InvalidStep for the first step that breaks a rejection
// rule, with its path in the scenario ("steps[7].node").
RunResult run_scenario(const Scenario& scenario, bool trace);

}  // namespace rsm

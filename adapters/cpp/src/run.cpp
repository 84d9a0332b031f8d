#include "run.h"

#include <utility>

namespace rsm {

RunResult run_scenario(const Scenario& scenario, bool trace) {
  Cluster cluster(scenario.cluster.nodes, scenario.cluster.leader);
  RunResult result;
  if (trace) {
    result.trace.emplace();
    result.trace->reserve(scenario.steps.size());
  }
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    std::vector<Bytes> emitted = cluster.step(step);
    // R-PROTO-6: in step order, then in listed-node order, which is the order cluster.step returns them.
    if (const auto* snapshot = std::get_if<Snapshot>(&step)) {
      for (std::size_t k = 0; k < emitted.size(); ++k) {
        result.snapshots.push_back(SnapshotEntry{i, snapshot->nodes[k], std::move(emitted[k])});
      }
    }
    if (trace) {
      // R-PROTO-7: one entry per step, snapshot steps included; a down node has no state to show.
      TraceEntry entry{i, {}};
      entry.states.reserve(cluster.size());
      for (NodeId id = 1; id <= cluster.size(); ++id) {
        entry.states.push_back(cluster.is_up(id) ? std::optional<Bytes>(cluster.snapshot(id)) : std::nullopt);
      }
      result.trace->push_back(std::move(entry));
    }
  }
  return result;
}

}  // namespace rsm

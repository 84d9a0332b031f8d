#include "run.h"

#include <utility>

namespace rsm {

ScenarioRun::ScenarioRun(const ClusterConfig& cluster, bool trace) : cluster_(cluster.nodes, cluster.leader) {
  if (trace) result_.trace.emplace();
}

void ScenarioRun::step(const Step& step) {
  const std::size_t i = next_++;
  std::vector<Bytes> emitted = cluster_.step(step);
  // R-PROTO-6: in step order, then in listed-node order, which is the order cluster.step returns them.
  if (const auto* snapshot = std::get_if<Snapshot>(&step)) {
    for (std::size_t k = 0; k < emitted.size(); ++k) {
      result_.snapshots.push_back(SnapshotEntry{i, snapshot->nodes[k], std::move(emitted[k])});
    }
  }
  if (result_.trace.has_value()) {
    // R-PROTO-7: one entry per step, snapshot steps included; a down node has no state to show.
    TraceEntry entry{i, {}};
    entry.states.reserve(cluster_.size());
    for (NodeId id = 1; id <= cluster_.size(); ++id) {
      entry.states.push_back(cluster_.is_up(id) ? std::optional<Bytes>(cluster_.snapshot(id)) : std::nullopt);
    }
    result_.trace->push_back(std::move(entry));
  }
}

RunResult ScenarioRun::finish() && { return std::move(result_); }

RunResult run_scenario(const Scenario& scenario, bool trace) {
  ScenarioRun run(scenario.cluster, trace);
  for (const Step& step : scenario.steps) run.step(step);
  return std::move(run).finish();
}

}  // namespace rsm

#include "run.h"

#include <string>
#include <utility>

namespace rsm {

RunResult run_scenario(const Scenario& scenario, bool trace) {
  // R-ELECT-1: decides what is valid (R-CRASH-1, R-PART-2) and whether a trace shows raft (R-TRACE-1).
  const bool elect = needs_elect(scenario);
  std::optional<Cluster> cluster;
  try {
    cluster.emplace(scenario.cluster.nodes, scenario.cluster.leader, elect);
  } catch (const InvalidScenario& e) {
    throw InvalidStep(e.field(), e.what(), e.rule());  // the field is the whole path: "cluster.leader"
  }
  RunResult result;
  if (trace) result.trace.emplace();
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    const Step& step = scenario.steps[i];
    std::vector<Bytes> emitted;
    try {
      emitted = cluster->step(step);
    } catch (const InvalidScenario& e) {
      const std::string path = "steps[" + std::to_string(i) + "]";
      throw InvalidStep(e.field().empty() ? path : path + "." + e.field(), e.what(), e.rule());
    }
    // R-PROTO-6: in step order, then in listed-node order, which is the order Cluster::step returns them.
    if (const auto* snapshot = std::get_if<Snapshot>(&step)) {
      for (std::size_t k = 0; k < emitted.size(); ++k) {
        result.snapshots.push_back(RunResult::SnapshotEntry{i, snapshot->nodes[k], std::move(emitted[k])});
      }
    }
    if (result.trace.has_value()) {
      // R-PROTO-7: one entry per step, snapshot steps included; a down node has no state to show.
      RunResult::TraceEntry entry{i, {}, std::nullopt};
      entry.states.reserve(cluster->size());
      if (elect) entry.raft.emplace().reserve(cluster->size());
      for (NodeId id = 1; id <= cluster->size(); ++id) {
        const bool up = cluster->is_up(id);
        entry.states.push_back(up ? std::optional<Bytes>(cluster->snapshot_of(id)) : std::nullopt);
        if (elect) entry.raft->push_back(up ? std::optional<RaftState>(cluster->raft_of(id)) : std::nullopt);
      }
      result.trace->push_back(std::move(entry));
    }
  }
  return result;
}

}  // namespace rsm

// Running one normalized scenario (SPEC.md section 6) from start to end, with an optional trace.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "cluster.h"
#include "store.h"

namespace rsm {

struct ClusterConfig {
  NodeId nodes = 3;
  NodeId leader = 1;
};

// A normalized scenario (R-NORM-1..4), decoded: bytes as bytes, delta as a u64.
struct Scenario {
  ClusterConfig cluster;
  std::vector<Step> steps;
};

// One snapshot a snapshot step emitted (R-PROTO-6).
struct SnapshotEntry {
  std::size_t step = 0;
  NodeId node = 0;
  Bytes snapshot;
};

// Every node's state after one step (R-PROTO-7): states[k] is node k + 1's snapshot, or nullopt while it
// is down.
struct TraceEntry {
  std::size_t step = 0;
  std::vector<std::optional<Bytes>> states;
};

struct RunResult {
  std::vector<SnapshotEntry> snapshots;
  // Present exactly when a trace was asked for.
  std::optional<std::vector<TraceEntry>> trace;
};

// A scenario run one step at a time, for a caller that has the steps one at a time: the protocol runs each
// step as soon as it has decoded it from the request, so that a long scenario is never held whole.
class ScenarioRun {
 public:
  // Throws InvalidScenario for a cluster size or leader out of range.
  ScenarioRun(const ClusterConfig& cluster, bool trace);

  // Runs the next step of the scenario. Throws InvalidScenario for a step that breaks a rejection rule,
  // after which the run is over.
  void step(const Step& step);

  // What the steps run so far emitted.
  RunResult finish() &&;

 private:
  Cluster cluster_;
  RunResult result_;
  std::size_t next_ = 0;  // the index of the next step
};

// Throws InvalidScenario for a scenario that breaks a rejection rule.
RunResult run_scenario(const Scenario& scenario, bool trace);

}  // namespace rsm

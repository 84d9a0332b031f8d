// Running a scenario: the snapshots in order, the trace, and refused steps named by their path (section 6,
// R-PROTO-6, R-PROTO-7).
#include "run.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "snapshot.h"

namespace rsm {
namespace {

Bytes value(std::uint8_t byte) { return Bytes{byte}; }

std::string to_hex(const Bytes& bytes) {
  std::string hex;
  encode_hex(bytes, hex);
  return hex;
}

// The authored example of SPEC.md sections 5 and 6, with its stated expectations.
TEST(Run, SpecExample) {
  Scenario scenario{{3, 1},
                    {Put{"a", value(0x31)}, Partition{{3}}, Put{"b", Bytes{0x00, 0xFF}}, Snapshot{{3}}, Heal{},
                     Snapshot{{1, 2, 3}}}};
  const RunResult result = run_scenario(scenario, false);
  ASSERT_EQ(result.snapshots.size(), 4u);
  EXPECT_FALSE(result.trace.has_value());
  EXPECT_EQ(result.snapshots[0].step, 3u);
  EXPECT_EQ(result.snapshots[0].node, 3u);
  EXPECT_EQ(to_hex(result.snapshots[0].snapshot), to_hex(encode_snapshot({1, 1, 1}, Store{{"a", {0x31}}}.pairs())));
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(result.snapshots[i].step, 5u);
    EXPECT_EQ(result.snapshots[i].node, i);
    EXPECT_EQ(to_hex(result.snapshots[i].snapshot),
              "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c");
  }
}

TEST(Run, TraceHasEveryStepAndNullForDownNodes) {
  Scenario scenario{{2, 1}, {Crash{2}, Snapshot{{1}}, Restart{2}}};
  const RunResult result = run_scenario(scenario, true);
  ASSERT_TRUE(result.trace.has_value());
  ASSERT_EQ(result.trace->size(), 3u);
  EXPECT_EQ(result.trace->at(1).step, 1u);
  EXPECT_TRUE(result.trace->at(0).states.at(0).has_value());
  EXPECT_FALSE(result.trace->at(0).states.at(1).has_value());
  EXPECT_FALSE(result.trace->at(1).states.at(1).has_value());
  EXPECT_TRUE(result.trace->at(2).states.at(1).has_value());
}

// A step the cluster refuses is an InvalidStep with the step's path, the field and the rule.
TEST(Run, RefusedStepsNameTheirPathAndRule) {
  const auto refusal = [](const Scenario& scenario) {
    try {
      run_scenario(scenario, false);
    } catch (const InvalidStep& e) {
      return std::string(e.what());
    }
    return std::string("no refusal");
  };
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Heal{}, Crash{1}}}), "steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Crash{2}, Crash{2}}}), "steps[1].node: crash of node 2, which is already down (R-CRASH-2)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Restart{2}}}), "steps[0].node: restart of node 2, which is up (R-RESTART-1)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Partition{{2, 1}}}}), "steps[0].nodes[1]: partition of node 1, the leader, is not allowed (R-PART-2)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Partition{{2, 2}}}}), "steps[0].nodes[1]: partition lists node 2 twice (R-PART-3)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Snapshot{{}}}}), "steps[0].nodes: snapshot lists no nodes (R-SNAP-1)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Crash{3}, Snapshot{{1, 3}}}}), "steps[1].nodes[1]: snapshot of node 3, which is down (R-SNAP-2)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Crash{4}}}), "steps[0].node: node 4 is not in 1..3 (R-NODE-1)");
  EXPECT_EQ(refusal(Scenario{{3, 4}, {}}), "cluster.leader: 4 is not in 1..3 (R-CLUSTER-2)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Crash{2}, Compact{2}}}), "steps[1].node: compact of node 2, which is down (R-COMPACT-1)");
  EXPECT_EQ(refusal(Scenario{{3, 1}, {Compact{4}}}), "steps[0].node: node 4 is not in 1..3 (R-NODE-1)");
}

// R-SAVED-4, R-PROTO-7: a trace shows every node's current state, never its saved bytes; a compact step has a
// trace entry like any other step.
TEST(Run, TraceShowsCurrentStateAfterCompaction) {
  Scenario scenario{{3, 1},
                    {Put{"a", value(1)}, Compact{3}, Put{"b", value(2)}, Partition{{3}}, Crash{3}, Restart{3}, Snapshot{{3}}}};
  const RunResult result = run_scenario(scenario, true);
  ASSERT_EQ(result.trace->size(), 7u);
  const std::string at_one = to_hex(encode_snapshot({1, 1, 1}, Store{{"a", value(1)}}.pairs()));
  const std::string at_two = to_hex(encode_snapshot({1, 2, 1}, Store{{"a", value(1)}, {"b", value(2)}}.pairs()));
  EXPECT_EQ(to_hex(*result.trace->at(1).states.at(2)), at_one);
  EXPECT_EQ(to_hex(*result.trace->at(2).states.at(2)), at_two);  // not the saved bytes
  EXPECT_FALSE(result.trace->at(4).states.at(2).has_value());
  EXPECT_EQ(to_hex(*result.trace->at(5).states.at(2)), at_one);  // restored from saved
  ASSERT_EQ(result.snapshots.size(), 1u);
  EXPECT_EQ(to_hex(result.snapshots[0].snapshot), at_one);
}

// R-PROTO-12 with compaction: 10^5 steps that compact, isolate, crash, restart and rejoin (installing each
// time) in a loop take well under the time a quadratic port would. Ten times the steps, ten times the time,
// is the runner's check; this one only guards against an accidental O(log) per compaction or install.
TEST(Run, CompactionStaysLinear) {
  Scenario scenario{{3, 1}, {}};
  for (std::uint8_t i = 0; scenario.steps.size() < 100000; ++i) {
    scenario.steps.push_back(Put{std::string(1, static_cast<char>('a' + i % 8)), value(i)});
    scenario.steps.push_back(Partition{{3}});
    scenario.steps.push_back(Put{"x", value(i)});
    scenario.steps.push_back(Compact{1});
    scenario.steps.push_back(Crash{3});
    scenario.steps.push_back(Restart{3});
    scenario.steps.push_back(Compact{2});
    scenario.steps.push_back(Heal{});  // 3 rejoins with a shorter log than the leader's prefix: installs
  }
  scenario.steps.push_back(Snapshot{{1, 2, 3}});
  const RunResult result = run_scenario(scenario, false);
  ASSERT_EQ(result.snapshots.size(), 3u);
  EXPECT_EQ(result.snapshots[0].snapshot, result.snapshots[2].snapshot);
}

// R-TRACE-1: a scenario that needs elect has raft beside states, null exactly where states is; one that
// does not has none.
TEST(Run, TraceHasRaftStatesOnlyWithElect) {
  const RunResult plain = run_scenario(Scenario{{2, 1}, {Put{"a", value(1)}, Snapshot{{1}}}}, true);
  for (const RunResult::TraceEntry& entry : *plain.trace) EXPECT_FALSE(entry.raft.has_value());

  const RunResult result = run_scenario(Scenario{{3, 1}, {Elect{2}, Crash{3}, Snapshot{{1}}}}, true);
  ASSERT_EQ(result.trace->size(), 3u);
  const RunResult::TraceEntry& after_elect = result.trace->at(0);
  ASSERT_TRUE(after_elect.raft.has_value());
  ASSERT_EQ(after_elect.raft->size(), 3u);
  const RaftState& two = *after_elect.raft->at(1);
  EXPECT_EQ(two.role, Role::Leader);
  EXPECT_EQ(two.voted_for, std::optional<NodeId>(2));
  EXPECT_EQ(two.log_length, 1u);  // the no-op (R-NOOP-1)
  EXPECT_EQ(two.last_log_term, 2u);
  EXPECT_EQ(after_elect.raft->at(0)->role, Role::Follower);
  const RunResult::TraceEntry& after_crash = result.trace->at(1);
  EXPECT_FALSE(after_crash.raft->at(2).has_value());
  EXPECT_FALSE(after_crash.states.at(2).has_value());
}

}  // namespace
}  // namespace rsm

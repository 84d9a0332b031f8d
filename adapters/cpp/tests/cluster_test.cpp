// The cluster: majorities, commit counting, crash, restart, partitions, heal and rejoin (sections 1-3).
#include "cluster.h"

#include <gtest/gtest.h>

#include "scenario.h"
#include "snapshot.h"

namespace rsm {
namespace {

const char* const kEmptySnapshot = "524b563100000000000000010000000000000000000000000000000000000000045540e9";

Bytes value(std::uint8_t byte) { return Bytes{byte}; }

std::string to_hex(const Bytes& bytes) {
  std::string hex;
  encode_hex(bytes, hex);
  return hex;
}

std::string hex_of(const Cluster& cluster, NodeId id) { return to_hex(cluster.snapshot(id)); }

TEST(Cluster, RejectsSizesAndLeadersOutOfRange) {
  EXPECT_THROW(Cluster(0, 1), InvalidScenario);
  EXPECT_THROW(Cluster(256, 1), InvalidScenario);
  EXPECT_THROW(Cluster(3, 4), InvalidScenario);
  EXPECT_NO_THROW(Cluster(255, 255));
}

TEST(Cluster, SingleNodeCommitsAlone) {
  Cluster cluster(1, 1);
  cluster.step(Put{"a", value(0x31)});
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
  EXPECT_EQ(cluster.node(1).last_applied, 1u);
}

TEST(Cluster, AllReachableNodesApplyInTheSameRound) {
  Cluster cluster(3, 2);
  cluster.step(Put{"a", value(0x31)});
  for (NodeId id = 1; id <= 3; ++id) {
    EXPECT_EQ(cluster.node(id).last_applied, 1u) << "node " << id;
    EXPECT_EQ(cluster.node(id).store.at("a"), value(0x31));
  }
}

// R-CLUSTER-5: with N = 2 and N = 4, ceil(N / 2) would be one short.
TEST(Cluster, EvenSizesNeedMoreThanHalf) {
  Cluster two(2, 1);
  two.step(Crash{2});
  two.step(Put{"a", value(1)});
  EXPECT_EQ(two.node(1).commit_index, 0u);

  Cluster four(4, 1);
  four.step(Partition{{3, 4}});
  four.step(Put{"a", value(1)});
  EXPECT_EQ(four.node(1).commit_index, 0u);  // 2 of 4 is not a majority
  four.step(Partition{{4}});
  EXPECT_EQ(four.node(1).commit_index, 1u);  // node 3 rejoins: 3 of 4
  EXPECT_EQ(four.node(3).last_applied, 1u);
  EXPECT_EQ(four.node(4).last_applied, 0u);
}

TEST(Cluster, MajorityOfSeven) {
  Cluster seven(7, 7);
  seven.step(Partition{{1, 2, 3, 4}});
  seven.step(Put{"a", value(1)});
  EXPECT_EQ(seven.node(7).commit_index, 0u);
  seven.step(Partition{{1, 2, 3}});
  EXPECT_EQ(seven.node(7).commit_index, 1u);
}

// R-CRASH-3, R-COMMIT-1: a crashed follower keeps its log, and that log still counts.
TEST(Cluster, CrashedLogStillCountsTowardsCommit) {
  Cluster cluster(5, 1);
  cluster.step(Partition{{3, 4, 5}});
  cluster.step(Put{"a", value(1)});  // held by 1 and 2: 2 of 5
  EXPECT_EQ(cluster.node(1).commit_index, 0u);
  cluster.step(Crash{2});
  EXPECT_EQ(cluster.node(2).log_length, 1u);
  EXPECT_TRUE(cluster.node(2).store.empty());
  cluster.step(Partition{{4, 5}});  // node 3 rejoins: 1, 2 (down) and 3 hold the entry
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
  EXPECT_EQ(cluster.node(3).store.at("a"), value(1));
}

TEST(Cluster, IsolatedHolderCountsButStaysFrozen) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{2, 3}});
  cluster.step(Put{"b", value(2)});
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
  EXPECT_EQ(cluster.node(2).log_length, 1u);
  EXPECT_EQ(cluster.node(2).last_applied, 1u);
  EXPECT_EQ(hex_of(cluster, 2), hex_of(cluster, 3));
}

TEST(Cluster, CrashForgetsVolatileState) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Crash{3});
  const Node& n = cluster.node(3);
  EXPECT_FALSE(n.up);
  EXPECT_EQ(n.log_length, 1u);
  EXPECT_EQ(n.current_term, 1u);
  EXPECT_EQ(n.commit_index, 0u);
  EXPECT_EQ(n.last_applied, 0u);
  EXPECT_TRUE(n.store.empty());
}

// R-RESTART-2: inside P a restarted node stays empty until it leaves P; R-HEAL-1 then rejoins it.
TEST(Cluster, RestartInsidePartitionStaysEmptyUntilHeal) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{3}});
  cluster.step(Crash{3});
  cluster.step(Restart{3});
  EXPECT_TRUE(cluster.is_up(3));
  EXPECT_EQ(hex_of(cluster, 3), kEmptySnapshot);
  cluster.step(Put{"b", value(2)});
  EXPECT_EQ(hex_of(cluster, 3), kEmptySnapshot);
  cluster.step(Heal{});
  EXPECT_EQ(cluster.node(3).last_applied, 2u);
  EXPECT_EQ(hex_of(cluster, 3), hex_of(cluster, 1));
}

TEST(Cluster, RestartOutsidePartitionRejoins) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Crash{2});
  cluster.step(Restart{2});
  EXPECT_EQ(cluster.node(2).store.at("a"), value(1));
  EXPECT_EQ(cluster.node(2).last_applied, 1u);
}

TEST(Cluster, HealBringsDownNodesUpAndRejoinsThem) {
  Cluster cluster(3, 1);
  cluster.step(Crash{2});
  cluster.step(Partition{{3}});
  cluster.step(Put{"a", value(1)});  // only the leader holds it: 1 of 3
  EXPECT_EQ(cluster.node(1).commit_index, 0u);
  cluster.step(Heal{});
  for (NodeId id = 1; id <= 3; ++id) {
    EXPECT_TRUE(cluster.is_up(id));
    EXPECT_EQ(cluster.node(id).last_applied, 1u) << "node " << id;
  }
}

TEST(Cluster, PartitionReplacesThePreviousOne) {
  Cluster cluster(3, 1);
  cluster.step(Partition{{2}});
  cluster.step(Partition{{3}});  // 2 leaves P and rejoins
  cluster.step(Put{"a", value(1)});
  EXPECT_EQ(cluster.node(2).last_applied, 1u);
  EXPECT_EQ(cluster.node(3).last_applied, 0u);
}

TEST(Cluster, SnapshotStepHasNoRoundAndKeepsListedOrder) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  const std::vector<Bytes> emitted = cluster.step(Snapshot{{3, 1}});
  ASSERT_EQ(emitted.size(), 2u);
  EXPECT_EQ(emitted[0], cluster.snapshot(3));
  EXPECT_EQ(decode_snapshot(emitted[1]).header.last_included_index, 1u);
}

TEST(Cluster, InvalidStepsAreRefused) {
  Cluster cluster(3, 1);
  EXPECT_THROW(cluster.step(Crash{1}), InvalidScenario);             // R-CRASH-1
  EXPECT_THROW(cluster.step(Restart{2}), InvalidScenario);           // R-RESTART-1
  EXPECT_THROW(cluster.step(Partition{{1}}), InvalidScenario);       // R-PART-2
  EXPECT_THROW(cluster.step(Partition{{2, 2}}), InvalidScenario);    // R-PART-3
  EXPECT_THROW(cluster.step(Crash{4}), InvalidScenario);             // R-NODE-1
  EXPECT_THROW(cluster.step(Snapshot{{}}), InvalidScenario);         // R-SNAP-1
  cluster.step(Crash{2});
  EXPECT_THROW(cluster.step(Crash{2}), InvalidScenario);             // R-CRASH-2
  EXPECT_THROW(cluster.step(Snapshot{{1, 2}}), InvalidScenario);     // R-SNAP-2
}

}  // namespace
}  // namespace rsm

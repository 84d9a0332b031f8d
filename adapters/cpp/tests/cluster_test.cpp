// The cluster: majorities, commit counting, crash, restart, partitions, heal and rejoin (sections 1-3).
#include "cluster.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

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

std::string hex_of(const Cluster& cluster, NodeId id) { return to_hex(cluster.snapshot_of(id)); }

// The value under `key`, or nullopt for a missing key.
std::optional<Bytes> got(const Store& store, const std::string& key) {
  const Bytes* value = store.get(key);
  return value == nullptr ? std::nullopt : std::optional<Bytes>(*value);
}

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
    EXPECT_EQ(got(cluster.node(id).store, "a"), value(0x31));
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
  EXPECT_TRUE(cluster.node(2).store.pairs().empty());
  cluster.step(Partition{{4, 5}});  // node 3 rejoins: 1, 2 (down) and 3 hold the entry
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
  EXPECT_EQ(got(cluster.node(3).store, "a"), value(1));
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
  EXPECT_TRUE(n.store.pairs().empty());
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
  EXPECT_EQ(got(cluster.node(2).store, "a"), value(1));
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
  EXPECT_EQ(emitted[0], cluster.snapshot_of(3));
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

// ---- compaction, saved snapshots and install (section 3.3) ----

std::string saved_hex(const Cluster& cluster, NodeId id) {
  const Node n = cluster.node(id);
  return n.saved ? to_hex(*n.saved) : "none";
}

// R-COMPACT-2: saved := the bytes a snapshot step would emit; the log's logical length does not change.
TEST(Compact, SavesTheSnapshotBytesAndKeepsTheLogicalLength) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Put{"b", value(2)});
  const std::string before = hex_of(cluster, 2);
  cluster.step(Compact{2});  // a reachable follower, whose store is the leader's
  EXPECT_EQ(saved_hex(cluster, 2), before);
  EXPECT_EQ(cluster.node(2).saved_index, 2u);
  EXPECT_EQ(cluster.node(2).log_length, 2u);
  EXPECT_EQ(hex_of(cluster, 2), before);  // nothing else changes
  cluster.step(Compact{1});               // the leader may compact
  EXPECT_EQ(saved_hex(cluster, 1), before);
  EXPECT_EQ(cluster.node(1).saved_index, 2u);
  cluster.step(Put{"c", value(3)});       // the next entry is index 3: R-LOG-3 on the logical length
  EXPECT_EQ(cluster.node(1).log_length, 3u);
  EXPECT_EQ(cluster.node(1).last_applied, 3u);
  EXPECT_EQ(cluster.node(2).saved_index, 2u);
  cluster.step(Compact{2});  // compacting again replaces saved with the newer bytes
  EXPECT_EQ(saved_hex(cluster, 2), hex_of(cluster, 2));
  EXPECT_EQ(cluster.node(2).saved_index, 3u);
}

TEST(Compact, AtLastAppliedZeroSavesTheEmptySnapshot) {
  Cluster cluster(3, 1);
  cluster.step(Partition{{2, 3}});
  cluster.step(Put{"a", value(1)});  // 1 of 3: nothing commits
  cluster.step(Compact{1});
  EXPECT_EQ(saved_hex(cluster, 1), kEmptySnapshot);
  EXPECT_EQ(cluster.node(1).saved_index, 0u);
  EXPECT_EQ(cluster.node(1).log_length, 1u);
  cluster.step(Heal{});  // followers at length 0 are not below saved_index 0: no install
  EXPECT_EQ(saved_hex(cluster, 2), "none");
  EXPECT_EQ(cluster.node(2).last_applied, 1u);
}

// R-COMPACT-1: the node is up; an isolated follower that is up may compact. Out of range is R-NODE-1.
TEST(Compact, NamesANodeThatIsUp) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{3}});
  EXPECT_NO_THROW(cluster.step(Compact{3}));
  EXPECT_EQ(cluster.node(3).saved_index, 1u);
  cluster.step(Crash{2});
  try {
    cluster.step(Compact{2});
    ADD_FAILURE() << "compact of a down node";
  } catch (const InvalidScenario& e) {
    EXPECT_EQ(e.rule(), "R-COMPACT-1");
    EXPECT_EQ(e.field(), "node");
  }
  try {
    cluster.step(Compact{4});
    ADD_FAILURE() << "compact of node 4 of 3";
  } catch (const InvalidScenario& e) {
    EXPECT_EQ(e.rule(), "R-NODE-1");
  }
}

// Compaction alone changes no emitted byte: the same steps with every up node compacting after each one
// emit the same snapshots and show the same states.
TEST(Compact, AloneChangesNoEmittedByte) {
  const std::vector<Step> steps = {Put{"a", value(1)}, Partition{{3}},    Put{"b", value(2)}, Crash{2}, Snapshot{{1, 3}},
                                   Restart{2},        Put{"c", value(3)}, Heal{},             Snapshot{{1, 2, 3}}};
  const auto observe = [&](bool compacting) {
    Cluster cluster(3, 1);
    std::vector<std::string> seen;
    for (const Step& step : steps) {
      for (const Bytes& s : cluster.step(step)) seen.push_back(to_hex(s));
      for (NodeId id = 1; id <= 3; ++id) seen.push_back(cluster.is_up(id) ? hex_of(cluster, id) : "down");
      for (NodeId id = 1; compacting && id <= 3; ++id) {
        if (cluster.is_up(id)) {
          EXPECT_TRUE(cluster.step(Compact{id}).empty());
        }
      }
    }
    return seen;
  };
  EXPECT_EQ(observe(false), observe(true));
}

// R-SAVED-2, R-SAVED-3, R-SAVED-4: a node that compacted, crashed and restarted isolated shows its saved
// state, not an empty store, and a snapshot of it is exactly its saved bytes.
TEST(Compact, RestartIsolatedAfterCompactShowsTheSavedState) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{3});
  const std::string saved = saved_hex(cluster, 3);
  cluster.step(Put{"b", value(2)});
  cluster.step(Partition{{3}});
  cluster.step(Crash{3});
  EXPECT_EQ(saved_hex(cluster, 3), saved);  // kept through the crash
  EXPECT_EQ(cluster.node(3).log_length, 2u);
  cluster.step(Restart{3});
  const Node n = cluster.node(3);
  EXPECT_EQ(hex_of(cluster, 3), saved);
  EXPECT_EQ(n.commit_index, 1u);
  EXPECT_EQ(n.last_applied, 1u);
  EXPECT_EQ(n.store, (Store{{"a", value(1)}}));
  cluster.step(Put{"c", value(3)});  // frozen while in P
  EXPECT_EQ(hex_of(cluster, 3), saved);
  cluster.step(Heal{});  // then rejoins as in v1, keeping its own saved (log length 2 >= leader's 0)
  EXPECT_EQ(hex_of(cluster, 3), hex_of(cluster, 1));
  EXPECT_EQ(saved_hex(cluster, 3), saved);
}

// A node without a saved snapshot comes up as in v1, even when others have one.
TEST(Compact, NoSavedSnapshotRestartsEmpty) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{1});
  cluster.step(Compact{2});
  cluster.step(Partition{{3}});
  cluster.step(Crash{3});
  cluster.step(Restart{3});
  EXPECT_EQ(hex_of(cluster, 3), kEmptySnapshot);
}

// R-SAVED-3 through heal: a down node with a saved snapshot comes up restored, then rejoins.
TEST(Compact, HealRestoresThenRejoins) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{2});
  cluster.step(Crash{2});
  cluster.step(Put{"b", value(2)});
  cluster.step(Heal{});
  EXPECT_EQ(hex_of(cluster, 2), hex_of(cluster, 1));
  EXPECT_EQ(cluster.node(2).last_applied, 2u);
  EXPECT_EQ(cluster.node(2).saved_index, 1u);
}

// R-INSTALL-1: a follower whose log is shorter than the leader's saved_index installs the leader's bytes; a
// later crash and isolated restart shows the leader's saved state, not its own older one.
TEST(Compact, FollowerBehindTheLeadersPrefixInstalls) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{3});  // 3's own saved, index 1
  cluster.step(Partition{{3}});
  cluster.step(Put{"b", value(2)});
  cluster.step(Put{"c", value(3)});
  cluster.step(Compact{1});  // leader saved, index 3
  const std::string leader_saved = saved_hex(cluster, 1);
  cluster.step(Put{"d", value(4)});
  cluster.step(Partition{{}});  // 3 rejoins with log length 1 < 3: installs
  EXPECT_EQ(saved_hex(cluster, 3), leader_saved);
  EXPECT_EQ(cluster.node(3).saved_index, 3u);
  EXPECT_EQ(cluster.node(1).saved, cluster.node(3).saved);  // the same bytes, shared, not re-encoded
  EXPECT_EQ(hex_of(cluster, 3), hex_of(cluster, 1));        // the rest of rejoin as in v1
  EXPECT_EQ(cluster.node(3).last_applied, 4u);
  cluster.step(Partition{{3}});
  cluster.step(Crash{3});
  cluster.step(Restart{3});
  EXPECT_EQ(hex_of(cluster, 3), leader_saved);
  EXPECT_EQ(cluster.node(3).last_applied, 3u);
}

// R-INSTALL-2: a follower whose log is long enough keeps its own saved snapshot, older or newer.
TEST(Compact, FollowerWithALongEnoughLogKeepsItsOwn) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{2});  // 2: index 1, older than the leader's will be
  const std::string older = saved_hex(cluster, 2);
  cluster.step(Put{"b", value(2)});
  cluster.step(Put{"c", value(3)});
  cluster.step(Compact{3});  // 3: index 3, newer than the leader's will be
  const std::string newer = saved_hex(cluster, 3);
  cluster.step(Partition{{2, 3}});
  cluster.step(Compact{1});  // the leader compacts at 3, with 2 and 3 at length 3
  cluster.step(Partition{{}});
  EXPECT_EQ(saved_hex(cluster, 2), older);
  EXPECT_EQ(cluster.node(2).saved_index, 1u);
  EXPECT_EQ(saved_hex(cluster, 3), newer);
  cluster.step(Partition{{2}});
  cluster.step(Crash{2});
  cluster.step(Restart{2});
  EXPECT_EQ(hex_of(cluster, 2), older);
}

// R-INSTALL-1: the test is the log's length, not last_applied. Node 2 holds entry 1 without having applied
// it (it was cut off before the entry committed); the leader then compacts at 1. On rejoin node 2's log
// (length 1) is not shorter than saved_index 1: no install, though its last_applied 0 is below it.
TEST(Compact, InstallTestsLogLengthNotLastApplied) {
  Cluster cluster(5, 1);
  cluster.step(Partition{{3, 4, 5}});
  cluster.step(Put{"a", value(1)});  // held by 1 and 2: 2 of 5, uncommitted
  cluster.step(Partition{{2, 3, 4, 5}});
  EXPECT_EQ(cluster.node(2).log_length, 1u);
  EXPECT_EQ(cluster.node(2).last_applied, 0u);
  cluster.step(Partition{{2}});  // 3, 4, 5 rejoin (their length 0 is not below saved_index 0): commit 1
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
  EXPECT_EQ(saved_hex(cluster, 3), "none");
  cluster.step(Compact{1});
  cluster.step(Heal{});
  EXPECT_EQ(saved_hex(cluster, 2), "none");
  EXPECT_EQ(cluster.node(2).saved_index, 0u);
  cluster.step(Partition{{2}});
  cluster.step(Crash{2});
  cluster.step(Restart{2});
  EXPECT_EQ(hex_of(cluster, 2), kEmptySnapshot);
}

// R-INSTALL-3: decided at rejoin, before the step's round. Node 3 is at length 0 when the leader compacts
// at 1; the step that lifts the partition rejoins it before its round (which would give it length 1 and
// then no install), so it installs.
TEST(Compact, InstallIsDecidedBeforeTheRound) {
  Cluster cluster(3, 1);
  cluster.step(Partition{{3}});
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{1});
  EXPECT_EQ(cluster.node(3).log_length, 0u);
  cluster.step(Partition{{}});
  EXPECT_EQ(cluster.node(3).saved_index, 1u);
  EXPECT_EQ(saved_hex(cluster, 3), saved_hex(cluster, 1));
  // Through restart too: the down node comes up and rejoins in the same step, before its round.
  cluster.step(Put{"b", value(2)});
  cluster.step(Crash{2});
  cluster.step(Put{"c", value(3)});
  cluster.step(Put{"d", value(4)});
  cluster.step(Compact{1});  // leader saved at 4; node 2 (down) holds length 2
  cluster.step(Restart{2});
  EXPECT_EQ(cluster.node(2).saved_index, 4u);
  EXPECT_EQ(cluster.node(2).log_length, 4u);
  EXPECT_EQ(hex_of(cluster, 2), hex_of(cluster, 1));
}

// A follower that compacted while isolated keeps its discarded prefix; its log, not the prefix, decides.
TEST(Compact, IsolatedFollowerMayCompactAndRejoins) {
  Cluster cluster(3, 1);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{2}});
  cluster.step(Put{"b", value(2)});
  cluster.step(Compact{2});
  EXPECT_EQ(cluster.node(2).saved_index, 1u);
  EXPECT_EQ(hex_of(cluster, 2), saved_hex(cluster, 2));
  cluster.step(Heal{});
  EXPECT_EQ(cluster.node(2).log_length, 2u);
  EXPECT_EQ(cluster.node(2).saved_index, 1u);
  EXPECT_EQ(hex_of(cluster, 2), hex_of(cluster, 1));
}


// ---- elections (section 3.4, feature elect); every expectation below is read off the rule it names ----

// The header of a node's snapshot right now: current_term, last_included_index, last_included_term.
SnapshotHeader header_of(const Cluster& cluster, NodeId id) { return decode_snapshot(cluster.snapshot_of(id)).header; }

// R-ELECT-3, R-VOTE-1, R-ELECT-4, R-NOOP-1, R-WIRE-9: a winner of term 2 appends its no-op, which its voters
// hold at once and so commits in the step's round; a snapshot then shows term 2 and the no-op's index and
// term, and the store is unchanged by the no-op.
TEST(Elect, WinnerAppendsANoopThatCommitsAtOnce) {
  Cluster cluster(3, 1, true);
  cluster.step(Put{"a", value(1)});
  cluster.step(Elect{2});
  const Node two = cluster.node(2);
  EXPECT_EQ(two.role, Role::Leader);
  EXPECT_EQ(two.current_term, 2u);
  EXPECT_EQ(two.voted_for, std::optional<NodeId>(2));
  EXPECT_EQ(two.log_length, 2u);
  EXPECT_EQ(two.last_log_term, 2u);
  EXPECT_EQ(two.commit_index, 2u);
  EXPECT_EQ(got(two.store, "a"), value(1));
  EXPECT_EQ(two.store.pairs().size(), 1u);
  const Node one = cluster.node(1);  // the old leader adopted term 2 and voted (R-VOTE-1.2, 1.3)
  EXPECT_EQ(one.role, Role::Follower);
  EXPECT_EQ(one.current_term, 2u);
  EXPECT_EQ(one.voted_for, std::optional<NodeId>(2));
  for (NodeId id = 1; id <= 3; ++id) {
    const SnapshotHeader h = header_of(cluster, id);
    EXPECT_EQ(h.current_term, 2u) << "node " << id;
    EXPECT_EQ(h.last_included_index, 2u) << "node " << id;
    EXPECT_EQ(h.last_included_term, 2u) << "node " << id;
  }
  // R-ROUTE-1: without via a command goes to the up leader of the highest term, and takes its term.
  cluster.step(Put{"b", value(2)});
  EXPECT_EQ(cluster.node(3).log_length, 3u);
  EXPECT_EQ(cluster.node(3).last_log_term, 2u);
  EXPECT_EQ(got(cluster.node(3).store, "b"), value(2));
}

// R-CLUSTER-5 with elections: N = 1 elects itself with its own vote.
TEST(Elect, SingleNodeElectsItself) {
  Cluster cluster(1, 1, true);
  cluster.step(Elect{1});
  EXPECT_EQ(cluster.node(1).role, Role::Leader);
  EXPECT_EQ(cluster.node(1).current_term, 2u);
  EXPECT_EQ(cluster.node(1).commit_index, 1u);
}

// R-VOTE-2: the last entry's term first. A candidate with an empty log (last term 0) is refused by voters
// whose last entry has term 1, however the terms stand, and stays a candidate (R-ELECT-4 c).
TEST(Elect, VoteRefusedToALowerLastLogTerm) {
  Cluster lagging(3, 1, true);
  lagging.step(Crash{3});
  lagging.step(Put{"a", value(1)});  // 1 and 2 hold it, 3 does not
  lagging.step(Crash{1});
  lagging.step(Restart{3});  // no leader on the side: 3 keeps its empty log
  EXPECT_EQ(lagging.node(3).log_length, 0u);
  lagging.step(Elect{3});
  EXPECT_EQ(lagging.node(3).role, Role::Candidate);
  EXPECT_EQ(lagging.node(3).current_term, 2u);
  EXPECT_EQ(lagging.node(2).current_term, 2u);  // adopted the term (R-VOTE-1.2) ...
  EXPECT_EQ(lagging.node(2).voted_for, std::nullopt);  // ... but refused the vote
}

// R-VOTE-2: equal last terms, and then the length decides; the longer log wins the next term.
TEST(Elect, VoteRefusedToAShorterLogOfTheSameLastTerm) {
  Cluster cluster(3, 1, true);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{3}});
  cluster.step(Put{"b", value(2)});  // 1 and 2 hold a, b; 3 holds a
  cluster.step(Crash{1});            // the leader crashes (valid with elect, R-CRASH-4)
  cluster.step(Partition{{}});       // 3 joins 2's side, which has no leader: nothing changes
  EXPECT_EQ(cluster.node(3).log_length, 1u);
  cluster.step(Elect{3});
  EXPECT_EQ(cluster.node(3).role, Role::Candidate);
  EXPECT_EQ(cluster.node(2).voted_for, std::nullopt);
  cluster.step(Elect{2});  // term 3: 3 adopts it and grants, 2 of 3 (1 is down)
  EXPECT_EQ(cluster.node(2).role, Role::Leader);
  EXPECT_EQ(cluster.node(2).current_term, 3u);
  EXPECT_EQ(cluster.node(3).voted_for, std::optional<NodeId>(2));
  const Node three = cluster.node(3);  // brought in: log a, b, no-op; all committed and applied
  EXPECT_EQ(three.log_length, 3u);
  EXPECT_EQ(three.last_applied, 3u);
  EXPECT_EQ(got(three.store, "b"), value(2));
  EXPECT_EQ(header_of(cluster, 3).last_included_term, 3u);
}

// R-TERM-1, R-CRASH-4: current_term and voted_for are persistent; the role is not.
TEST(Elect, TermAndVoteSurviveACrash) {
  Cluster cluster(3, 1, true);
  cluster.step(Elect{2});
  cluster.step(Crash{2});  // the leader crashes
  EXPECT_EQ(cluster.node(1).voted_for, std::optional<NodeId>(2));
  cluster.step(Crash{1});
  cluster.step(Restart{1});
  cluster.step(Restart{2});
  const Node one = cluster.node(1);
  EXPECT_EQ(one.current_term, 2u);
  EXPECT_EQ(one.voted_for, std::optional<NodeId>(2));
  EXPECT_EQ(one.role, Role::Follower);
  EXPECT_EQ(cluster.node(2).role, Role::Follower);  // a crashed leader comes back a follower
  EXPECT_EQ(cluster.node(2).current_term, 2u);
}

// R-VOTE-1.1 and R-ELECT-4 (a): a voter of a higher term refuses, and the candidate steps down to that term
// whatever votes it got; a leader of a lower term on its side steps down in the round (R-ROUND-2.1).
TEST(Elect, HigherTermVoterMakesTheCandidateStepDown) {
  Cluster cluster(3, 1, true);
  cluster.step(Partition{{3}});
  cluster.step(Elect{3});
  cluster.step(Elect{3});
  cluster.step(Elect{3});  // alone on its side: a candidate of term 4
  EXPECT_EQ(cluster.node(3).role, Role::Candidate);
  EXPECT_EQ(cluster.node(3).current_term, 4u);
  cluster.step(Heal{});  // T = 4 on the one side: leader 1 steps down, and no leader is left
  EXPECT_EQ(cluster.node(1).role, Role::Follower);
  EXPECT_EQ(cluster.node(1).current_term, 4u);
  EXPECT_EQ(cluster.node(2).current_term, 1u);  // a side with no leader changes nothing else
  cluster.step(Partition{{1}});
  cluster.step(Elect{2});  // term 2 < 4: 3 refuses
  EXPECT_EQ(cluster.node(2).role, Role::Follower);
  EXPECT_EQ(cluster.node(2).current_term, 4u);
  EXPECT_EQ(cluster.node(2).voted_for, std::nullopt);
  // R-ROUTE-1: no up leader anywhere, so a command is dropped: nothing is appended.
  cluster.step(Put{"a", value(1)});
  for (NodeId id = 1; id <= 3; ++id) EXPECT_EQ(cluster.node(id).log_length, 0u) << "node " << id;
}

// R-SIDE-1, R-ROUTE-1, R-COMMIT-4, R-TRUNC-1: a stale leader in a minority appends what it is sent but
// commits nothing, although the other side's logs are as long (their entries have a later term); at heal
// its entries are truncated, never applied, and it follows the new leader.
TEST(Elect, StaleLeaderCommitsNothingAndIsTruncatedAtHeal) {
  Cluster cluster(5, 1, true);
  cluster.step(Put{"a", value(1)});
  cluster.step(Partition{{1, 2}});
  cluster.step(Elect{3});  // 3, 4, 5: a majority of 5
  EXPECT_EQ(cluster.node(3).role, Role::Leader);
  EXPECT_EQ(cluster.node(1).role, Role::Leader);  // split brain: 1 does not know
  cluster.step(Put{"x", value(9), Via{1}});
  cluster.step(Put{"y", value(8), Via{1}});
  EXPECT_EQ(cluster.node(1).log_length, 3u);
  EXPECT_EQ(cluster.node(2).log_length, 3u);
  EXPECT_EQ(cluster.node(1).commit_index, 1u);  // entries 2 and 3 of term 1: only 1 and 2 hold them
  cluster.step(Put{"b", value(2)});  // the default leader is 3, of term 2
  EXPECT_EQ(cluster.node(3).commit_index, 3u);
  cluster.step(Heal{});
  for (NodeId id = 1; id <= 5; ++id) {
    const Node n = cluster.node(id);
    EXPECT_EQ(n.current_term, 2u) << "node " << id;
    EXPECT_EQ(n.log_length, 3u) << "node " << id;
    EXPECT_EQ(n.last_log_term, 2u) << "node " << id;
    EXPECT_EQ(got(n.store, "x"), std::nullopt) << "node " << id;
    EXPECT_EQ(got(n.store, "b"), value(2)) << "node " << id;
  }
  EXPECT_EQ(cluster.node(1).role, Role::Follower);
  // R-ROUTE-1: via a node that is not a leader, the command is dropped.
  cluster.step(Put{"z", value(7), Via{1}});
  EXPECT_EQ(cluster.node(3).log_length, 3u);
}

// R-ELECT-2: elect names a node that is up; R-CRASH-1 and R-PART-2 hold only without elect (R-ELECT-1).
TEST(Elect, WhatIsValidDependsOnTheFeature) {
  Cluster with(3, 1, true);
  with.step(Crash{2});
  try {
    with.step(Elect{2});
    ADD_FAILURE() << "elect of a down node was accepted";
  } catch (const InvalidScenario& e) {
    EXPECT_EQ(e.rule(), "R-ELECT-2");
    EXPECT_EQ(e.field(), "node");
  }
  EXPECT_NO_THROW(with.step(Partition{{1}}));
  EXPECT_NO_THROW(with.step(Crash{1}));
  Cluster without(3, 1);
  EXPECT_THROW(without.step(Crash{1}), InvalidScenario);
  EXPECT_THROW(without.step(Partition{{1}}), InvalidScenario);
  EXPECT_THROW(without.step(Put{"a", value(1), Via{4}}), InvalidScenario);  // R-NODE-1
}

// R-COMPACT-4, R-SAVED-3: a node restored from its saved snapshot keeps its own, higher current_term; its
// snapshot differs from the saved bytes in that field only.
TEST(Elect, RestoredNodeKeepsItsOwnTerm) {
  Cluster cluster(3, 1, true);
  cluster.step(Put{"a", value(1)});
  cluster.step(Compact{3});
  const SnapshotHeader saved = decode_snapshot(*cluster.node(3).saved).header;
  EXPECT_EQ(saved.current_term, 1u);
  cluster.step(Elect{2});
  cluster.step(Partition{{3}});
  cluster.step(Crash{3});
  cluster.step(Restart{3});
  const SnapshotHeader now = header_of(cluster, 3);
  EXPECT_EQ(now.current_term, 2u);
  EXPECT_EQ(now.last_included_index, 1u);
  EXPECT_EQ(now.last_included_term, 1u);
  EXPECT_EQ(got(cluster.node(3).store, "a"), value(1));
}

// R-INSTALL-4: a follower as long as the leader's saved_index, but whose entry there has another term, does
// not hold the leader's entry and installs its saved snapshot; R-TRUNC-1 then replaces its stale entry.
TEST(Elect, InstallWhenTheEntryAtSavedIndexHasAnotherTerm) {
  Cluster cluster(3, 1, true);
  cluster.step(Partition{{1}});
  cluster.step(Put{"x", value(9)});  // leader 1 alone: entry 1 of term 1, never committed
  cluster.step(Elect{2});            // 2, 3: term 2, its no-op at index 1
  cluster.step(Put{"b", value(2)});  // index 2, committed
  cluster.step(Compact{2});          // saved_index 2, entry 2 has term 2
  EXPECT_EQ(cluster.node(2).saved_index, 2u);
  cluster.step(Put{"y", value(8), Via{1}});  // 1 now holds two entries of term 1
  EXPECT_EQ(cluster.node(1).log_length, 2u);
  cluster.step(Heal{});
  const Node one = cluster.node(1);
  EXPECT_EQ(one.saved, cluster.node(2).saved);  // the leader's very bytes
  EXPECT_EQ(one.saved_index, 2u);
  EXPECT_EQ(one.log_length, 2u);
  EXPECT_EQ(one.last_log_term, 2u);
  EXPECT_EQ(got(one.store, "x"), std::nullopt);
  EXPECT_EQ(got(one.store, "b"), value(2));
  EXPECT_EQ(header_of(cluster, 1).current_term, 2u);
}

}  // namespace
}  // namespace rsm

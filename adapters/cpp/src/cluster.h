// The cluster: a fixed leader, its followers, the isolated set P, and the steps that change them
// (SPEC.md sections 1, 2.2 and 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "state_machine.h"
#include "store.h"

namespace rsm {

// Node ids are 1..N with N <= 255 (R-CLUSTER-1).
using NodeId = std::uint32_t;

struct Partition {
  std::vector<NodeId> nodes;
};

struct Crash {
  NodeId node = 0;
};

struct Restart {
  NodeId node = 0;
};

struct Heal {};

struct Snapshot {
  std::vector<NodeId> nodes;
};

// Optional feature compact (section 3.3).
struct Compact {
  NodeId node = 0;
};

// In schema order: the client commands, then partition, crash, restart, heal, snapshot, compact.
using Step = std::variant<Put, Delete, Append, Incr, Cas, Partition, Crash, Restart, Heal, Snapshot, Compact>;

// A step (or cluster) that breaks one of the rejection rules. The runner never sends one, but an adapter must
// answer bad input with an error rather than crash or make something up (R-PROTO-8). It names the field at
// fault relative to the step ("node", "nodes[1]"), so that run_scenario can give the whole JSON path.
class InvalidScenario : public std::runtime_error {
 public:
  InvalidScenario(std::string field, const std::string& problem, std::string rule)
      : std::runtime_error(problem), field_(std::move(field)), rule_(std::move(rule)) {}
  const std::string& field() const { return field_; }
  const std::string& rule() const { return rule_; }

 private:
  std::string field_;
  std::string rule_;
};

struct Node {
  bool up = true;
  // R-LOG-2: every follower's log is a prefix of the leader's, so a node's log is fully described by its
  // length over the leader's entries. Replication then costs nothing per entry, and a crash keeps the log
  // by keeping this number (R-CRASH-3).
  std::uint64_t log_length = 0;
  std::uint64_t current_term = 1;
  std::uint64_t commit_index = 0;
  std::uint64_t last_applied = 0;
  // Left empty while the node is a reachable follower, whose store is the leader's (Cluster::nodes_).
  Store store;
  // R-SAVED-1: the saved snapshot, persistent like the log (R-SAVED-2), or null for none. Immutable bytes,
  // so an install shares the leader's (the same bytes, R-INSTALL-1) instead of copying them.
  std::shared_ptr<const Bytes> saved;
  // The last_included_index written in `saved`, 0 without one: the log's discarded prefix is entries
  // 1..saved_index. log_length stays the logical length (R-SAVED-1): discarding is this number alone, so a
  // compaction costs nothing per discarded entry.
  std::uint64_t saved_index = 0;
};

// The members are in the order of adapters/README.md's file map, so that the ports read side by side: the
// constructor (the map's `new`), step and its handlers in schema order, restore, rejoin, the replication
// round, each helper beside the function that uses it; what run's trace and the tests read comes after.
class Cluster {
 public:
  // R-CLUSTER-1..3. Throws InvalidScenario for a size or leader out of range.
  Cluster(NodeId nodes, NodeId leader);

  // Runs one step: its own effect, the rejoins it causes, then one replication round, except for a
  // snapshot step, which has no round (section 2). Returns the snapshots a snapshot step emits, one per
  // listed node in the order listed (R-SNAP-3), and nothing for any other step.
  std::vector<Bytes> step(const Step& step);

 private:
  void propose(Command command);
  void partition(const Partition& partition);
  void cut_off(NodeId id);
  void crash(const Crash& crash);
  void restart(const Restart& restart);
  void heal();
  void bring_up(NodeId id);
  std::vector<Bytes> snapshot(const Snapshot& snapshot) const;
  void compact(const Compact& compact);
  void restore(Node& n);
  std::vector<bool> reachable_followers() const;
  void rejoin_newly_reachable(const std::vector<bool>& reachable_before);
  void rejoin(NodeId id);
  void replication_round();
  void replicate();
  void commit();
  void apply_committed();

 public:
  NodeId size() const { return static_cast<NodeId>(nodes_.size()); }
  NodeId leader() const { return leader_; }
  bool is_up(NodeId id) const;
  // A node's state as the SPEC describes it, store included. A copy, because a reachable follower's store is
  // not kept apart from the leader's (see nodes_); it is for tests, and costs the size of the store.
  Node node(NodeId id) const;
  // The snapshot of a node's state right now (section 4): what a snapshot step emits for it, and what the
  // trace shows.
  Bytes snapshot_of(NodeId id) const;

 private:
  bool is_follower(NodeId id) const { return id != leader_; }
  bool is_reachable(NodeId id) const;
  const Store& store_of(NodeId id) const;
  void check_node_id(NodeId id, const std::string& field) const;
  Node& at(NodeId id) { return nodes_[id - 1]; }
  const Node& at(NodeId id) const { return nodes_[id - 1]; }

  // A reachable follower's `store` is left empty. At every step boundary its store equals the leader's: a
  // rejoin gives it the leader's store (R-REJOIN-2), and from then on every round makes it commit and apply
  // exactly what the leader does. So it shares the leader's (store_of) rather than apply every entry once
  // more per follower, and gets a store of its own only when it stops following while up (cut_off).
  std::vector<Node> nodes_;
  // The isolated set P (R-CLUSTER-4), indexed by id - 1.
  std::vector<bool> isolated_;
  // The entries of the leader's log (R-LOG-1) that it has not applied yet, leader.last_applied + 1 ..
  // leader.log_length, oldest first. The leader is the only node that applies entries (reachable followers
  // share its store, and rejoin and cut_off start from it), so an applied entry is never read again and is
  // dropped: a long run holds only the entries not yet committed. The log itself is just its length, and
  // every other log a prefix of it (R-LOG-2).
  std::deque<Command> unapplied_;
  NodeId leader_;
  std::size_t majority_;
  // Reused by commit() so that a round allocates nothing.
  std::vector<std::uint64_t> lengths_;
};

}  // namespace rsm

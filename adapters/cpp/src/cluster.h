// The cluster: its nodes, the isolated set P, and the steps that change them (SPEC.md sections 1, 2.2 and 3):
// a fixed leader, or, with the feature elect (section 3.4), leaders that come and go by elections.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
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

// Optional feature elect (section 3.4): the node becomes a candidate now.
struct Elect {
  NodeId node = 0;
};

// In schema order: the client commands, then partition, crash, restart, heal, snapshot, compact, elect.
using Step = std::variant<Put, Delete, Append, Incr, Cas, Partition, Crash, Restart, Heal, Snapshot, Compact, Elect>;

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

// R-TERM-1: a node's role. Volatile: a crashed node comes back a follower.
enum class Role { Follower, Candidate, Leader };

// What a trace shows of a node besides its snapshot (R-TRACE-1).
struct RaftState {
  Role role = Role::Follower;
  std::optional<NodeId> voted_for;
  std::uint64_t log_length = 0;
  std::uint64_t last_log_term = 0;
};

// A node's state as the SPEC describes it, for the tests: a copy, store included (Cluster::node).
struct Node {
  bool up = true;
  Role role = Role::Follower;
  std::uint64_t current_term = 1;
  std::optional<NodeId> voted_for;
  std::uint64_t log_length = 0;  // logical (R-SAVED-1)
  std::uint64_t last_log_term = 0;  // R-LOG-4
  std::uint64_t commit_index = 0;
  std::uint64_t last_applied = 0;
  Store store;
  std::shared_ptr<const Bytes> saved;
  std::uint64_t saved_index = 0;
};

// The members are in the order of adapters/README.md's file map, so that the ports read side by side: the
// constructor (the map's `new`), step and its handlers in schema order, restore, rejoin, the replication
// round, each helper beside the function that uses it; what run's trace and the tests read comes after.
class Cluster {
 public:
  // R-CLUSTER-1..3. `elect` says whether the scenario needs the feature elect (R-ELECT-1), which decides
  // whether crashing or isolating the leader is allowed (R-CRASH-1, R-PART-2). Throws InvalidScenario for a
  // size or leader out of range.
  Cluster(NodeId nodes, NodeId leader, bool elect = false);

  // Runs one step: its own effect, then one replication round, except for a snapshot step, which has no
  // round (section 2). Returns the snapshots a snapshot step emits, one per listed node in the order listed
  // (R-SNAP-3), and nothing for any other step.
  std::vector<Bytes> step(const Step& step);

 private:
  // One log entry (R-LOG-1). The command is shared by every log holding the entry, and null for a no-op
  // (R-NOOP-1).
  struct Entry {
    std::uint64_t term = 0;
    std::shared_ptr<const Command> command;
  };

  // A node as this port keeps it.
  struct Member {
    bool up = true;
    Role role = Role::Follower;
    // R-TERM-1: persistent, like the log and the saved snapshot.
    std::uint64_t current_term = 1;
    std::optional<NodeId> voted_for;
    // The entries still held, saved_index + 1 .. log_length() (R-SAVED-1).
    std::deque<Entry> entries;
    std::uint64_t commit_index = 0;
    std::uint64_t last_applied = 0;
    // The term of the entry at last_applied (R-WIRE-9), kept because that entry may be discarded
    // (R-SAVED-4); 0 when last_applied is 0.
    std::uint64_t applied_term = 0;
    // The store at last_applied. Nodes at the same last_applied hold the same store (State Machine Safety),
    // so they share one and only the leader applies entries to it; a node that stops following gets a copy
    // of its own before the leader changes it (apply_committed). Null for a node restored from `saved`
    // whose pairs have not been needed yet (R-SAVED-3): most restarted nodes are brought in by a leader
    // in the same step, and take its store instead.
    std::shared_ptr<Store> store = std::make_shared<Store>();
    // R-SAVED-1: the saved snapshot, immutable and shared by an install (R-INSTALL-1), or null for none.
    std::shared_ptr<const Bytes> saved;
    std::uint64_t saved_index = 0;
    // The last_included_term written in `saved` (R-LOG-4, R-INSTALL-4); 0 without one.
    std::uint64_t saved_term = 0;

    std::uint64_t log_length() const { return saved_index + entries.size(); }
    // term(n) for saved_index <= n <= log_length() (R-LOG-4).
    std::uint64_t term(std::uint64_t n) const;
    const Entry& entry(std::uint64_t n) const { return entries[n - saved_index - 1]; }
    std::uint64_t last_log_term() const { return term(log_length()); }
  };

  void propose(const Command& command, const Via& via);
  void partition(const Partition& partition);
  void crash(const Crash& crash);
  void restart(const Restart& restart);
  void heal();
  void bring_up(NodeId id);
  std::vector<Bytes> snapshot(const Snapshot& snapshot) const;
  void compact(const Compact& compact);
  void elect(const Elect& elect);
  static bool at_least_as_up_to_date(const Member& c, const Member& v);
  void restore(Member& n) const;
  static Store saved_store(const Member& n);
  void rejoin(Member& f, const Member& ld);
  void replication_round();
  void round_on_side(bool in_p);
  void commit(Member& ld);
  std::uint64_t last_index_of_term(const Member& n, std::uint64_t term, std::uint64_t cap) const;
  void apply_committed(NodeId ld);

 public:
  NodeId size() const { return static_cast<NodeId>(members_.size()); }
  bool is_up(NodeId id) const;
  // A node's state as the SPEC describes it. A copy, store included: for tests.
  Node node(NodeId id) const;
  // The snapshot of a node's state right now (section 4): what a snapshot step emits for it, and what the
  // trace shows.
  Bytes snapshot_of(NodeId id) const;
  // R-TRACE-1: role, vote and log of an up node.
  RaftState raft_of(NodeId id) const;

 private:
  void check_node_id(NodeId id, const std::string& field) const;
  Member& at(NodeId id) { return members_[id - 1]; }
  const Member& at(NodeId id) const { return members_[id - 1]; }

  std::vector<Member> members_;
  // The isolated set P (R-CLUSTER-4, R-SIDE-1), indexed by id - 1: a node's side.
  std::vector<bool> isolated_;
  // cluster.leader, the leader of term 1 (R-TERM-1); without elect the only leader there is.
  NodeId first_leader_;
  bool elect_;
  std::size_t majority_;
  // Reused by each round so that a round allocates nothing: the nodes the round's leader brought in, and
  // each node's last index holding an entry of the leader's term (commit).
  std::vector<bool> brought_in_;
  std::vector<std::uint64_t> holds_;
};

}  // namespace rsm

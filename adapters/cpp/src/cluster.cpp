#include "cluster.h"

#include <algorithm>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "snapshot.h"

namespace rsm {
namespace {

constexpr NodeId kMaxNodes = 255;

// R-CLUSTER-2, R-LOG-1: one leader that never changes, so one term, and every entry has term 1.
constexpr std::uint64_t kTerm = 1;

std::string id_text(NodeId id) { return std::to_string(id); }

// The invariants the SPEC relies on; broken, they would mean a bug here, and the run reports it rather than
// produce wrong bytes.
void invariant(bool holds, const char* what) {
  if (!holds) throw std::logic_error(std::string("internal invariant broken: ") + what);
}

}  // namespace

Cluster::Cluster(NodeId nodes, NodeId leader) : leader_(leader) {
  if (nodes < 1 || nodes > kMaxNodes) {
    throw InvalidScenario("cluster.nodes", id_text(nodes) + " is not in 1..255", "R-CLUSTER-1");
  }
  if (leader < 1 || leader > nodes) {
    throw InvalidScenario("cluster.leader", id_text(leader) + " is not in 1.." + id_text(nodes), "R-CLUSTER-2");
  }
  // R-CLUSTER-3: every node up, empty log and store, term 1, indices 0 (Node's defaults); P empty.
  nodes_.resize(nodes);
  isolated_.assign(nodes, false);
  // R-CLUSTER-5: floor(N / 2) + 1 over all N nodes; integer division is the floor, and ceil(N / 2) would be
  // one short for every even N.
  majority_ = static_cast<std::size_t>(nodes) / 2 + 1;
  lengths_.reserve(nodes);
}

std::vector<Bytes> Cluster::step(const Step& step) {
  std::vector<Bytes> emitted;
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        // In schema order, each with the step it handles.
        if constexpr (std::is_same_v<T, Put>) propose(s);  // {"op":"put","key":"a","value":"31"}
        else if constexpr (std::is_same_v<T, Delete>) propose(s);  // {"op":"delete","key":"a"}
        else if constexpr (std::is_same_v<T, Append>) propose(s);  // {"op":"append","key":"a","value":"32"}
        else if constexpr (std::is_same_v<T, Incr>) propose(s);  // {"op":"incr","key":"n","delta":"5"}
        else if constexpr (std::is_same_v<T, Cas>) propose(s);  // {"op":"cas","key":"a","expected":null,"value":"31"}
        else if constexpr (std::is_same_v<T, Partition>) partition(s);  // {"op":"partition","nodes":[3]}
        else if constexpr (std::is_same_v<T, Crash>) crash(s);  // {"op":"crash","node":2}
        else if constexpr (std::is_same_v<T, Restart>) restart(s);  // {"op":"restart","node":2}
        else if constexpr (std::is_same_v<T, Heal>) heal();  // {"op":"heal"}
        else if constexpr (std::is_same_v<T, Snapshot>) emitted = snapshot(s);  // {"op":"snapshot","nodes":[1,2,3]}
        else if constexpr (std::is_same_v<T, Compact>) compact(s);  // {"op":"compact","node":2}
        else static_assert(!sizeof(T), "every step has a handler");
        // R-SNAP-3: a snapshot step changes nothing and has no round; every other step ends with one.
        if constexpr (!std::is_same_v<T, Snapshot>) replication_round();
      },
      step);
  return emitted;
}

// R-LOG-3: the leader appends; nothing is applied until the round commits it (R-APPLY-1).
void Cluster::propose(Command command) {
  unapplied_.push_back(std::move(command));
  ++at(leader_).log_length;
}

// R-PART-1..3
void Cluster::partition(const Partition& partition) {
  std::vector<bool> listed(nodes_.size(), false);
  for (std::size_t k = 0; k < partition.nodes.size(); ++k) {
    const NodeId id = partition.nodes[k];
    const std::string field = "nodes[" + std::to_string(k) + "]";
    check_node_id(id, field);
    if (id == leader_) throw InvalidScenario(field, "partition of node " + id_text(id) + ", the leader, is not allowed", "R-PART-2");
    if (listed[id - 1]) throw InvalidScenario(field, "partition lists node " + id_text(id) + " twice", "R-PART-3");
    listed[id - 1] = true;
  }
  const std::vector<bool> before = reachable_followers();
  // A follower reachable until now and listed now stops following here.
  for (NodeId id = 1; id <= size(); ++id) {
    if (before[id - 1] && listed[id - 1]) cut_off(id);
  }
  // R-PART-1: P is replaced, not added to; a down node may be listed and stays isolated when it restarts.
  isolated_ = std::move(listed);
  rejoin_newly_reachable(before);
}

// A reachable follower that is about to be isolated: its state freezes at what it holds right now (R-ROUND-1,
// R-COMMIT-3), and that is the leader's store, which the step has not changed yet (only the step's round
// applies anything). So it takes a copy, the one moment a follower's store is copied. A reachable follower
// that crashes needs none: a crash forgets the store anyway (R-CRASH-3).
void Cluster::cut_off(NodeId id) {
  const Node& leader = at(leader_);
  invariant(leader.last_applied == leader.commit_index, "the leader has applied everything it committed before a step");
  Node& f = at(id);
  invariant(f.last_applied == leader.last_applied, "a reachable follower has applied what the leader has");
  f.store = leader.store;
}

// R-CRASH-1..3
void Cluster::crash(const Crash& crash) {
  check_node_id(crash.node, "node");
  if (crash.node == leader_) throw InvalidScenario("node", "crash of node " + id_text(crash.node) + ", the leader, is not allowed", "R-CRASH-1");
  Node& n = at(crash.node);
  if (!n.up) throw InvalidScenario("node", "crash of node " + id_text(crash.node) + ", which is already down", "R-CRASH-2");
  // R-CRASH-3: the log (log_length) and current_term are persistent and survive; the rest is volatile.
  // R-SAVED-2: so are the saved snapshot and the discarded prefix (saved, saved_index), kept as they are.
  // The kept log still counts towards the commit majority (R-COMMIT-1). A reachable follower has no store of
  // its own to forget (it shares the leader's); an isolated one drops the copy it was frozen with.
  n.up = false;
  n.store.clear();
  n.commit_index = 0;
  n.last_applied = 0;
}

// R-RESTART-1, R-RESTART-2
void Cluster::restart(const Restart& restart) {
  check_node_id(restart.node, "node");
  Node& n = at(restart.node);
  if (n.up) throw InvalidScenario("node", "restart of node " + id_text(restart.node) + ", which is up", "R-RESTART-1");
  const std::vector<bool> before = reachable_followers();
  bring_up(restart.node);
  // Rejoins unless it is in P; in P it stays as it came up (empty, or restored) until it leaves P.
  rejoin_newly_reachable(before);
}

// R-HEAL-1
void Cluster::heal() {
  const std::vector<bool> before = reachable_followers();
  isolated_.assign(nodes_.size(), false);
  for (NodeId id = 1; id <= size(); ++id) {
    if (!at(id).up) bring_up(id);  // as in R-RESTART-2 and R-SAVED-3
  }
  rejoin_newly_reachable(before);
}

// A down node comes up (R-RESTART-2, R-HEAL-1): with an empty store and indices 0, or restored from its saved
// snapshot when it has one (R-SAVED-3). Whether it then rejoins is for the caller. A node outside P rejoins in
// this same step and takes the leader's store and indices at once (R-SAVED-3: the restored state shows only
// inside P), so its saved bytes are decoded only when it stays isolated; heal empties P first.
void Cluster::bring_up(NodeId id) {
  Node& n = at(id);
  n.up = true;
  n.store.clear();
  n.commit_index = 0;
  n.last_applied = 0;
  if (n.saved && isolated_[id - 1]) restore(n);
}

// R-SNAP-1..3
std::vector<Bytes> Cluster::snapshot(const Snapshot& snapshot) const {
  if (snapshot.nodes.empty()) throw InvalidScenario("nodes", "snapshot lists no nodes", "R-SNAP-1");
  std::vector<bool> listed(nodes_.size(), false);
  std::vector<Bytes> emitted;
  emitted.reserve(snapshot.nodes.size());
  for (std::size_t k = 0; k < snapshot.nodes.size(); ++k) {
    const NodeId id = snapshot.nodes[k];
    const std::string field = "nodes[" + std::to_string(k) + "]";
    check_node_id(id, field);
    if (listed[id - 1]) throw InvalidScenario(field, "snapshot lists node " + id_text(id) + " twice", "R-SNAP-1");
    listed[id - 1] = true;
    if (!at(id).up) throw InvalidScenario(field, "snapshot of node " + id_text(id) + ", which is down", "R-SNAP-2");
    // In the order listed, not in id order (R-SNAP-3).
    emitted.push_back(snapshot_of(id));
  }
  return emitted;
}

// R-COMPACT-1, R-COMPACT-2
void Cluster::compact(const Compact& compact) {
  check_node_id(compact.node, "node");
  Node& n = at(compact.node);
  if (!n.up) throw InvalidScenario("node", "compact of node " + id_text(compact.node) + ", which is down", "R-COMPACT-1");
  // Exactly the bytes a snapshot step would emit now (its current state, the shared store of a reachable
  // follower included), replacing any older ones; at last_applied 0 that is the empty snapshot, index 0.
  n.saved = std::make_shared<const Bytes>(snapshot_of(compact.node));
  // Entries 1..last_applied are discarded: the prefix grows to last_applied and the logical length stays.
  // Nothing reads them again here in any case: only the leader applies entries, and it drops each one it
  // has applied (unapplied_).
  n.saved_index = n.last_applied;
  invariant(n.saved_index <= n.log_length, "a node discards only entries it holds");
}

// R-SAVED-3: store := the pairs of `saved`, commit_index := last_applied := saved_index. The bytes are decoded
// once, by the same decoder a decode request uses; they are this port's own (or, installed, the leader's),
// so a rejection would be a bug here. The pairs come in ascending key order (R-WIRE-6), which the Store
// takes whole: linear in the snapshot.
void Cluster::restore(Node& n) {
  DecodedSnapshot decoded = decode_snapshot(*n.saved);
  invariant(decoded.header.last_included_index == n.saved_index, "saved_index is the index written in saved");
  n.store = Store(std::move(decoded.pairs));
  n.commit_index = n.saved_index;
  n.last_applied = n.saved_index;
  invariant(n.last_applied <= n.log_length, "a restored node holds the entries its snapshot covers");
}

std::vector<bool> Cluster::reachable_followers() const {
  std::vector<bool> reachable(nodes_.size(), false);
  for (NodeId id = 1; id <= size(); ++id) reachable[id - 1] = is_follower(id) && is_reachable(id);
  return reachable;
}

// R-PART-1, R-RESTART-2, R-HEAL-1 share one definition: a follower that was not reachable before the step
// and is reachable after it rejoins. R-REJOIN-1: in ascending id order.
void Cluster::rejoin_newly_reachable(const std::vector<bool>& reachable_before) {
  for (NodeId id = 1; id <= size(); ++id) {
    if (is_follower(id) && !reachable_before[id - 1] && is_reachable(id)) rejoin(id);
  }
}

// R-REJOIN-2, and the install decision (R-INSTALL-1..3)
void Cluster::rejoin(NodeId id) {
  const Node& leader = at(leader_);
  // The rule defines the store as leader.log[1..leader.commit_index] applied in order to an empty store.
  // At every step boundary the leader has applied exactly that far (each round ends with the leader applying
  // up to its commit index, and nothing between rounds moves either), so its store is that replay; sharing
  // it gives the same bytes without replaying the whole history.
  invariant(leader.last_applied == leader.commit_index, "the leader has applied everything it committed before a rejoin");
  Node& f = at(id);
  // Install is decided first, on f's log as it is before anything is copied, and here, at the step that makes
  // f reachable, before the step's round (which would give f the leader's length and no install).
  // R-INSTALL-1: f lacks entries the leader has discarded when f's logical log length is below the leader's
  // saved_index; only then does f take the leader's saved bytes (shared, not re-encoded) and its discarded
  // prefix. Not f's last_applied or commit_index, and not which saved snapshot is newer. R-INSTALL-2:
  // otherwise f keeps its own saved snapshot and prefix, older, newer or none.
  if (f.log_length < leader.saved_index) {
    f.saved = leader.saved;
    f.saved_index = leader.saved_index;
  }
  f.log_length = leader.log_length;  // truncate and replace with the leader's log
  // Reachable from now on, so its store is the leader's (nodes_); whatever it held of its own, a frozen copy
  // or the empty store of a restart, is replaced by that.
  f.store.clear();
  f.commit_index = leader.commit_index;
  f.last_applied = leader.commit_index;
}

// Section 3.2: replicate, commit, apply.
void Cluster::replication_round() {
  replicate();
  commit();
  // R-APPLY-1: the leader first, then each reachable follower; isolated and down followers apply nothing.
  apply_committed();
  const Node& leader = at(leader_);
  for (NodeId id = 1; id <= size(); ++id) {
    if (!is_follower(id) || !is_reachable(id)) continue;
    Node& f = at(id);
    invariant(f.last_applied <= f.commit_index && f.commit_index == leader.commit_index,
              "a reachable follower commits what the leader commits (R-COMMIT-3)");
    // Its store is the leader's (nodes_), which has just applied these very entries.
    f.last_applied = f.commit_index;
  }
}

// R-ROUND-1: reachable followers receive what they miss; the others keep their logs as they are.
void Cluster::replicate() {
  const std::uint64_t leader_length = at(leader_).log_length;
  for (NodeId id = 1; id <= size(); ++id) {
    Node& n = at(id);
    invariant(n.log_length <= leader_length, "every log is a prefix of the leader's (R-LOG-2)");
    if (is_follower(id) && is_reachable(id)) n.log_length = leader_length;
  }
}

// R-COMMIT-1..3
void Cluster::commit() {
  // R-COMMIT-1: every node counts with its log length, whether reachable, isolated or down. The majority-th
  // largest length is the largest n that at least a majority of the N nodes hold.
  lengths_.clear();
  for (const Node& n : nodes_) lengths_.push_back(n.log_length);
  const auto kth = lengths_.begin() + static_cast<std::ptrdiff_t>(majority_ - 1);
  std::nth_element(lengths_.begin(), kth, lengths_.end(), std::greater<>());
  const std::uint64_t candidate = *kth;

  Node& leader = at(leader_);
  // R-COMMIT-2: never goes back.
  leader.commit_index = std::max(leader.commit_index, candidate);
  // R-COMMIT-3: reachable followers follow; isolated and down ones keep theirs.
  for (NodeId id = 1; id <= size(); ++id) {
    if (is_follower(id) && is_reachable(id)) at(id).commit_index = leader.commit_index;
  }
}

// R-APPLY-1, for the leader: entries last_applied + 1 .. commit_index in index order, which is the front of
// unapplied_. Applied, an entry is dropped (unapplied_).
void Cluster::apply_committed() {
  Node& leader = at(leader_);
  invariant(leader.commit_index <= leader.log_length, "a node commits only entries it holds");
  invariant(leader.last_applied <= leader.commit_index, "applied never passes commit");
  invariant(unapplied_.size() == leader.log_length - leader.last_applied, "unapplied_ is the leader's unapplied tail");
  for (; leader.last_applied < leader.commit_index; ++leader.last_applied) {
    apply_command(leader.store, unapplied_.front());
    unapplied_.pop_front();
  }
}

// ---- below the file map: what the functions above, run's trace and the tests read ----

bool Cluster::is_up(NodeId id) const { return at(id).up; }

Node Cluster::node(NodeId id) const {
  Node n = at(id);
  if (is_follower(id) && is_reachable(id)) n.store = store_of(id);
  return n;
}

Bytes Cluster::snapshot_of(NodeId id) const {
  const Node& n = at(id);
  // R-WIRE-3, R-WIRE-4: the snapshot covers what the node has applied, not what it merely holds; the term
  // of the entry at last_applied is kTerm, and 0 when there is no such entry.
  // R-SAVED-4: its current state, never its saved bytes, and the term stays kTerm after that entry is
  // discarded; a node restored from `saved` therefore emits exactly those bytes.
  return encode_snapshot({n.current_term, n.last_applied, n.last_applied == 0 ? 0 : kTerm}, store_of(id).pairs());
}

// R-CLUSTER-4: reachable means up and not isolated; the leader is neither down nor isolated.
bool Cluster::is_reachable(NodeId id) const { return at(id).up && !isolated_[id - 1]; }

// A reachable follower's store is the leader's; every other node keeps its own (nodes_).
const Store& Cluster::store_of(NodeId id) const {
  return is_follower(id) && is_reachable(id) ? at(leader_).store : at(id).store;
}

// R-NODE-1
void Cluster::check_node_id(NodeId id, const std::string& field) const {
  if (id < 1 || id > size()) {
    throw InvalidScenario(field, "node " + id_text(id) + " is not in 1.." + id_text(size()), "R-NODE-1");
  }
}

}  // namespace rsm

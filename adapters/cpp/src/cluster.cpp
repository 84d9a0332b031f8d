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

std::string id_text(NodeId id) { return std::to_string(id); }

// The invariants the SPEC relies on; broken, they would mean a bug here, and the run reports it rather than
// produce wrong bytes.
void invariant(bool holds, const char* what) {
  if (!holds) throw std::logic_error(std::string("internal invariant broken: ") + what);
}

}  // namespace

Cluster::Cluster(NodeId nodes, NodeId leader, bool elect) : first_leader_(leader), elect_(elect) {
  if (nodes < 1 || nodes > kMaxNodes) {
    throw InvalidScenario("cluster.nodes", id_text(nodes) + " is not in 1..255", "R-CLUSTER-1");
  }
  if (leader < 1 || leader > nodes) {
    throw InvalidScenario("cluster.leader", id_text(leader) + " is not in 1.." + id_text(nodes), "R-CLUSTER-2");
  }
  // R-CLUSTER-3, R-TERM-1: every node up, a follower of term 1 with no vote, empty log and store, indices 0
  // (Member's defaults), but L, the leader of term 1; P empty.
  members_.resize(nodes);
  at(leader).role = Role::Leader;
  isolated_.assign(nodes, false);
  // R-CLUSTER-5: floor(N / 2) + 1 over all N nodes; integer division is the floor, and ceil(N / 2) would be
  // one short for every even N.
  majority_ = static_cast<std::size_t>(nodes) / 2 + 1;
  brought_in_.assign(nodes, false);
  holds_.reserve(nodes);
}

std::vector<Bytes> Cluster::step(const Step& step) {
  std::vector<Bytes> emitted;
  std::visit(
      [&](const auto& s) {
        using T = std::decay_t<decltype(s)>;
        // In schema order, each with the step it handles.
        if constexpr (std::is_same_v<T, Put>) propose(s, s.via);  // {"op":"put","key":"a","value":"31"}
        else if constexpr (std::is_same_v<T, Delete>) propose(s, s.via);  // {"op":"delete","key":"a","via":2}
        else if constexpr (std::is_same_v<T, Append>) propose(s, s.via);  // {"op":"append","key":"a","value":"32"}
        else if constexpr (std::is_same_v<T, Incr>) propose(s, s.via);  // {"op":"incr","key":"n","delta":"5"}
        else if constexpr (std::is_same_v<T, Cas>) propose(s, s.via);  // {"op":"cas","key":"a","expected":null,"value":"31"}
        else if constexpr (std::is_same_v<T, Partition>) partition(s);  // {"op":"partition","nodes":[3]}
        else if constexpr (std::is_same_v<T, Crash>) crash(s);  // {"op":"crash","node":2}
        else if constexpr (std::is_same_v<T, Restart>) restart(s);  // {"op":"restart","node":2}
        else if constexpr (std::is_same_v<T, Heal>) heal();  // {"op":"heal"}
        else if constexpr (std::is_same_v<T, Snapshot>) emitted = snapshot(s);  // {"op":"snapshot","nodes":[1,2,3]}
        else if constexpr (std::is_same_v<T, Compact>) compact(s);  // {"op":"compact","node":2}
        else if constexpr (std::is_same_v<T, Elect>) elect(s);  // {"op":"elect","node":2}
        else static_assert(!sizeof(T), "every step has a handler");
        // R-SNAP-3: a snapshot step changes nothing and has no round; every other step ends with one.
        if constexpr (!std::is_same_v<T, Snapshot>) replication_round();
      },
      step);
  return emitted;
}

// R-LOG-3, R-ROUTE-1: the command goes to `via`, or to the up leader of the highest term; it is dropped,
// changing nothing, when that node is down or no leader, or when there is no up leader. The leader appends
// whatever side it is on; nothing is applied until a round commits it (R-APPLY-1).
void Cluster::propose(const Command& command, const Via& via) {
  NodeId to = 0;
  if (via.has_value()) {
    check_node_id(*via, "via");
    to = *via;
  } else {
    // There is never a tie of terms among leaders (R-ELECT-5); without elect this finds L.
    for (NodeId id = 1; id <= size(); ++id) {
      const Member& n = at(id);
      if (n.up && n.role == Role::Leader && (to == 0 || n.current_term > at(to).current_term)) to = id;
    }
  }
  if (to == 0) return;
  Member& ld = at(to);
  if (!ld.up || ld.role != Role::Leader) return;
  ld.entries.push_back(Entry{ld.current_term, std::make_shared<const Command>(command)});
}

// R-PART-1..4
void Cluster::partition(const Partition& partition) {
  std::vector<bool> listed(members_.size(), false);
  for (std::size_t k = 0; k < partition.nodes.size(); ++k) {
    const NodeId id = partition.nodes[k];
    const std::string field = "nodes[" + std::to_string(k) + "]";
    check_node_id(id, field);
    // R-PART-2 holds only without elect; with it any node may be listed (R-PART-4).
    if (!elect_ && id == first_leader_) {
      throw InvalidScenario(field, "partition of node " + id_text(id) + ", the leader, is not allowed", "R-PART-2");
    }
    if (listed[id - 1]) throw InvalidScenario(field, "partition lists node " + id_text(id) + " twice", "R-PART-3");
    listed[id - 1] = true;
  }
  // R-PART-1: P is replaced, not added to; a down node may be listed and stays isolated when it restarts.
  // A node that changes side is brought in by its side's leader in this step's round (R-PART-4), which is
  // also v1's rejoin (R-REJOIN-1, R-REJOIN-2): see rejoin.
  isolated_ = std::move(listed);
}

// R-CRASH-1..4
void Cluster::crash(const Crash& crash) {
  check_node_id(crash.node, "node");
  if (!elect_ && crash.node == first_leader_) {
    throw InvalidScenario("node", "crash of node " + id_text(crash.node) + ", the leader, is not allowed", "R-CRASH-1");
  }
  Member& n = at(crash.node);
  if (!n.up) throw InvalidScenario("node", "crash of node " + id_text(crash.node) + ", which is already down", "R-CRASH-2");
  // R-CRASH-3, R-CRASH-4, R-SAVED-2: current_term, voted_for, the log and the saved snapshot are persistent
  // and stay; the role, the store and the indices are volatile. The kept log still counts towards commits
  // (R-COMMIT-1, R-COMMIT-4). A store shared with other nodes is let go of, never cleared in place.
  n.up = false;
  n.role = Role::Follower;
  n.store = std::make_shared<Store>();
  n.commit_index = 0;
  n.last_applied = 0;
  n.applied_term = 0;
}

// R-RESTART-1, R-RESTART-2
void Cluster::restart(const Restart& restart) {
  check_node_id(restart.node, "node");
  if (at(restart.node).up) throw InvalidScenario("node", "restart of node " + id_text(restart.node) + ", which is up", "R-RESTART-1");
  bring_up(restart.node);
}

// R-HEAL-1: one side, and every down node up.
void Cluster::heal() {
  isolated_.assign(members_.size(), false);
  for (NodeId id = 1; id <= size(); ++id) {
    if (!at(id).up) bring_up(id);  // as in R-RESTART-2 and R-SAVED-3
  }
}

// A down node comes up a follower (R-CRASH-4) with its persistent state, an empty store and indices 0, or
// restored from its saved snapshot when it has one (R-SAVED-3). Whether a leader then brings it in is for
// the step's round (R-ROUND-2.3), which in v1 is the rejoin (R-RESTART-2).
void Cluster::bring_up(NodeId id) {
  Member& n = at(id);
  n.up = true;
  n.role = Role::Follower;
  n.store = std::make_shared<Store>();
  n.commit_index = 0;
  n.last_applied = 0;
  n.applied_term = 0;
  if (n.saved) {
    // Restored, its pairs decoded only when something reads them (Member::store): if the round brings the
    // node in, it takes its leader's store instead, and the bytes are never decoded.
    n.store = nullptr;
    n.commit_index = n.saved_index;
    n.last_applied = n.saved_index;
    n.applied_term = n.saved_term;
  }
}

// R-SNAP-1..3
std::vector<Bytes> Cluster::snapshot(const Snapshot& snapshot) const {
  if (snapshot.nodes.empty()) throw InvalidScenario("nodes", "snapshot lists no nodes", "R-SNAP-1");
  std::vector<bool> listed(members_.size(), false);
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

// R-COMPACT-1, R-COMPACT-2, R-COMPACT-4
void Cluster::compact(const Compact& compact) {
  check_node_id(compact.node, "node");
  Member& n = at(compact.node);
  if (!n.up) throw InvalidScenario("node", "compact of node " + id_text(compact.node) + ", which is down", "R-COMPACT-1");
  invariant(n.saved_index <= n.last_applied && n.last_applied <= n.log_length(), "an up node has applied its saved prefix and no more than it holds");
  // Exactly the bytes a snapshot step would emit now: its current_term, last_applied and the term of that
  // entry (a no-op's included), replacing any older ones; at last_applied 0 that is the empty snapshot.
  n.saved = std::make_shared<const Bytes>(snapshot_of(compact.node));
  n.saved_term = n.applied_term;
  // Entries 1..last_applied are discarded; the logical length stays (R-SAVED-1).
  n.entries.erase(n.entries.begin(), n.entries.begin() + static_cast<std::ptrdiff_t>(n.last_applied - n.saved_index));
  n.saved_index = n.last_applied;
}

// R-ELECT-2..4, R-VOTE-1, R-VOTE-2, R-NOOP-1
void Cluster::elect(const Elect& elect) {
  check_node_id(elect.node, "node");
  Member& c = at(elect.node);
  if (!c.up) throw InvalidScenario("node", "elect of node " + id_text(elect.node) + ", which is down", "R-ELECT-2");
  // R-ELECT-3: whatever its role, a new term and its own vote.
  ++c.current_term;
  c.role = Role::Candidate;
  c.voted_for = elect.node;
  std::size_t votes = 1;
  std::uint64_t refused_by_term = 0;  // the highest term of a voter that refused under R-VOTE-1.1, or 0
  // R-VOTE-1: up nodes on c's side only (R-SIDE-1), each on its own state.
  for (NodeId id = 1; id <= size(); ++id) {
    Member& v = at(id);
    if (id == elect.node || !v.up || isolated_[id - 1] != isolated_[elect.node - 1]) continue;
    if (v.current_term > c.current_term) {  // 1: refuses, changes nothing
      refused_by_term = std::max(refused_by_term, v.current_term);
      continue;
    }
    if (v.current_term < c.current_term) {  // 2: adopts the term; a leader or candidate steps down
      v.current_term = c.current_term;
      v.voted_for = std::nullopt;
      v.role = Role::Follower;
    }
    // 3: one vote per term, and only for a log at least as up-to-date (persists: voted_for survives a crash).
    if ((!v.voted_for.has_value() || *v.voted_for == elect.node) && at_least_as_up_to_date(c, v)) {
      v.voted_for = elect.node;
      ++votes;
    }
  }
  // R-ELECT-4, in this order.
  if (refused_by_term > 0) {  // (a) a higher term seen: c steps down, whatever votes it got
    c.current_term = refused_by_term;
    c.voted_for = std::nullopt;
    c.role = Role::Follower;
  } else if (votes >= majority_) {  // (b) leader, with the no-op of its term at once (R-NOOP-1)
    c.role = Role::Leader;
    c.entries.push_back(Entry{c.current_term, nullptr});
  }
  // (c) otherwise c stays a candidate of its new term; nothing retries.
}

// R-VOTE-2: the last entry's term first; the length only breaks a tie (R-LOG-4).
bool Cluster::at_least_as_up_to_date(const Member& c, const Member& v) {
  const std::uint64_t c_term = c.last_log_term();
  const std::uint64_t v_term = v.last_log_term();
  return c_term > v_term || (c_term == v_term && c.log_length() >= v.log_length());
}

// R-SAVED-3: store := the pairs of `saved`. The bytes are decoded by the same decoder a decode request uses;
// they are this port's own (or, installed, another node's), so a rejection would be a bug here. The pairs
// come in ascending key order (R-WIRE-6), which the Store takes whole: linear in the snapshot.
void Cluster::restore(Member& n) const {
  if (!n.store) n.store = std::make_shared<Store>(saved_store(n));
}

Store Cluster::saved_store(const Member& n) {
  DecodedSnapshot decoded = decode_snapshot(*n.saved);
  invariant(decoded.header.last_included_index == n.saved_index, "saved_index is the index written in saved");
  invariant(n.last_applied == n.saved_index, "a node still to be restored has applied nothing since");
  return Store(std::move(decoded.pairs));
}

// R-ROUND-2.3: ld brings f in (v1's rejoin, R-REJOIN-2, is this with one term and one leader): f adopts ld's
// term and follows, installs ld's saved snapshot when it lacks ld's entry at ld's saved_index (R-INSTALL-4,
// which is R-INSTALL-1 with one term), takes ld's log (R-TRUNC-1), and ld's store when it is behind ld's
// commit index. Cost: the entries f lacks plus those it drops, so a follower that was brought in by the last
// round costs nothing here.
void Cluster::rejoin(Member& f, const Member& ld) {
  if (f.current_term < ld.current_term) {
    f.current_term = ld.current_term;
    f.voted_for = std::nullopt;
  }
  f.role = Role::Follower;
  // R-INSTALL-4: f holds ld's entry at s unless s is within f's own discarded prefix, or f's entry there has
  // the term ld's saved snapshot records. Not f's last_applied, and not which snapshot is newer.
  if (ld.saved) {
    const std::uint64_t s = ld.saved_index;
    const bool holds = s <= f.saved_index || (f.log_length() >= s && f.term(s) == ld.saved_term);
    if (!holds) {
      restore(f);  // a store still to be restored is the pairs of f's own bytes, which are replaced here
      // The same bytes, shared, never re-encoded; f's discarded prefix becomes ld's.
      f.saved = ld.saved;
      const std::uint64_t dropped = std::min<std::uint64_t>(f.entries.size(), s - f.saved_index);
      f.entries.erase(f.entries.begin(), f.entries.begin() + static_cast<std::ptrdiff_t>(dropped));
      f.saved_index = s;
      f.saved_term = ld.saved_term;
    }
  }
  // R-TRUNC-1: m is the last index at which both hold an entry of the same term, every index at or below
  // either saved_index counting as held by both. By Log Matching the logs agree up to m, so matching from the
  // top down stops at the first agreement, and everything it passes is removed.
  const std::uint64_t low = std::max(f.saved_index, ld.saved_index);
  const std::uint64_t high = std::min(f.log_length(), ld.log_length());
  invariant(low <= high, "after the install decision both logs reach the higher saved_index");
  std::uint64_t m = high;
  while (m > low && f.term(m) != ld.term(m)) --m;
  // A committed entry is never truncated (Leader Completeness).
  invariant(f.log_length() <= m || m >= f.commit_index, "a truncated entry was never committed");
  while (f.log_length() > m) f.entries.pop_back();
  for (std::uint64_t i = m + 1; i <= ld.log_length(); ++i) f.entries.push_back(ld.entry(i));
  // A follower behind ld's commit index takes ld's store, which is the replay of ld's log up to it
  // (R-REJOIN-2); one ahead of it keeps its own (it never goes back); one at it holds a store equal to ld's
  // (State Machine Safety) and shares ld's from now on, so that the round applies each entry once.
  if (f.last_applied < ld.commit_index) {
    f.store = ld.store;
    f.commit_index = ld.commit_index;
    f.last_applied = ld.commit_index;
    f.applied_term = ld.applied_term;
  } else if (f.last_applied == ld.last_applied) {
    f.store = ld.store;
  }
}

// R-ROUND-2 (section 3.2's round with v1's rejoins, R-REJOIN-1): each side on its own, the nodes not in P
// first, then P's side. The order shows: a leader's count (commit) reads the other side's logs as they are,
// so P's side sees the logs the first side's round has just replaced.
void Cluster::replication_round() {
  round_on_side(false);
  round_on_side(true);
}

void Cluster::round_on_side(bool in_p) {
  const auto on_side = [&](NodeId id) { return at(id).up && isolated_[id - 1] == in_p; };
  std::uint64_t top = 0;  // T, the highest current_term of the side's up nodes
  for (NodeId id = 1; id <= size(); ++id) {
    if (on_side(id)) top = std::max(top, at(id).current_term);
  }
  // 1. Step-down: a leader whose term is below T. Candidates are not touched.
  NodeId leader = 0;
  for (NodeId id = 1; id <= size(); ++id) {
    Member& n = at(id);
    if (!on_side(id) || n.role != Role::Leader) continue;
    if (n.current_term < top) {
      n.current_term = top;
      n.voted_for = std::nullopt;
      n.role = Role::Follower;
    } else {
      invariant(leader == 0, "at most one leader of a term (R-ELECT-5)");
      leader = id;
    }
  }
  // 2. No leader: nothing else changes on this side.
  if (leader == 0) return;
  Member& ld = at(leader);
  restore(ld);  // its store is read from here on
  // 3. Every other up node of the side is brought in, in ascending id order.
  for (NodeId id = 1; id <= size(); ++id) {
    brought_in_[id - 1] = id != leader && on_side(id);
    if (brought_in_[id - 1]) rejoin(at(id), ld);
  }
  // 4. and 5.
  commit(ld);
  apply_committed(leader);
}

// R-COMMIT-4 (R-COMMIT-1 with terms): the largest n at which ld's entry has ld's term T and at least a
// majority of all N nodes, whatever their side and up or down, hold an entry of term T above their
// saved_index. R-COMMIT-2: the commit index never goes back.
void Cluster::commit(Member& ld) {
  const std::uint64_t term = ld.current_term;
  holds_.clear();
  for (const Member& n : members_) holds_.push_back(last_index_of_term(n, term, ld.log_length()));
  std::sort(holds_.begin(), holds_.end(), std::greater<>());
  // A node counts for n when its entry at n has term T: since terms never decrease along a log, the largest
  // such n is one of these last indices, and at most the majority-th largest of them.
  std::uint64_t candidate = 0;
  for (std::size_t k = majority_ - 1; k < holds_.size(); ++k) {
    const std::uint64_t n = holds_[k];
    if (n == 0 || n <= ld.saved_index || ld.term(n) != term) break;  // smaller ones are of earlier terms
    if (k > majority_ - 1 && n == holds_[k - 1]) continue;
    std::size_t count = 0;
    for (const Member& x : members_) {
      if (n > x.saved_index && n <= x.log_length() && x.term(n) == term) ++count;
    }
    if (count >= majority_) {
      candidate = n;
      break;
    }
  }
  ld.commit_index = std::max(ld.commit_index, candidate);
}

// The last index <= cap and above n's saved_index at which n's entry has `term`, or 0. Terms never decrease
// along a log, so this is the top entry (the usual case, O(1)) or found by binary search below entries of
// later terms.
std::uint64_t Cluster::last_index_of_term(const Member& n, std::uint64_t term, std::uint64_t cap) const {
  const std::uint64_t high = std::min(n.log_length(), cap);
  if (high <= n.saved_index) return 0;
  const std::uint64_t top = n.term(high);
  if (top == term) return high;
  if (top < term) return 0;
  const auto end = n.entries.begin() + static_cast<std::ptrdiff_t>(high - n.saved_index);
  const auto after = std::upper_bound(n.entries.begin(), end, term, [](std::uint64_t t, const Entry& e) { return t < e.term; });
  if (after == n.entries.begin() || std::prev(after)->term != term) return 0;
  return n.saved_index + static_cast<std::uint64_t>(after - n.entries.begin());
}

// R-APPLY-1: ld applies, then every node it brought in follows (R-ROUND-2.5). A node at ld's last_applied
// shares ld's store (rejoin), so following is taking ld's indices; a node that shares the store but was not
// brought in (cut off, or on the other side) gets a copy of its own first, frozen as it is.
void Cluster::apply_committed(NodeId leader) {
  Member& ld = at(leader);
  invariant(ld.last_applied <= ld.commit_index && ld.commit_index <= ld.log_length(), "applied <= commit <= log length");
  if (ld.last_applied < ld.commit_index) {
    for (NodeId id = 1; id <= size(); ++id) {
      Member& n = at(id);
      if (id != leader && n.store == ld.store && !brought_in_[id - 1]) n.store = std::make_shared<Store>(*ld.store);
    }
    invariant(ld.last_applied >= ld.saved_index, "a leader applies only entries it holds");
    for (std::uint64_t i = ld.last_applied + 1; i <= ld.commit_index; ++i) {
      const Entry& e = ld.entry(i);
      if (e.command) apply_command(*ld.store, *e.command);  // a no-op changes no store (R-NOOP-1)
      ld.applied_term = e.term;
    }
    ld.last_applied = ld.commit_index;
  }
  for (NodeId id = 1; id <= size(); ++id) {
    if (!brought_in_[id - 1]) continue;
    Member& f = at(id);
    f.commit_index = std::max(f.commit_index, ld.commit_index);
    if (f.last_applied < f.commit_index) {
      invariant(f.commit_index == ld.commit_index, "a follower behind its leader catches up to it");
      f.store = ld.store;
      f.last_applied = ld.last_applied;
      f.applied_term = ld.applied_term;
    }
  }
}

// ---- below the file map: what the functions above, run's trace and the tests read ----

std::uint64_t Cluster::Member::term(std::uint64_t n) const {
  // At saved_index, the saved snapshot's last_included_term (0 when saved_index is 0, and with no snapshot).
  return n == saved_index ? saved_term : entry(n).term;
}

bool Cluster::is_up(NodeId id) const { return at(id).up; }

Node Cluster::node(NodeId id) const {
  const Member& n = at(id);
  Store store = n.store ? *n.store : saved_store(n);
  return Node{n.up,           n.role,           n.current_term,    n.voted_for,     n.log_length(), n.last_log_term(),
              n.commit_index, n.last_applied,   std::move(store),  n.saved,         n.saved_index};
}

Bytes Cluster::snapshot_of(NodeId id) const {
  const Member& n = at(id);
  // R-WIRE-3, R-WIRE-4, R-WIRE-9: the node's current_term, what it has applied (not what it merely holds)
  // and the term of that entry. R-SAVED-4: its current state, never its saved bytes; a node restored from
  // `saved` therefore emits exactly those bytes, but for a current_term raised since (R-COMPACT-4).
  const SnapshotHeader header{n.current_term, n.last_applied, n.applied_term};
  if (n.store) return encode_snapshot(header, n.store->pairs());
  return encode_snapshot(header, saved_store(n).pairs());  // restored, its pairs not yet needed: decoded here
}

RaftState Cluster::raft_of(NodeId id) const {
  const Member& n = at(id);
  return RaftState{n.role, n.voted_for, n.log_length(), n.last_log_term()};
}

// R-NODE-1
void Cluster::check_node_id(NodeId id, const std::string& field) const {
  if (id < 1 || id > size()) {
    throw InvalidScenario(field, "node " + id_text(id) + " is not in 1.." + id_text(size()), "R-NODE-1");
  }
}

}  // namespace rsm

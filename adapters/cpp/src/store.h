// The store: keys (UTF-8 strings) to values (byte strings), in the order snapshots list them (R-STORE-1).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rsm {

// A value is bytes, never text: it may hold any byte, and an empty value is a present key (R-STORE-2).
using Bytes = std::vector<std::uint8_t>;

// Orders keys by their UTF-8 bytes compared as unsigned (R-STORE-1). A key is a std::string of UTF-8 bytes;
// it may contain NUL and be of any length, so it is only ever handled with its size, never as a C string.
struct KeyLess {
  bool operator()(const std::string& a, const std::string& b) const noexcept;
};

// The key/value store of one node (R-STORE-1, R-STORE-2). A tree kept in key order rather than a hash map, so
// that a snapshot walks it as it is (R-WIRE-6) and never sorts: a run may snapshot every few steps.
class Store {
 public:
  // What pairs() walks: every pair, ascending by key (KeyLess).
  using Pairs = std::map<std::string, Bytes, KeyLess>;

  Store() = default;
  // A store spelled out, in any order: the tests' worked examples.
  Store(std::initializer_list<Pairs::value_type> pairs);
  // The pairs of a decoded snapshot, a restore's (R-SAVED-3). They come ascending by key (R-DECODE-8), so
  // each goes in at the end, in constant time: a restore is linear in the snapshot, where a put per pair
  // would search the tree for each.
  explicit Store(std::vector<std::pair<std::string, Bytes>>&& ascending);

  // The value under `key`, or null when the key is missing; a present key may hold zero bytes (R-STORE-2).
  // The mutable one is how append, incr and cas change a value in place: a get then a put would copy a
  // value that an append only extends.
  const Bytes* get(const std::string& key) const;
  Bytes* get(const std::string& key);

  // Sets `key` to `value`, adding the key or replacing its value. The second form takes over a value the
  // caller has just built (incr's counter) instead of copying it.
  void put(const std::string& key, const Bytes& value);
  void put(const std::string& key, Bytes&& value);

  // The SPEC's delete, which is a C++ keyword. A missing key is no error (R-DELETE-1).
  void erase(const std::string& key);

  // Every pair, ascending by key as unsigned UTF-8 bytes (R-STORE-1): the order of a snapshot's pairs.
  const Pairs& pairs() const;

  // Empty, as a crash or a restart leaves a node's store (R-CRASH-3, R-RESTART-2).
  void clear();

  bool operator==(const Store& other) const = default;

 private:
  Pairs pairs_;
};

}  // namespace rsm

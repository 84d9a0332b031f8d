#include "store.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace rsm {
namespace {

// Eight key bytes as one big-endian number: two such numbers compare exactly as their bytes do, unsigned
// and most significant first. Assembled byte by byte, so the host's byte order never matters; compilers turn
// it into one load and a byte swap, but only after deciding on inlining, so it is marked inline (without
// that, g++ 12 -O2 makes it a call).
inline std::uint64_t load_be64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return std::uint64_t{u[0]} << 56 | std::uint64_t{u[1]} << 48 | std::uint64_t{u[2]} << 40 | std::uint64_t{u[3]} << 32 |
         std::uint64_t{u[4]} << 24 | std::uint64_t{u[5]} << 16 | std::uint64_t{u[6]} << 8 | std::uint64_t{u[7]};
}

}  // namespace

// R-STORE-1: keys sort by their UTF-8 bytes as unsigned values, a proper prefix first. `char` is signed on
// most platforms, so any comparison that goes through `char` risks putting bytes >= 0x80 (every non-ASCII
// character) before ASCII. std::string's operator< happens to be right (char_traits<char>::lt is specified
// to compare as unsigned char), but the whole snapshot format depends on this order, so it is spelled out:
// every byte is compared as unsigned char, and the shorter key wins a tie. On UTF-8 this is also code point
// order, which is what every other port reproduces.
//
// Eight bytes at a time, then byte by byte, rather than through memcmp: every store lookup makes a dozen of
// these comparisons on short keys, where a library call per comparison costs more than the comparison.
bool KeyLess::operator()(const std::string& a, const std::string& b) const noexcept {
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i + 8 <= common; i += 8) {
    const std::uint64_t x = load_be64(a.data() + i);
    const std::uint64_t y = load_be64(b.data() + i);
    if (x != y) return x < y;
  }
  for (; i < common; ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

Store::Store(std::initializer_list<Pairs::value_type> pairs) : pairs_(pairs) {}

Store::Store(std::vector<std::pair<std::string, Bytes>>&& ascending) {
  for (auto& [key, value] : ascending) pairs_.emplace_hint(pairs_.end(), std::move(key), std::move(value));
}

const Bytes* Store::get(const std::string& key) const {
  const auto it = pairs_.find(key);
  return it == pairs_.end() ? nullptr : &it->second;
}

Bytes* Store::get(const std::string& key) {
  const auto it = pairs_.find(key);
  return it == pairs_.end() ? nullptr : &it->second;
}

// A replaced value is assigned, not rebuilt, so its buffer is reused.
void Store::put(const std::string& key, const Bytes& value) { pairs_.insert_or_assign(key, value); }

void Store::put(const std::string& key, Bytes&& value) { pairs_.insert_or_assign(key, std::move(value)); }

void Store::erase(const std::string& key) { pairs_.erase(key); }

const Store::Pairs& Store::pairs() const { return pairs_; }

void Store::clear() { pairs_.clear(); }

}  // namespace rsm

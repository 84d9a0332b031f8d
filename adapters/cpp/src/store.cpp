#include "store.h"

#include <algorithm>
#include <cstring>

namespace rsm {

// R-STORE-1: keys sort by their UTF-8 bytes as unsigned values, a proper prefix first. `char` is signed on
// most platforms, so any comparison that goes through `char` risks putting bytes >= 0x80 (every non-ASCII
// character) before ASCII. std::string's operator< happens to be right (char_traits<char>::lt is specified
// to compare as unsigned char), but the whole snapshot format depends on this order, so it is spelled out:
// memcmp compares as unsigned char by definition, and the shorter key wins a tie. On UTF-8 this is also
// code point order, which is what every other port reproduces.
bool KeyLess::operator()(const std::string& a, const std::string& b) const noexcept {
  const std::size_t common = std::min(a.size(), b.size());
  if (common != 0) {
    const int order = std::memcmp(a.data(), b.data(), common);
    if (order != 0) return order < 0;
  }
  return a.size() < b.size();
}

}  // namespace rsm

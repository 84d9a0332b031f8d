// The store: keys (UTF-8 strings) to values (byte strings), in the order snapshots list them (R-STORE-1).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rsm {

// A value is bytes, never text: it may hold any byte, and an empty value is a present key (R-STORE-2).
using Bytes = std::vector<std::uint8_t>;

// Orders keys by their UTF-8 bytes compared as unsigned (R-STORE-1). A key is a std::string of UTF-8 bytes;
// it may contain NUL and be of any length, so it is only ever handled with its size, never as a C string.
struct KeyLess {
  bool operator()(const std::string& a, const std::string& b) const noexcept;
};

using Store = std::map<std::string, Bytes, KeyLess>;

}  // namespace rsm

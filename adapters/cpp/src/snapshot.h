// The snapshot wire format (SPEC.md section 4).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store.h"

namespace rsm {

// The header fields of a snapshot, as section 4 names them.
struct SnapshotHeader {
  std::uint64_t current_term = 0;
  std::uint64_t last_included_index = 0;
  std::uint64_t last_included_term = 0;
};

// Encodes a node's snapshot: header, pairs in store order (R-STORE-1), CRC-32C (R-WIRE-1..8).
Bytes encode_snapshot(const SnapshotHeader& header, const Store& store);

struct DecodedSnapshot {
  SnapshotHeader header;
  std::vector<std::pair<std::string, Bytes>> pairs;
};

// Thrown by decode_snapshot for bytes that are not a well-formed snapshot.
class MalformedSnapshot : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The inverse of encode_snapshot, for tests: checks the magic, every length, the CRC and that nothing
// trails it. The adapter itself never decodes.
DecodedSnapshot decode_snapshot(const Bytes& bytes);

}  // namespace rsm

// The snapshot wire format (SPEC.md section 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
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

// An accepted snapshot (R-DECODE-12): the header as full u64 values and the pairs in the order they appear
// in the bytes, keys exactly as their bytes (well-formed UTF-8, R-DECODE-7), values as arbitrary bytes.
struct DecodedSnapshot {
  SnapshotHeader header;
  std::vector<std::pair<std::string, Bytes>> pairs;
};

// Thrown by decode_snapshot for bytes it rejects, with exactly one rule of the R-DECODE table (section 4.1):
// `rule` is n in R-DECODE-n (1..8), `offset` the byte of B at which the failing check looked.
class MalformedSnapshot : public std::runtime_error {
 public:
  MalformedSnapshot(int rule, std::size_t offset, const std::string& message)
      : std::runtime_error(message), rule_(rule), offset_(offset) {}
  int rule() const { return rule_; }
  // "R-DECODE-5", as a rejected reply carries it (R-PROTO-13).
  std::string rule_id() const { return "R-DECODE-" + std::to_string(rule_); }
  std::size_t offset() const { return offset_; }

 private:
  int rule_;
  std::size_t offset_;
};

// Section 4.1: accepts B, or throws MalformedSnapshot naming the first check of the R-DECODE table that
// fails, in the order R-DECODE-1..8 and R-DECODE-9 fix: length, magic, CRC, header, the structure of all
// pairs (5, 6), then each key in turn (7 before 8). Every declared length is checked against the bytes that
// remain before anything is read or allocated, and nothing is reserved from the pair count (R-DECODE-11):
// memory is proportional to B.
DecodedSnapshot decode_snapshot(std::span<const std::uint8_t> bytes);

// R-DECODE-7: RFC 3629 UTF-8 (no overlong form, no surrogate, nothing above U+10FFFF, no truncated sequence,
// no stray continuation byte). Returns the offset in `text` of the first byte of the first ill-formed
// sequence, or nullopt when all of it is well-formed.
std::optional<std::size_t> invalid_utf8_at(std::span<const std::uint8_t> text);

}  // namespace rsm

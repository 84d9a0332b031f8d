// The snapshot wire format (SPEC.md section 4).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "crc32c.h"

namespace rsm {

// A snapshot is bytes. The same alias as store.h's, declared again (C++ allows an alias to be redeclared as
// the same type) because the snapshot does not use the store: the store is above it in adapters/README.md's
// file map, and only the cluster uses both.
using Bytes = std::vector<std::uint8_t>;

// The header fields of a snapshot, as section 4 names them.
struct SnapshotHeader {
  std::uint64_t current_term = 0;
  std::uint64_t last_included_index = 0;
  std::uint64_t last_included_term = 0;
};

// encode_snapshot's helpers, here because it is a template.
namespace snapshot_format {

// R-WIRE-1
inline constexpr std::array<std::uint8_t, 4> kMagic = {'R', 'K', 'V', '1'};
inline constexpr std::size_t kHeaderSize = 4 + 8 + 8 + 8 + 4;
inline constexpr std::size_t kCrcSize = 4;

// Writes into a buffer sized up front, so that a snapshot of a 70 KB value is one pass with no reallocation.
// Every integer is unsigned big-endian, written byte by byte: the width is the one the format says (a u32
// length prefix is 4 bytes even where size_t is 8) and host byte order never leaks in.
class Writer {
 public:
  explicit Writer(std::size_t size) : out_(size) {}

  void u64(std::uint64_t value) { be(value, 8); }
  void u32(std::uint32_t value) { be(value, 4); }

  template <typename Range>
  void bytes(const Range& range) {
    std::copy(range.begin(), range.end(), out_.begin() + static_cast<std::ptrdiff_t>(at_));
    at_ += range.size();
  }

  const Bytes& written() const { return out_; }
  std::size_t size() const { return at_; }
  Bytes finish() && {
    // The size computed up front and the bytes written must agree, or a field was left out or added twice.
    if (at_ != out_.size()) throw std::logic_error("snapshot size computed up front does not match what was written");
    return std::move(out_);
  }

 private:
  void be(std::uint64_t value, unsigned width) {
    for (unsigned i = 0; i < width; ++i) out_[at_ + i] = static_cast<std::uint8_t>(value >> (8 * (width - 1 - i)));
    at_ += width;
  }

  Bytes out_;
  std::size_t at_ = 0;
};

// R-WIRE-5, R-WIRE-8: counts and lengths are u32. A size that does not fit cannot be written faithfully, so it
// is refused rather than truncated.
inline std::uint32_t checked_u32(std::size_t size, const char* what) {
  if (size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error(std::string(what) + " does not fit the snapshot's u32 field (R-WIRE-8)");
  }
  return static_cast<std::uint32_t>(size);
}

}  // namespace snapshot_format

// Encodes a node's snapshot: header, pairs, CRC-32C (R-WIRE-1..8). `pairs` is any sized range of (key, value)
// already ascending by key (R-STORE-1): a store's pairs (Store::pairs), or a decoded snapshot's. A template,
// so that the snapshot needs no store (the file map) and still walks the store's own tree, copying nothing.
template <typename Pairs>
Bytes encode_snapshot(const SnapshotHeader& header, const Pairs& pairs) {
  using namespace snapshot_format;
  std::size_t size = kHeaderSize + kCrcSize;
  for (const auto& [key, value] : pairs) size += 4 + key.size() + 4 + value.size();

  Writer out(size);
  out.bytes(kMagic);                                     // R-WIRE-1
  out.u64(header.current_term);                          // R-WIRE-2
  out.u64(header.last_included_index);                   // R-WIRE-3
  out.u64(header.last_included_term);                    // R-WIRE-4
  out.u32(checked_u32(pairs.size(), "pair count"));      // R-WIRE-5
  // R-WIRE-6: the pairs come in R-STORE-1 order, so they need no sorting here.
  for (const auto& [key, value] : pairs) {
    out.u32(checked_u32(key.size(), "key length"));      // R-WIRE-8: UTF-8 byte length, 4 bytes
    out.bytes(key);
    out.u32(checked_u32(value.size(), "value length"));
    out.bytes(value);
  }
  out.u32(crc32c(out.written().data(), out.size()));     // R-WIRE-7: over every byte before it
  return std::move(out).finish();
}

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

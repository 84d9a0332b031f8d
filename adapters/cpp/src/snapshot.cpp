#include "snapshot.h"

#include <algorithm>
#include <array>
#include <limits>

#include "crc32c.h"

namespace rsm {
namespace {

// R-WIRE-1
constexpr std::array<std::uint8_t, 4> kMagic = {'R', 'K', 'V', '1'};
constexpr std::size_t kHeaderSize = 4 + 8 + 8 + 8 + 4;
constexpr std::size_t kCrcSize = 4;

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
std::uint32_t checked_u32(std::size_t size, const char* what) {
  if (size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error(std::string(what) + " does not fit the snapshot's u32 field (R-WIRE-8)");
  }
  return static_cast<std::uint32_t>(size);
}

class Reader {
 public:
  explicit Reader(const Bytes& bytes) : bytes_(bytes) {}

  std::uint64_t u64(const char* field) { return read(8, field); }
  std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(read(4, field)); }

  const std::uint8_t* take(std::size_t size, const char* field) {
    need(size, field);
    const std::uint8_t* start = bytes_.data() + offset_;
    offset_ += size;
    return start;
  }

  std::size_t offset() const { return offset_; }

 private:
  void need(std::size_t size, const char* field) const {
    if (bytes_.size() - offset_ < size) {
      throw MalformedSnapshot("snapshot ends inside " + std::string(field) + " at byte " + std::to_string(offset_));
    }
  }

  std::uint64_t read(std::size_t size, const char* field) {
    const std::uint8_t* p = take(size, field);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) value = (value << 8) | p[i];
    return value;
  }

  const Bytes& bytes_;
  std::size_t offset_ = 0;
};

}  // namespace

Bytes encode_snapshot(const SnapshotHeader& header, const Store& store) {
  std::size_t size = kHeaderSize + kCrcSize;
  for (const auto& [key, value] : store) size += 4 + key.size() + 4 + value.size();

  Writer out(size);
  out.bytes(kMagic);                                     // R-WIRE-1
  out.u64(header.current_term);                          // R-WIRE-2
  out.u64(header.last_included_index);                   // R-WIRE-3
  out.u64(header.last_included_term);                    // R-WIRE-4
  out.u32(checked_u32(store.size(), "pair count"));      // R-WIRE-5
  // R-WIRE-6: the map already iterates in R-STORE-1 order (KeyLess), so the pairs need no sorting here.
  for (const auto& [key, value] : store) {
    out.u32(checked_u32(key.size(), "key length"));      // R-WIRE-8: UTF-8 byte length, 4 bytes
    out.bytes(key);
    out.u32(checked_u32(value.size(), "value length"));
    out.bytes(value);
  }
  out.u32(crc32c(out.written().data(), out.size()));     // R-WIRE-7: over every byte before it
  return std::move(out).finish();
}

DecodedSnapshot decode_snapshot(const Bytes& bytes) {
  Reader in(bytes);
  const std::uint8_t* magic = in.take(4, "magic");
  if (!std::equal(kMagic.begin(), kMagic.end(), magic)) throw MalformedSnapshot("bad magic (R-WIRE-1)");
  DecodedSnapshot snapshot;
  snapshot.header.current_term = in.u64("current_term");
  snapshot.header.last_included_index = in.u64("last_included_index");
  snapshot.header.last_included_term = in.u64("last_included_term");
  const std::uint32_t count = in.u32("pair count");
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t key_size = in.u32("key length");
    const std::uint8_t* key = in.take(key_size, "key bytes");
    const std::uint32_t value_size = in.u32("value length");
    const std::uint8_t* value = in.take(value_size, "value bytes");
    snapshot.pairs.emplace_back(std::string(key, key + key_size), Bytes(value, value + value_size));
  }
  const std::size_t covered = in.offset();
  const std::uint32_t crc = in.u32("crc");
  if (crc != crc32c(bytes.data(), covered)) throw MalformedSnapshot("crc does not match (R-WIRE-7)");
  if (in.offset() != bytes.size()) throw MalformedSnapshot("bytes after the crc");
  return snapshot;
}

}  // namespace rsm

#include "snapshot.h"

#include <algorithm>

#include "crc32c.h"

namespace rsm {
namespace {

using snapshot_format::kCrcSize;
using snapshot_format::kHeaderSize;
using snapshot_format::kMagic;

// Big-endian unsigned integers at an offset the caller has already proven to be in range.
std::uint64_t be64(std::span<const std::uint8_t> b, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | b[at + i];
  return value;
}

std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = static_cast<std::uint32_t>((value << 8) | b[at + i]);
  return value;
}

[[noreturn]] void reject(int rule, std::size_t offset, const std::string& what) {
  throw MalformedSnapshot(rule, offset, what + " at byte " + std::to_string(offset) + " (R-DECODE-" + std::to_string(rule) + ")");
}

// Where one pair's key and value lie in B; kept during the structural pass (R-DECODE-5, R-DECODE-6) so that the
// keys are looked at only once the whole structure is known good (R-DECODE-9).
struct PairSpan {
  std::size_t key_at, key_size, value_at, value_size;
};

}  // namespace

DecodedSnapshot decode_snapshot(std::span<const std::uint8_t> bytes) {
  const std::size_t size = bytes.size();
  // R-DECODE-1: the header (32 bytes, pair count included) and the CRC (4) at the least.
  if (size < kHeaderSize + kCrcSize) reject(1, 0, "only " + std::to_string(size) + " bytes, fewer than 36");
  // R-DECODE-2
  if (!std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) reject(2, 0, "the magic is not RKV1");
  // R-DECODE-3: the CRC is the last 4 bytes, over every byte before them.
  const std::size_t crc_at = size - kCrcSize;
  if (be32(bytes, crc_at) != crc32c(bytes.data(), crc_at)) reject(3, crc_at, "the CRC-32C does not match");
  // R-DECODE-4, comparing as u64 (R-DECODE-10); any other value is accepted whole (R-DECODE-12).
  DecodedSnapshot snapshot;
  SnapshotHeader& header = snapshot.header;
  header.current_term = be64(bytes, 4);
  header.last_included_index = be64(bytes, 12);
  header.last_included_term = be64(bytes, 20);
  if (header.current_term == 0) reject(4, 4, "current_term is 0");
  if (header.last_included_term > header.current_term) reject(4, 20, "last_included_term is above current_term");
  if ((header.last_included_index == 0) != (header.last_included_term == 0)) {
    reject(4, 12, "exactly one of last_included_index and last_included_term is 0");
  }

  // R-DECODE-5: every field ends at or before crc_at. `remaining` is compared before anything is read, and
  // a length is never added to an offset before it is known to fit, so 2^32 - 1 neither wraps nor allocates
  // (R-DECODE-11). The pair count only bounds the loop: each pair takes at least 8 bytes, so a count larger
  // than B can hold stops at the first field that does not fit, and nothing is reserved from it.
  const std::uint32_t count = be32(bytes, 28);
  std::size_t at = kHeaderSize;
  const auto field = [&](std::size_t length, const char* what) {
    if (crc_at - at < length) {
      reject(5, at, std::string(what) + " of " + std::to_string(length) + " bytes reaches into the CRC");
    }
    const std::size_t start = at;
    at += length;
    return start;
  };
  // Nothing is kept in this pass: a count of 2^32 - 1 over millions of empty pairs costs no memory.
  for (std::uint32_t i = 0; i < count; ++i) {
    field(be32(bytes, field(4, "a key length")), "a key");
    field(be32(bytes, field(4, "a value length")), "a value");
  }
  // R-DECODE-6
  if (at != crc_at) reject(6, at, std::to_string(crc_at - at) + " bytes remain after the last pair");

  // R-DECODE-7, R-DECODE-8, pair by pair (R-DECODE-9), over the structure the first pass proved is there: its
  // key's UTF-8 first, then its order against the one before, as unsigned bytes with a proper prefix first
  // (R-STORE-1, R-DECODE-10).
  at = kHeaderSize;
  std::span<const std::uint8_t> before;
  for (std::uint32_t i = 0; i < count; ++i) {
    PairSpan span{};
    span.key_size = be32(bytes, at);
    span.key_at = at + 4;
    span.value_size = be32(bytes, span.key_at + span.key_size);
    span.value_at = span.key_at + span.key_size + 4;
    at = span.value_at + span.value_size;
    const std::span<const std::uint8_t> key = bytes.subspan(span.key_at, span.key_size);
    if (const auto bad = invalid_utf8_at(key)) reject(7, span.key_at + *bad, "key " + std::to_string(i) + " is not well-formed UTF-8");
    if (i > 0 && !std::lexicographical_compare(before.begin(), before.end(), key.begin(), key.end())) {
      reject(8, span.key_at - 4, "key " + std::to_string(i) + " is not greater than the key before it");
    }
    before = key;
    const std::span<const std::uint8_t> value = bytes.subspan(span.value_at, span.value_size);
    snapshot.pairs.emplace_back(std::string(key.begin(), key.end()), Bytes(value.begin(), value.end()));
  }
  return snapshot;
}

// Table 3-7 of the Unicode Standard, which is RFC 3629's grammar: the first byte fixes the length and the
// range of the second byte (E0 and F0 exclude overlong forms, ED the surrogates, F4 everything above
// U+10FFFF); every further byte is 80..BF. C0, C1 and F5..FF never occur, nor does a continuation byte first.
std::optional<std::size_t> invalid_utf8_at(std::span<const std::uint8_t> text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint8_t lead = text[i];
    std::size_t length = 0;
    std::uint8_t low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead <= 0x7F) {
      ++i;
      continue;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead == 0xE0) {
      length = 3;
      low = 0xA0;
    } else if (lead == 0xED) {
      length = 3;
      high = 0x9F;
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      length = 3;
    } else if (lead == 0xF0) {
      length = 4;
      low = 0x90;
    } else if (lead == 0xF4) {
      length = 4;
      high = 0x8F;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      length = 4;
    } else {
      return i;  // 80..BF (a stray continuation), C0, C1 (overlong), F5..FF
    }
    if (text.size() - i < length) return i;  // truncated
    if (text[i + 1] < low || text[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (text[i + k] < 0x80 || text[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace rsm

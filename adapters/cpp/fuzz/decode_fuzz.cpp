// libFuzzer target for the snapshot decoder (SPEC.md section 4.1). Built only with RSM_FUZZ=ON by a compiler
// that supports -fsanitize=fuzzer (clang), with AddressSanitizer and UBSan; see the README's "Fuzzing".
//
// Beyond "no crash, no leak, no undefined behaviour, no huge allocation" (R-DECODE-11), every input is held to
// the decoder's contract:
// - a rejection names one rule of R-DECODE-1..8 and agrees with the input as far as the table's order says:
//   fewer than 36 bytes is R-DECODE-1 and nothing else, and a later rule means the magic, the CRC and the
//   header (whichever come before it) are good;
// - an accepted input re-encodes to exactly itself: the pairs are strictly ascending (R-DECODE-8), so a store
//   built from them keeps every one, and encode_snapshot writes the header, the count, the pairs in that
//   order and the CRC, which is B byte for byte when B is a well-formed snapshot;
// - the decoded reply of an accepted input is valid JSON (its keys are well-formed UTF-8, R-DECODE-7).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "crc32c.h"
#include "protocol.h"
#include "snapshot.h"

namespace {

void check(bool holds) {
  if (!holds) std::abort();
}

std::uint64_t be(std::span<const std::uint8_t> bytes, std::size_t at, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = value << 8 | bytes[at + i];
  return value;
}

// One input, held to the contract above.
void decode_one(std::span<const std::uint8_t> bytes) {
  const std::size_t size = bytes.size();
  try {
    const rsm::DecodedSnapshot decoded = rsm::decode_snapshot(bytes);
    check(size >= 36);
    rsm::Store store;
    for (const auto& [key, value] : decoded.pairs) store.put(key, value);
    check(store.pairs().size() == decoded.pairs.size());
    const rsm::Bytes again = rsm::encode_snapshot(decoded.header, store.pairs());
    check(again.size() == size && std::equal(again.begin(), again.end(), bytes.begin()));
    check(nlohmann::json::accept(rsm::decoded_reply("f", decoded)));
  } catch (const rsm::MalformedSnapshot& rejection) {
    const int rule = rejection.rule();
    check(rule >= 1 && rule <= 8);
    check((size < 36) == (rule == 1));
    check(rejection.offset() <= size);
    // The order of the table: a later rule means every earlier check passed.
    if (rule > 2) check(bytes[0] == 'R' && bytes[1] == 'K' && bytes[2] == 'V' && bytes[3] == '1');
    if (rule > 3) check(be(bytes, size - 4, 4) == rsm::crc32c(bytes.data(), size - 4));
    if (rule > 4) {
      const std::uint64_t term = be(bytes, 4, 8), index = be(bytes, 12, 8), last = be(bytes, 20, 8);
      check(term != 0 && last <= term && (index == 0) == (last == 0));
    }
  }
}

}  // namespace

// Each input is decoded twice: as it is, and with its last 4 bytes replaced by the CRC-32C of the bytes
// before them. A random CRC is right one time in 2^32, so without the second the fuzzer would rarely get past
// R-DECODE-3 to the header, the structure and the keys.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  decode_one(std::span<const std::uint8_t>(data, size));
  if (size >= 4) {
    rsm::Bytes fixed(data, data + size);
    const std::uint32_t crc = rsm::crc32c(fixed.data(), size - 4);
    for (std::size_t i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * (3 - i)));
    decode_one(fixed);
  }
  return 0;
}

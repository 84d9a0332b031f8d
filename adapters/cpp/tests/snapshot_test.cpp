// The snapshot wire format (section 4), byte for byte.
#include "snapshot.h"

#include <gtest/gtest.h>

#include "scenario.h"

namespace rsm {
namespace {

std::string to_hex(const Bytes& bytes) {
  std::string hex;
  encode_hex(bytes, hex);
  return hex;
}

TEST(Snapshot, WorkedExampleEmpty) {
  EXPECT_EQ(to_hex(encode_snapshot({1, 0, 0}, Store{})),
            "524b563100000000000000010000000000000000000000000000000000000000045540e9");
}

TEST(Snapshot, WorkedExampleTwoPairs) {
  const Store store{{"b", {0x00, 0xFF}}, {"a", {0x31}}};
  EXPECT_EQ(to_hex(encode_snapshot({1, 2, 1}, store)),
            "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c");
}

// SPEC.md section 6: step 3 node 3 of the example is {"a": 31} at last_applied 1; its CRC has the top bit set.
TEST(Snapshot, CrcWithTopBitSet) {
  EXPECT_EQ(to_hex(encode_snapshot({1, 1, 1}, Store{{"a", {0x31}}})),
            "524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5");
}

TEST(Snapshot, EmptyKeyAndEmptyValueArePairs) {
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{"", {}}});
  const std::string hex = to_hex(bytes);
  // pair count 1, key length 0, value length 0
  EXPECT_EQ(hex.substr(56, 24), "000000010000000000000000");
  EXPECT_EQ(decode_snapshot(bytes).pairs.size(), 1u);
}

TEST(Snapshot, KeyWithNulKeepsEveryByte) {
  const std::string key("a\0b", 3);
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{key, {0x01}}});
  EXPECT_EQ(to_hex(bytes).substr(64, 24), "00000003610062" "00000001" "01");
  const DecodedSnapshot decoded = decode_snapshot(bytes);
  ASSERT_EQ(decoded.pairs.size(), 1u);
  EXPECT_EQ(decoded.pairs[0].first, key);
}

TEST(Snapshot, LengthPrefixesAreFourBytes) {
  const std::string key(70000, 'k');  // above 65,535: a u16 prefix would wrap
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{key, Bytes(300, 0xAB)}});
  EXPECT_EQ(to_hex(bytes).substr(64, 8), "00011170");
  const std::size_t value_length_at = 32 + 4 + key.size();
  EXPECT_EQ(to_hex(Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(value_length_at),
                         bytes.begin() + static_cast<std::ptrdiff_t>(value_length_at + 4))),
            "0000012c");
  const DecodedSnapshot decoded = decode_snapshot(bytes);
  EXPECT_EQ(decoded.pairs.at(0).first, key);
  EXPECT_EQ(decoded.pairs.at(0).second, Bytes(300, 0xAB));
}

TEST(Snapshot, KeyLengthIsUtf8Bytes) {
  const std::string key = "\xF0\x9F\x98\x80";  // one character, two UTF-16 code units, four bytes
  EXPECT_EQ(to_hex(encode_snapshot({1, 1, 1}, Store{{key, {}}})).substr(64, 8), "00000004");
}

TEST(Snapshot, DecodeRoundTripsHeader) {
  const DecodedSnapshot decoded = decode_snapshot(encode_snapshot({1, 0x0102030405060708ull, 1}, Store{}));
  EXPECT_EQ(decoded.header.current_term, 1u);
  EXPECT_EQ(decoded.header.last_included_index, 0x0102030405060708ull);
  EXPECT_EQ(decoded.header.last_included_term, 1u);
}

TEST(Snapshot, DecodeRejectsDamage) {
  Bytes bytes = encode_snapshot({1, 1, 1}, Store{{"a", {0x31}}});
  Bytes bad_crc = bytes;
  bad_crc.back() ^= 1;
  EXPECT_THROW(decode_snapshot(bad_crc), MalformedSnapshot);
  EXPECT_THROW(decode_snapshot(Bytes(bytes.begin(), bytes.end() - 1)), MalformedSnapshot);
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_THROW(decode_snapshot(trailing), MalformedSnapshot);
  Bytes bad_magic = bytes;
  bad_magic[0] = 'X';
  EXPECT_THROW(decode_snapshot(bad_magic), MalformedSnapshot);
}

}  // namespace
}  // namespace rsm

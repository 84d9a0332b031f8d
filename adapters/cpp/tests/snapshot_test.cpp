// The snapshot wire format (section 4), byte for byte.
#include "snapshot.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "crc32c.h"
#include "scenario.h"
#include "store.h"

namespace rsm {
namespace {

using namespace std::string_literals;

std::string to_hex(const Bytes& bytes) {
  std::string hex;
  encode_hex(bytes, hex);
  return hex;
}

TEST(Snapshot, WorkedExampleEmpty) {
  EXPECT_EQ(to_hex(encode_snapshot({1, 0, 0}, Store{}.pairs())),
            "524b563100000000000000010000000000000000000000000000000000000000045540e9");
}

TEST(Snapshot, WorkedExampleTwoPairs) {
  const Store store{{"b", {0x00, 0xFF}}, {"a", {0x31}}};
  EXPECT_EQ(to_hex(encode_snapshot({1, 2, 1}, store.pairs())),
            "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c");
}

// SPEC.md section 6: step 3 node 3 of the example is {"a": 31} at last_applied 1; its CRC has the top bit set.
TEST(Snapshot, CrcWithTopBitSet) {
  EXPECT_EQ(to_hex(encode_snapshot({1, 1, 1}, Store{{"a", {0x31}}}.pairs())),
            "524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5");
}

TEST(Snapshot, EmptyKeyAndEmptyValueArePairs) {
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{"", {}}}.pairs());
  const std::string hex = to_hex(bytes);
  // pair count 1, key length 0, value length 0
  EXPECT_EQ(hex.substr(56, 24), "000000010000000000000000");
  EXPECT_EQ(decode_snapshot(bytes).pairs.size(), 1u);
}

TEST(Snapshot, KeyWithNulKeepsEveryByte) {
  const std::string key("a\0b", 3);
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{key, {0x01}}}.pairs());
  EXPECT_EQ(to_hex(bytes).substr(64, 24), "00000003610062" "00000001" "01");
  const DecodedSnapshot decoded = decode_snapshot(bytes);
  ASSERT_EQ(decoded.pairs.size(), 1u);
  EXPECT_EQ(decoded.pairs[0].first, key);
}

TEST(Snapshot, LengthPrefixesAreFourBytes) {
  const std::string key(70000, 'k');  // above 65,535: a u16 prefix would wrap
  const Bytes bytes = encode_snapshot({1, 1, 1}, Store{{key, Bytes(300, 0xAB)}}.pairs());
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
  EXPECT_EQ(to_hex(encode_snapshot({1, 1, 1}, Store{{key, {}}}.pairs())).substr(64, 8), "00000004");
}

TEST(Snapshot, DecodeRoundTripsHeader) {
  const DecodedSnapshot decoded = decode_snapshot(encode_snapshot({1, 0x0102030405060708ull, 1}, Store{}.pairs()));
  EXPECT_EQ(decoded.header.current_term, 1u);
  EXPECT_EQ(decoded.header.last_included_index, 0x0102030405060708ull);
  EXPECT_EQ(decoded.header.last_included_term, 1u);
}

TEST(Snapshot, DecodeRejectsDamage) {
  Bytes bytes = encode_snapshot({1, 1, 1}, Store{{"a", {0x31}}}.pairs());
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

// ---- decoding (section 4.1) ----

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kMax32 = std::numeric_limits<std::uint32_t>::max();

// Builds a byte string shaped like a snapshot, with any header, any declared lengths and any tail, and closes
// it with its true CRC (crc()) or a wrong one (bad_crc()).
class Build {
 public:
  Build(std::uint64_t current_term, std::uint64_t index, std::uint64_t term, std::uint32_t count) {
    raw("RKV1");
    u64(current_term).u64(index).u64(term).u32(count);
  }
  Build& u64(std::uint64_t v) {
    for (int i = 7; i >= 0; --i) b_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Build& u32(std::uint32_t v) {
    for (int i = 3; i >= 0; --i) b_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  Build& raw(const std::string& bytes) {
    b_.insert(b_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  // A well-formed pair: its true lengths.
  Build& pair(const std::string& key, const std::string& value) {
    return u32(static_cast<std::uint32_t>(key.size())).raw(key).u32(static_cast<std::uint32_t>(value.size())).raw(value);
  }
  Build& set(std::size_t at, std::uint8_t byte) {
    b_.at(at) = byte;
    return *this;
  }
  Bytes crc() const {
    Bytes out = b_;
    const std::uint32_t c = crc32c(b_.data(), b_.size());
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(c >> (8 * i)));
    return out;
  }
  Bytes bad_crc() const {
    Bytes out = crc();
    out.back() ^= 0x5A;
    return out;
  }

 private:
  Bytes b_;
};

// The rule decode_snapshot rejects `bytes` with, 0 when it accepts them.
int rule(const Bytes& bytes) {
  try {
    decode_snapshot(bytes);
  } catch (const MalformedSnapshot& e) {
    EXPECT_NE(std::string(e.what()).find(e.rule_id()), std::string::npos) << e.what();
    return e.rule();
  }
  return 0;
}

Bytes from_hex(const std::string& hex) { return parse_hex(hex, "test"); }

const std::string kTwoPairs =
    "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";

TEST(Decode, AcceptsTheWorkedExamples) {
  const DecodedSnapshot empty = decode_snapshot(from_hex("524b563100000000000000010000000000000000000000000000000000000000045540e9"));
  EXPECT_EQ(empty.header.current_term, 1u);
  EXPECT_EQ(empty.header.last_included_index, 0u);
  EXPECT_EQ(empty.header.last_included_term, 0u);
  EXPECT_TRUE(empty.pairs.empty());
  const DecodedSnapshot two = decode_snapshot(from_hex(kTwoPairs));
  EXPECT_EQ(two.header.last_included_index, 2u);
  ASSERT_EQ(two.pairs.size(), 2u);
  EXPECT_EQ(two.pairs[0], (std::pair<std::string, Bytes>{"a", {0x31}}));
  EXPECT_EQ(two.pairs[1], (std::pair<std::string, Bytes>{"b", {0x00, 0xFF}}));
}

// R-DECODE-1 comes first: 35 bytes are too few whatever they hold, 36 are enough to go on to the magic.
TEST(Decode, Rule1FewerThan36Bytes) {
  EXPECT_EQ(rule(Bytes{}), 1);
  EXPECT_EQ(rule(Bytes(35, 0)), 1);
  EXPECT_EQ(rule(Bytes{'R', 'K', 'V', '1'}), 1);
  const Bytes empty = from_hex("524b563100000000000000010000000000000000000000000000000000000000045540e9");
  EXPECT_EQ(rule(Bytes(empty.begin(), empty.end() - 1)), 1);  // a valid snapshot one byte short
  EXPECT_EQ(rule(Bytes(empty.begin() + 1, empty.end())), 1);
  EXPECT_EQ(rule(Bytes(36, 0)), 2);
}

TEST(Decode, Rule2Magic) {
  EXPECT_EQ(rule(Build(1, 0, 0, 0).set(3, '2').crc()), 2);      // RKV2, CRC right
  EXPECT_EQ(rule(Build(1, 0, 0, 0).set(0, 'r').crc()), 2);      // rKV1
  EXPECT_EQ(rule(Build(1, 0, 0, 0).set(0, 'X').bad_crc()), 2);  // bad magic and bad CRC: the magic first
  EXPECT_EQ(rule(Build(0, 5, 0, 9).set(1, 0).crc()), 2);        // bad magic before a bad header
  EXPECT_EQ(rule(Bytes(100, 0xFF)), 2);
}

TEST(Decode, Rule3Crc) {
  EXPECT_EQ(rule(Build(1, 0, 0, 0).bad_crc()), 3);
  Bytes flipped = from_hex(kTwoPairs);
  flipped[40] ^= 1;  // a body byte
  EXPECT_EQ(rule(flipped), 3);
  // The CRC written little-endian.
  Bytes little = from_hex(kTwoPairs);
  std::reverse(little.end() - 4, little.end());
  EXPECT_EQ(rule(little), 3);
  // Every later failure comes after the CRC: a duplicate key, a bad header, a bad structure, a bad key.
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("a", "").pair("a", "").bad_crc()), 3);
  EXPECT_EQ(rule(Build(0, 1, 1, 0).bad_crc()), 3);
  EXPECT_EQ(rule(Build(1, 1, 1, kMax32).bad_crc()), 3);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).pair("\xC0\x80", "").bad_crc()), 3);
}

// R-DECODE-4, with u64 comparisons (R-DECODE-10).
TEST(Decode, Rule4Header) {
  EXPECT_EQ(rule(Build(0, 0, 0, 0).crc()), 4);             // current_term 0
  EXPECT_EQ(rule(Build(0, 1, 1, 0).crc()), 4);
  EXPECT_EQ(rule(Build(1, 1, 2, 0).crc()), 4);             // last_included_term > current_term
  EXPECT_EQ(rule(Build(1, 1, kMax64, 0).crc()), 4);        // as signed it would be -1 < 1
  EXPECT_EQ(rule(Build(kMax64 - 1, 1, kMax64, 0).crc()), 4);
  EXPECT_EQ(rule(Build(1, 0, 1, 0).crc()), 4);             // index 0, term not
  EXPECT_EQ(rule(Build(1, 5, 0, 0).crc()), 4);             // term 0, index not
  EXPECT_EQ(rule(Build(1, 5, 0, kMax32).crc()), 4);        // the header before the structure
  EXPECT_EQ(rule(Build(0, 0, 0, 1).pair("\xFF", "").crc()), 4);  // and before the keys
  EXPECT_EQ(rule(Build(7, 0, 0, 0).crc()), 0);             // both 0 with any current_term
  EXPECT_EQ(rule(Build(7, 3, 7, 0).crc()), 0);             // equal terms
  EXPECT_EQ(rule(Build(kMax64, kMax64, kMax64, 0).crc()), 0);
}

// R-DECODE-5 and R-DECODE-11: every declared length against what remains before the CRC, never negative,
// never an allocation or a hang.
TEST(Decode, Rule5FieldsReachingIntoTheCrc) {
  EXPECT_EQ(rule(Build(1, 1, 1, 1).crc()), 5);                 // one pair declared, none there
  EXPECT_EQ(rule(Build(1, 1, 1, kMax32).crc()), 5);            // 2^32 - 1 pairs declared, none there
  EXPECT_EQ(rule(Build(1, 1, 1, kMax32).pair("a", "1").crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("a", "1").crc()), 5);  // the second pair missing
  // A key length of 2^32 - 1 in a 60-byte snapshot, and lengths of 2^31 (negative as int32).
  const Bytes huge_key = Build(1, 1, 1, 1).u32(kMax32).raw("abcdefghijklmnopqrst").crc();
  ASSERT_EQ(huge_key.size(), 60u);
  EXPECT_EQ(rule(huge_key), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(0x80000000u).raw("abcdefgh").crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(1).raw("a").u32(0x80000000u).raw("abcdefgh").crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(1).raw("a").u32(kMax32).crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(0xFFFFFFF0u).raw(std::string(16, 'k')).crc()), 5);
  // A value ending exactly at the CRC is whole; one byte longer reaches into it.
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(1).raw("a").u32(3).raw("xyz").crc()), 0);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(1).raw("a").u32(4).raw("xyz").crc()), 5);
  // A key ending exactly at the CRC still needs its value length after it.
  EXPECT_EQ(rule(Build(1, 1, 1, 1).u32(1).raw("a").crc()), 5);
  // A length field cut short by the CRC.
  EXPECT_EQ(rule(Build(1, 1, 1, 1).raw("\0\0"s).crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).pair("a", "1").raw("\0\0\0"s).crc()), 6);  // count 1: leftover, not a field
  // R-DECODE-9: the structure over all pairs before any key, so a bad key earlier loses to it.
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("\xFF", "v").u32(9).raw("ab").crc()), 5);
  EXPECT_EQ(rule(Build(1, 1, 1, 3).pair("b", "").pair("a", "").crc()), 5);     // unordered, then truncated
}

TEST(Decode, Rule6BytesAfterTheLastPair) {
  EXPECT_EQ(rule(Build(1, 0, 0, 0).raw("x").crc()), 6);
  EXPECT_EQ(rule(Build(1, 0, 0, 0).raw("\0\0\0\0\0\0\0\0"s).crc()), 6);  // an unannounced empty pair
  EXPECT_EQ(rule(Build(1, 1, 1, 1).pair("a", "1").pair("b", "2").crc()), 6);
  EXPECT_EQ(rule(Build(1, 1, 1, 1).pair("\xC0\x80", "").raw("z").crc()), 6);  // before a bad key
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("a", "").pair("a", "").raw("z").crc()), 6);  // before a duplicate
}

// R-DECODE-7: RFC 3629.
TEST(Decode, Rule7KeyNotUtf8) {
  for (const char* key : {"\xED\xA0\x80",       // surrogate U+D800
                          "\xED\xBF\xBF",       // surrogate U+DFFF
                          "\xC0\x80",            // overlong U+0000
                          "\xC1\xBF",            // overlong
                          "\xE0\x80\x80",       // overlong three bytes
                          "\xE0\x9F\xBF",
                          "\xF0\x80\x80\x80",  // overlong four bytes
                          "\xF0\x8F\xBF\xBF",
                          "\xF4\x90\x80\x80",  // U+110000
                          "\xF5\x80\x80\x80",
                          "\xFF", "\xFE", "\xF8\x88\x80\x80\x80",
                          "\x80",                 // stray continuation
                          "a\xBF",
                          "\xE2\x82",            // truncated
                          "\xF0\x9F\x98",
                          "\xC3",
                          "\xC3\x28",            // a lead byte followed by ASCII
                          "\xE2\x28\xA1"}) {
    EXPECT_EQ(rule(Build(1, 1, 1, 1).pair(key, "v").crc()), 7) << key;
  }
  // Well-formed edges are accepted.
  for (const char* key : {"\x7F", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80",
                          "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    EXPECT_EQ(rule(Build(1, 1, 1, 1).pair(key, "v").crc()), 0) << key;
  }
  // The key's UTF-8 before its order (R-DECODE-9): "a\xFF" is both ill-formed and below "b".
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("b", "").pair("a\xFF", "").crc()), 7);
  // The structure still before both: a third pair beyond the declared two is R-DECODE-6.
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("b", "").pair("b", "").pair("\xFF", "").crc()), 6);
  // Pair by pair: a bad key in pair 0 is found before a duplicate in pair 2.
  EXPECT_EQ(rule(Build(1, 1, 1, 3).pair("\x80", "").pair("b", "").pair("b", "").crc()), 7);
  // The value is not text: any bytes.
  EXPECT_EQ(rule(Build(1, 1, 1, 1).pair("k", "\xFF\xC0\x80").crc()), 0);
}

// R-DECODE-8, as unsigned bytes with a proper prefix first (R-DECODE-10).
TEST(Decode, Rule8KeysNotStrictlyAscending) {
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("a", "1").pair("a", "2").crc()), 8);   // duplicate
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("", "").pair("", "").crc()), 8);      // duplicate empty key
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("b", "").pair("a", "").crc()), 8);
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("ab", "").pair("a", "").crc()), 8);   // a proper prefix sorts first
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("a", "").pair("ab", "").crc()), 0);
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("", "").pair("\0"s, "").crc()), 0);
  // Unsigned: U+00E9 (C3 A9) after "z"; as signed char it would sort before ASCII.
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("z", "").pair("\xC3\xA9", "").crc()), 0);
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("\xC3\xA9", "").pair("z", "").crc()), 8);
  // UTF-8 order, not UTF-16: U+FFFD (EF BF BD) before U+1F600 (F0 9F 98 80).
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("\xEF\xBF\xBD", "").pair("\xF0\x9F\x98\x80", "").crc()), 0);
  EXPECT_EQ(rule(Build(1, 1, 1, 2).pair("\xF0\x9F\x98\x80", "").pair("\xEF\xBF\xBD", "").crc()), 8);
  // Only against the key before: a, c, b fails at pair 2.
  EXPECT_EQ(rule(Build(1, 1, 1, 3).pair("a", "").pair("c", "").pair("b", "").crc()), 8);
  try {
    decode_snapshot(Build(1, 1, 1, 3).pair("a", "").pair("c", "").pair("b", "").crc());
  } catch (const MalformedSnapshot& e) {
    EXPECT_EQ(e.rule_id(), "R-DECODE-8");
    EXPECT_EQ(e.offset(), 32u + 2 * 9);  // pair 2's key length
  }
}

// R-DECODE-12: full u64s, pairs in order, keys exactly as their bytes.
TEST(Decode, AcceptsFullFieldsAndExactKeys) {
  const DecodedSnapshot future = decode_snapshot(Build(7, 3, 7, 0).crc());  // current_term 7
  EXPECT_EQ(future.header.current_term, 7u);
  EXPECT_EQ(future.header.last_included_term, 7u);
  const DecodedSnapshot top = decode_snapshot(Build(1, kMax64, 1, 0).crc());  // index 2^64 - 1
  EXPECT_EQ(top.header.last_included_index, kMax64);
  const std::string nul("a\0b", 3);
  const std::string bom = "\xEF\xBB\xBFk";
  const DecodedSnapshot keys = decode_snapshot(Build(1, 2, 1, 4).pair("", "").pair(std::string(1, '\0'), "\0"s).pair(nul, "").pair(bom, "\xFF").crc());
  ASSERT_EQ(keys.pairs.size(), 4u);
  EXPECT_EQ(keys.pairs[0].first, "");
  EXPECT_EQ(keys.pairs[1].first, std::string(1, '\0'));
  EXPECT_EQ(keys.pairs[1].second, Bytes{0});
  EXPECT_EQ(keys.pairs[2].first, nul);              // not cut at U+0000
  EXPECT_EQ(keys.pairs[3].first, bom);              // the byte-order mark kept
  EXPECT_EQ(keys.pairs[3].second, Bytes{0xFF});
}

// Every snapshot this port writes is accepted with the fields it was encoded from (section 4.1).
TEST(Decode, RoundTripsWhatEncodeWrites) {
  std::mt19937_64 random(20261201);
  const std::vector<std::string> alphabet = {"", "a", "b", "\0"s, "\xC3\xA9", "\xEF\xBB\xBF", "\xEF\xBF\xBD", "\xF0\x9F\x98\x80", "z"};
  for (int round = 0; round < 200; ++round) {
    Store store;
    const std::size_t keys = random() % 12;
    for (std::size_t k = 0; k < keys; ++k) {
      std::string key;
      for (std::size_t c = random() % 4; c > 0; --c) key += alphabet[random() % alphabet.size()];
      Bytes value(random() % 6);
      for (auto& byte : value) byte = static_cast<std::uint8_t>(random());
      store.put(key, value);
    }
    const std::uint64_t index = round == 0 ? 0 : random();
    const SnapshotHeader header{1, index, index == 0 ? 0u : 1u};
    const DecodedSnapshot decoded = decode_snapshot(encode_snapshot(header, store.pairs()));
    EXPECT_EQ(decoded.header.current_term, header.current_term);
    EXPECT_EQ(decoded.header.last_included_index, header.last_included_index);
    EXPECT_EQ(decoded.header.last_included_term, header.last_included_term);
    ASSERT_EQ(decoded.pairs.size(), store.pairs().size());
    std::size_t i = 0;
    for (const auto& [key, value] : store.pairs()) {
      EXPECT_EQ(decoded.pairs[i].first, key);
      EXPECT_EQ(decoded.pairs[i].second, value);
      ++i;
    }
  }
}

TEST(Decode, InvalidUtf8AtNamesTheFirstBadSequence) {
  const auto at = [](const std::string& text) {
    return invalid_utf8_at(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  };
  EXPECT_EQ(at(""), std::nullopt);
  EXPECT_EQ(at("ab\xC3\xA9"), std::nullopt);
  EXPECT_EQ(at("ab\xC3"), 2u);
  EXPECT_EQ(at("\xC3\xA9\xED\xA0\x80"), 2u);
}

}  // namespace
}  // namespace rsm

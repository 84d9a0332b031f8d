// The store (R-STORE-1, R-STORE-2): get, put, delete (erase), and key order with the traps that ports fall into.
#include "store.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rsm {
namespace {

std::vector<std::string> keys_in_order(const std::vector<std::string>& keys) {
  Store store;
  for (const std::string& key : keys) store.put(key, Bytes{});
  std::vector<std::string> ordered;
  for (const auto& [key, value] : store.pairs()) ordered.push_back(key);
  return ordered;
}

TEST(Store, GetPutErase) {
  Store store;
  EXPECT_EQ(store.get("k"), nullptr);
  store.put("k", Bytes{});
  ASSERT_NE(store.get("k"), nullptr);  // R-STORE-2: an empty value is a present key
  EXPECT_TRUE(store.get("k")->empty());
  store.put("k", Bytes{1, 2});
  EXPECT_EQ(*store.get("k"), (Bytes{1, 2}));
  store.erase("missing");  // R-DELETE-1: no error
  store.erase("k");
  EXPECT_EQ(store.get("k"), nullptr);
  EXPECT_TRUE(store.pairs().empty());
}

TEST(Store, PutInAnyOrderKeepsKeyOrder) {
  Store store;
  for (const char* key : {"b", "d", "a", "d", "c", "e", "a"}) store.put(key, Bytes{static_cast<std::uint8_t>(key[0])});
  std::string keys;
  for (const auto& [key, value] : store.pairs()) keys += key;
  EXPECT_EQ(keys, "abcde");
  EXPECT_EQ(store, (Store{{"e", {'e'}}, {"a", {'a'}}, {"b", {'b'}}, {"c", {'c'}}, {"d", {'d'}}}));
}

// A restore's store, from a decoded snapshot's ascending pairs: every pair, in order, values whole.
TEST(Store, FromAscendingPairs) {
  std::vector<std::pair<std::string, Bytes>> pairs = {{"", {}}, {"a", {1}}, {"\xC3\xA9", Bytes(70000, 7)}};
  const Store store(std::move(pairs));
  EXPECT_EQ(store, (Store{{"\xC3\xA9", Bytes(70000, 7)}, {"a", {1}}, {"", {}}}));
}

TEST(KeyOrder, Utf8BytesNotUtf16CodeUnits) {
  const std::string replacement = "\xEF\xBF\xBD";    // U+FFFD
  const std::string grinning = "\xF0\x9F\x98\x80";   // U+1F600, a surrogate pair in UTF-16
  // UTF-16 order would put U+1F600 (D83D DE00) first; UTF-8 byte order, like code point order, puts it last.
  EXPECT_EQ(keys_in_order({grinning, replacement}), (std::vector<std::string>{replacement, grinning}));
}

TEST(KeyOrder, HighBytesSortAfterAscii) {
  const std::string e_acute = "\xC3\xA9";  // a signed char comparison would put this before "z"
  EXPECT_EQ(keys_in_order({e_acute, "z", "A"}), (std::vector<std::string>{"A", "z", e_acute}));
  EXPECT_TRUE(KeyLess{}("\x7F", "\x80"));
  EXPECT_FALSE(KeyLess{}("\x80", "\x7F"));
}

TEST(KeyOrder, NulIsAnOrdinaryByte) {
  const std::string nul(1, '\0');
  const std::string a_nul_b = std::string("a") + nul + "b";
  const std::string a_nul = std::string("a") + nul;
  EXPECT_EQ(keys_in_order({"ab", a_nul_b, "a", a_nul, nul, ""}),
            (std::vector<std::string>{"", nul, "a", a_nul, a_nul_b, "ab"}));
  EXPECT_EQ(a_nul_b.size(), 3u);
}

TEST(KeyOrder, ProperPrefixFirst) {
  EXPECT_TRUE(KeyLess{}("", "a"));
  EXPECT_TRUE(KeyLess{}("ab", "abc"));
  EXPECT_FALSE(KeyLess{}("abc", "ab"));
  EXPECT_FALSE(KeyLess{}("ab", "ab"));
}

TEST(KeyOrder, NumbersAsText) { EXPECT_EQ(keys_in_order({"9", "10"}), (std::vector<std::string>{"10", "9"})); }

TEST(KeyOrder, LongKeysCompareWhole) {
  const std::string long_a = std::string(70000, 'x') + "a";
  const std::string long_b = std::string(70000, 'x') + "b";
  EXPECT_EQ(keys_in_order({long_b, long_a}), (std::vector<std::string>{long_a, long_b}));
}

}  // namespace
}  // namespace rsm

// Key order (R-STORE-1): the traps that ports fall into.
#include "store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rsm {
namespace {

std::vector<std::string> keys_in_order(const std::vector<std::string>& keys) {
  Store store;
  for (const std::string& key : keys) store.emplace(key, Bytes{});
  std::vector<std::string> ordered;
  for (const auto& [key, value] : store) ordered.push_back(key);
  return ordered;
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

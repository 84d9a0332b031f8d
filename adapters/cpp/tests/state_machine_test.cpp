// Applying commands (R-PUT-1, R-DELETE-1, R-APPEND-1, R-INCR-1..3, R-CAS-1..3).
#include "state_machine.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace rsm {
namespace {

Bytes b(std::initializer_list<std::uint8_t> bytes) { return Bytes(bytes); }

// The value under `key`, or nullopt for a missing key (a present key may hold zero bytes, R-STORE-2).
std::optional<Bytes> got(const Store& store, const std::string& key) {
  const Bytes* value = store.get(key);
  return value == nullptr ? std::nullopt : std::optional<Bytes>(*value);
}

TEST(Put, SetsAndReplaces) {
  Store store;
  apply_command(store, Put{"k", b({1})});
  apply_command(store, Put{"k", b({2, 3})});
  EXPECT_EQ(got(store, "k"), b({2, 3}));
}

TEST(Put, EmptyValueIsPresent) {
  Store store;
  apply_command(store, Put{"k", {}});
  ASSERT_TRUE(got(store, "k").has_value());  // R-STORE-2
  EXPECT_TRUE(got(store, "k")->empty());
}

TEST(Delete, RemovesAndMissingIsNoop) {
  Store store{{"k", b({1})}};
  apply_command(store, Delete{"missing"});
  EXPECT_EQ(store.pairs().size(), 1u);
  apply_command(store, Delete{"k"});
  EXPECT_TRUE(store.pairs().empty());
}

TEST(Append, CreatesMissingEvenWhenEmpty) {
  Store store;
  apply_command(store, Append{"k", {}});
  ASSERT_TRUE(got(store, "k").has_value());
  EXPECT_TRUE(got(store, "k")->empty());
  apply_command(store, Append{"k", b({0x00, 0xFF})});
  apply_command(store, Append{"k", b({0x01})});
  EXPECT_EQ(got(store, "k"), b({0x00, 0xFF, 0x01}));
}

TEST(Incr, MissingKeyCountsAsZero) {
  Store store;
  apply_command(store, Incr{"k", 0});
  EXPECT_EQ(got(store, "k"), Bytes(8, 0));
  apply_command(store, Incr{"k", 258});
  EXPECT_EQ(got(store, "k"), b({0, 0, 0, 0, 0, 0, 1, 2}));
}

TEST(Incr, WrapsModTwoToTheSixtyFour) {
  Store store{{"k", Bytes(8, 0xFF)}};
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(got(store, "k"), Bytes(8, 0));
  apply_command(store, Incr{"k", 18446744073709551615ull});  // 0 + (2^64 - 1): no saturation either way
  EXPECT_EQ(got(store, "k"), Bytes(8, 0xFF));
  apply_command(store, Incr{"k", 18446744073709551615ull});
  EXPECT_EQ(got(store, "k"), b({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}));
}

TEST(Incr, DeltaAboveTwoToTheFiftyThreeIsExact) {
  Store store;
  apply_command(store, Incr{"k", 9007199254740993ull});  // 2^53 + 1, which a double rounds to 2^53
  EXPECT_EQ(got(store, "k"), b({0x00, 0x20, 0, 0, 0, 0, 0, 0x01}));
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(got(store, "k"), b({0x00, 0x20, 0, 0, 0, 0, 0, 0x02}));
}

TEST(Incr, BigEndian) {
  Store store{{"k", b({0, 0, 0, 0, 0, 0, 0, 0xFF})}};
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(got(store, "k"), b({0, 0, 0, 0, 0, 0, 1, 0}));
}

TEST(Incr, NotEightBytesIsNoop) {
  for (std::size_t size : {0u, 1u, 7u, 9u, 16u}) {
    Store store{{"k", Bytes(size, 0x07)}};
    apply_command(store, Incr{"k", 1});
    EXPECT_EQ(got(store, "k"), Bytes(size, 0x07)) << "size " << size;
  }
}

TEST(Cas, NullMatchesOnlyMissing) {
  Store store;
  apply_command(store, Cas{"k", std::nullopt, b({1})});
  EXPECT_EQ(got(store, "k"), b({1}));
  apply_command(store, Cas{"k", std::nullopt, b({2})});
  EXPECT_EQ(got(store, "k"), b({1}));
}

TEST(Cas, NullDoesNotMatchPresentEmpty) {
  Store store{{"k", {}}};
  apply_command(store, Cas{"k", std::nullopt, b({1})});
  EXPECT_TRUE(got(store, "k")->empty());
}

TEST(Cas, EmptyMatchesOnlyPresentEmpty) {
  Store store;
  apply_command(store, Cas{"k", Bytes{}, b({1})});
  EXPECT_FALSE(got(store, "k").has_value());
  store.put("k", {});
  apply_command(store, Cas{"k", Bytes{}, b({1})});
  EXPECT_EQ(got(store, "k"), b({1}));
}

TEST(Cas, ExactBytesOnly) {
  Store store{{"k", b({1, 0})}};
  apply_command(store, Cas{"k", b({1}), b({9})});         // a prefix
  apply_command(store, Cas{"k", b({1, 0, 0}), b({9})});   // longer
  apply_command(store, Cas{"k", b({1, 1}), b({9})});      // different
  EXPECT_EQ(got(store, "k"), b({1, 0}));
  apply_command(store, Cas{"k", b({1, 0}), {}});
  ASSERT_TRUE(got(store, "k").has_value());
  EXPECT_TRUE(got(store, "k")->empty());
}

}  // namespace
}  // namespace rsm

// Applying commands (R-PUT-1, R-DELETE-1, R-APPEND-1, R-INCR-1..3, R-CAS-1..3).
#include "state_machine.h"

#include <gtest/gtest.h>

#include <optional>

namespace rsm {
namespace {

Bytes b(std::initializer_list<std::uint8_t> bytes) { return Bytes(bytes); }

TEST(Put, SetsAndReplaces) {
  Store store;
  apply_command(store, Put{"k", b({1})});
  apply_command(store, Put{"k", b({2, 3})});
  EXPECT_EQ(store.at("k"), b({2, 3}));
}

TEST(Put, EmptyValueIsPresent) {
  Store store;
  apply_command(store, Put{"k", {}});
  ASSERT_EQ(store.count("k"), 1u);  // R-STORE-2
  EXPECT_TRUE(store.at("k").empty());
}

TEST(Delete, RemovesAndMissingIsNoop) {
  Store store{{"k", b({1})}};
  apply_command(store, Delete{"missing"});
  EXPECT_EQ(store.size(), 1u);
  apply_command(store, Delete{"k"});
  EXPECT_TRUE(store.empty());
}

TEST(Append, CreatesMissingEvenWhenEmpty) {
  Store store;
  apply_command(store, Append{"k", {}});
  ASSERT_EQ(store.count("k"), 1u);
  EXPECT_TRUE(store.at("k").empty());
  apply_command(store, Append{"k", b({0x00, 0xFF})});
  apply_command(store, Append{"k", b({0x01})});
  EXPECT_EQ(store.at("k"), b({0x00, 0xFF, 0x01}));
}

TEST(Incr, MissingKeyCountsAsZero) {
  Store store;
  apply_command(store, Incr{"k", 0});
  EXPECT_EQ(store.at("k"), Bytes(8, 0));
  apply_command(store, Incr{"k", 258});
  EXPECT_EQ(store.at("k"), b({0, 0, 0, 0, 0, 0, 1, 2}));
}

TEST(Incr, WrapsModTwoToTheSixtyFour) {
  Store store{{"k", Bytes(8, 0xFF)}};
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(store.at("k"), Bytes(8, 0));
  apply_command(store, Incr{"k", 18446744073709551615ull});  // 0 + (2^64 - 1): no saturation either way
  EXPECT_EQ(store.at("k"), Bytes(8, 0xFF));
  apply_command(store, Incr{"k", 18446744073709551615ull});
  EXPECT_EQ(store.at("k"), b({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}));
}

TEST(Incr, DeltaAboveTwoToTheFiftyThreeIsExact) {
  Store store;
  apply_command(store, Incr{"k", 9007199254740993ull});  // 2^53 + 1, which a double rounds to 2^53
  EXPECT_EQ(store.at("k"), b({0x00, 0x20, 0, 0, 0, 0, 0, 0x01}));
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(store.at("k"), b({0x00, 0x20, 0, 0, 0, 0, 0, 0x02}));
}

TEST(Incr, BigEndian) {
  Store store{{"k", b({0, 0, 0, 0, 0, 0, 0, 0xFF})}};
  apply_command(store, Incr{"k", 1});
  EXPECT_EQ(store.at("k"), b({0, 0, 0, 0, 0, 0, 1, 0}));
}

TEST(Incr, NotEightBytesIsNoop) {
  for (std::size_t size : {0u, 1u, 7u, 9u, 16u}) {
    Store store{{"k", Bytes(size, 0x07)}};
    apply_command(store, Incr{"k", 1});
    EXPECT_EQ(store.at("k"), Bytes(size, 0x07)) << "size " << size;
  }
}

TEST(Cas, NullMatchesOnlyMissing) {
  Store store;
  apply_command(store, Cas{"k", std::nullopt, b({1})});
  EXPECT_EQ(store.at("k"), b({1}));
  apply_command(store, Cas{"k", std::nullopt, b({2})});
  EXPECT_EQ(store.at("k"), b({1}));
}

TEST(Cas, NullDoesNotMatchPresentEmpty) {
  Store store{{"k", {}}};
  apply_command(store, Cas{"k", std::nullopt, b({1})});
  EXPECT_TRUE(store.at("k").empty());
}

TEST(Cas, EmptyMatchesOnlyPresentEmpty) {
  Store store;
  apply_command(store, Cas{"k", Bytes{}, b({1})});
  EXPECT_EQ(store.count("k"), 0u);
  store["k"] = {};
  apply_command(store, Cas{"k", Bytes{}, b({1})});
  EXPECT_EQ(store.at("k"), b({1}));
}

TEST(Cas, ExactBytesOnly) {
  Store store{{"k", b({1, 0})}};
  apply_command(store, Cas{"k", b({1}), b({9})});         // a prefix
  apply_command(store, Cas{"k", b({1, 0, 0}), b({9})});   // longer
  apply_command(store, Cas{"k", b({1, 1}), b({9})});      // different
  EXPECT_EQ(store.at("k"), b({1, 0}));
  apply_command(store, Cas{"k", b({1, 0}), {}});
  ASSERT_EQ(store.count("k"), 1u);
  EXPECT_TRUE(store.at("k").empty());
}

}  // namespace
}  // namespace rsm

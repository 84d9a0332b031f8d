// CRC-32C (R-WIRE-7).
#include "crc32c.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace rsm {
namespace {

std::uint32_t crc_of(std::string_view text) {
  return crc32c(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

TEST(Crc32c, CheckValueFromSpec) { EXPECT_EQ(crc_of("123456789"), 0xE3069283u); }

TEST(Crc32c, EmptyInputIsZero) { EXPECT_EQ(crc32c(nullptr, 0), 0u); }

// Half of all CRCs have the top bit set; the type is unsigned so no sign can reach the written bytes.
TEST(Crc32c, TopBitSetStaysUnsigned) {
  const std::uint32_t crc = crc_of("123456789");
  EXPECT_GE(crc, 0x80000000u);
}

// The definition, one bit at a time (R-WIRE-7), against which the table-driven version is checked.
std::uint32_t bitwise_crc32c(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
  }
  return crc ^ 0xFFFFFFFFu;
}

// crc32c takes eight bytes at a time and the rest one by one: every length and start offset around those
// boundaries must give the bitwise result.
TEST(Crc32c, EveryLengthAndOffsetMatchesTheBitwiseDefinition) {
  std::vector<std::uint8_t> bytes(300);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 131 + 7);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t size = 0; offset + size <= bytes.size(); ++size) {
      ASSERT_EQ(crc32c(bytes.data() + offset, size), bitwise_crc32c(bytes.data() + offset, size)) << offset << " " << size;
    }
  }
}

}  // namespace
}  // namespace rsm

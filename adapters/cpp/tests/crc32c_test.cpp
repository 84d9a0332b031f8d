// CRC-32C (R-WIRE-7).
#include "crc32c.h"

#include <gtest/gtest.h>

#include <string_view>

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

}  // namespace
}  // namespace rsm

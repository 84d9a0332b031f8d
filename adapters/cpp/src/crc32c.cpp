#include "crc32c.h"

#include <array>

namespace rsm {
namespace {

// R-WIRE-7: written out here rather than taken from a library, so that the polynomial, the reflection and
// the final XOR are visible in one place and cannot differ between machines.
constexpr std::uint32_t kPolynomial = 0x82F63B78u;

// Slicing-by-8: kTables[0] is the classic byte-at-a-time table, and kTables[k][b] is the CRC register after
// byte b followed by k zero bytes, so that eight table lookups, independent of each other, consume eight
// input bytes at once. Byte at a time, the one dependent lookup per byte made the CRC more than half the
// cost of encoding a snapshot.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables tables{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) != 0 ? (crc >> 1) ^ kPolynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < tables.size(); ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFFu];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

// The CRC is reflected, so the register takes input bytes least significant first: four bytes read as a
// little-endian u32, assembled byte by byte so that the host's byte order never matters.
std::uint32_t load_le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

std::uint32_t crc32c(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (; size >= 8; data += 8, size -= 8) {
    const std::uint32_t low = crc ^ load_le32(data);
    const std::uint32_t high = load_le32(data + 4);
    crc = kTables[7][low & 0xFFu] ^ kTables[6][(low >> 8) & 0xFFu] ^ kTables[5][(low >> 16) & 0xFFu] ^ kTables[4][low >> 24] ^
          kTables[3][high & 0xFFu] ^ kTables[2][(high >> 8) & 0xFFu] ^ kTables[1][(high >> 16) & 0xFFu] ^ kTables[0][high >> 24];
  }
  for (; size > 0; ++data, --size) crc = (crc >> 8) ^ kTables[0][(crc ^ *data) & 0xFFu];
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace rsm

// CRC-32C, the checksum that closes every snapshot (SPEC.md R-WIRE-7).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rsm {

// The Castagnoli CRC: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF. Returned as
// an unsigned 32-bit value so that no sign ever reaches the big-endian bytes it is written as.
std::uint32_t crc32c(const std::uint8_t* data, std::size_t size);

}  // namespace rsm

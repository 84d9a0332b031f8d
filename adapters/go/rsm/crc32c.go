package rsm

import "hash/crc32"

// castagnoli is the CRC-32C table of R-WIRE-7 (reflected polynomial
// 0x82F63B78); the IEEE table would give a different, wrong checksum.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32c is CRC-32C (R-WIRE-7): initial value and final XOR 0xFFFFFFFF, input
// and output reflected, which is what hash/crc32 computes (with the CPU's
// CRC32 instruction where there is one). It is a uint32, so there is no sign
// to get wrong when it is written.
func crc32c(b []byte) uint32 {
	return crc32.Checksum(b, castagnoli)
}

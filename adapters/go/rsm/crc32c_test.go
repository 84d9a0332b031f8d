package rsm

import "testing"

// R-WIRE-7 check value.
func TestCRC32CCheckValue(t *testing.T) {
	if got := crc32c([]byte("123456789")); got != 0xE3069283 {
		t.Fatalf("CRC-32C(123456789) = %08x, want e3069283", got)
	}
}

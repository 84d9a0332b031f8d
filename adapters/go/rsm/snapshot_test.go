package rsm

import (
	"bytes"
	"encoding/hex"
	"hash/crc32"
	"strings"
	"testing"
)

// R-WIRE-7 check value.
func TestCRC32CCheckValue(t *testing.T) {
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xE3069283 {
		t.Fatalf("CRC-32C(123456789) = %08x, want e3069283", got)
	}
}

// The worked examples of section 4, byte for byte.
func TestSnapshotWorkedExamples(t *testing.T) {
	empty := EncodeSnapshot(1, 0, NewStore())
	if got, want := hex.EncodeToString(empty), "524b563100000000000000010000000000000000000000000000000000000000045540e9"; got != want {
		t.Errorf("empty snapshot\n got %s\nwant %s", got, want)
	}
	s := NewStore()
	s.Set("b", []byte{0x00, 0xff})
	s.Set("a", []byte{0x31})
	got := hex.EncodeToString(EncodeSnapshot(1, 2, s))
	want := "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c"
	if got != want {
		t.Errorf("two-pair snapshot\n got %s\nwant %s", got, want)
	}
}

// R-WIRE-6, R-WIRE-8: 4-byte length prefixes in UTF-8 bytes, keys with NUL,
// empty keys and keys above 65,535 bytes; the decoder round-trips them.
func TestSnapshotRoundTrip(t *testing.T) {
	long := strings.Repeat("\u00e9", 40000) // 80,000 UTF-8 bytes, 40,000 UTF-16 units
	s := NewStore()
	s.Set(long, []byte("L"))
	s.Set("", []byte{})
	s.Set("a\x00b", []byte{0})
	s.Set("\U0001F600", bytes.Repeat([]byte{7}, 70000))
	b := EncodeSnapshot(1, 9, s)
	snap, err := DecodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	if snap.CurrentTerm != 1 || snap.LastIncludedIndex != 9 || snap.LastIncludedTerm != 1 {
		t.Fatalf("header %+v", snap)
	}
	wantKeys := []string{"", "a\x00b", long, "\U0001F600"}
	if len(snap.Pairs) != len(wantKeys) {
		t.Fatalf("%d pairs", len(snap.Pairs))
	}
	for i, k := range wantKeys {
		v, _ := s.Get(k)
		if snap.Pairs[i].Key != k || !bytes.Equal(snap.Pairs[i].Value, v) {
			t.Fatalf("pair %d: key %.20q", i, snap.Pairs[i].Key)
		}
	}
	// The long key's prefix is its byte length, 80,000 = 0x00013880.
	if !bytes.Contains(b, []byte{0x00, 0x01, 0x38, 0x80, 0xc3, 0xa9}) {
		t.Fatal("long key length prefix is not the 4-byte UTF-8 byte length")
	}
	b[len(b)-1] ^= 1
	if _, err := DecodeSnapshot(b); err == nil {
		t.Fatal("corrupt crc accepted")
	}
}

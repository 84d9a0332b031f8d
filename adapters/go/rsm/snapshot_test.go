package rsm

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// The worked examples of section 4, byte for byte.
func TestSnapshotWorkedExamples(t *testing.T) {
	empty := EncodeSnapshot(SnapshotHeader{CurrentTerm: 1}, NewStore())
	if got, want := hex.EncodeToString(empty), "524b563100000000000000010000000000000000000000000000000000000000045540e9"; got != want {
		t.Errorf("empty snapshot\n got %s\nwant %s", got, want)
	}
	s := NewStore()
	s.Put("b", []byte{0x00, 0xff})
	s.Put("a", []byte{0x31})
	got := hex.EncodeToString(EncodeSnapshot(SnapshotHeader{CurrentTerm: 1, LastIncludedIndex: 2, LastIncludedTerm: 1}, s))
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
	s.Put(long, []byte("L"))
	s.Put("", []byte{})
	s.Put("a\x00b", []byte{0})
	s.Put("\U0001F600", bytes.Repeat([]byte{7}, 70000))
	b := EncodeSnapshot(SnapshotHeader{CurrentTerm: 1, LastIncludedIndex: 9, LastIncludedTerm: 1}, s)
	h, pairs, err := DecodeSnapshot(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.CurrentTerm != 1 || h.LastIncludedIndex != 9 || h.LastIncludedTerm != 1 {
		t.Fatalf("header %+v", h)
	}
	wantKeys := []string{"", "a\x00b", long, "\U0001F600"}
	if len(pairs) != len(wantKeys) {
		t.Fatalf("%d pairs", len(pairs))
	}
	for i, k := range wantKeys {
		v, _ := s.Get(k)
		if pairs[i].Key != k || !bytes.Equal(pairs[i].Value, v) {
			t.Fatalf("pair %d: key %.20q", i, pairs[i].Key)
		}
	}
	// The long key's prefix is its byte length, 80,000 = 0x00013880.
	if !bytes.Contains(b, []byte{0x00, 0x01, 0x38, 0x80, 0xc3, 0xa9}) {
		t.Fatal("long key length prefix is not the 4-byte UTF-8 byte length")
	}
	b[len(b)-1] ^= 1
	if _, _, err := DecodeSnapshot(b); err == nil {
		t.Fatal("corrupt crc accepted")
	}
}

package rsm

import (
	"slices"
	"testing"
)

// R-STORE-1: UTF-8 byte order, not UTF-16 code-unit order. UTF-16 puts the
// astral U+1F600 (surrogates D83D DE00) before U+FFFD; UTF-8 puts it after
// (F0 9F 98 80 > EF BF BD). Bytes >= 0x80 sort after ASCII (unsigned), a
// proper prefix sorts first, and "9" before "10" is not numeric order.
func TestSortedPairsUTF8ByteOrder(t *testing.T) {
	s := NewStore()
	for _, k := range []string{"\U0001F600", "\uFFFD", "\u00e9", "z", "ab", "a", "", "\x00", "10", "9", "__proto__", "\uE000"} {
		s.Put(k, []byte{1})
	}
	want := []string{"", "\x00", "10", "9", "__proto__", "a", "ab", "z", "\u00e9", "\uE000", "\uFFFD", "\U0001F600"}
	var got []string
	for _, p := range s.Pairs() {
		got = append(got, p.Key)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("SortedPairs keys = %q, want %q", got, want)
	}
}

// R-STORE-2: an empty value is a present key.
func TestEmptyValueIsPresent(t *testing.T) {
	s := NewStore()
	s.Put("k", nil)
	if v, ok := s.Get("k"); !ok || len(v) != 0 {
		t.Fatalf("Get = %v, %v; want empty, present", v, ok)
	}
	if s.Len() != 1 {
		t.Fatalf("Len = %d, want 1", s.Len())
	}
}

// Shared values must never be written through: a clone and its original, and
// two stores that took the same command bytes, grow independently.
func TestAppendDoesNotLeakAcrossStores(t *testing.T) {
	a := NewStore()
	a.Append("k", []byte("x"))
	for i := 0; i < 5; i++ {
		a.Append("k", []byte("y")) // leaves spare capacity
	}
	b := a.Clone()
	a.Append("k", []byte("A"))
	b.Append("k", []byte("B"))
	va, _ := a.Get("k")
	vb, _ := b.Get("k")
	if string(va) != "xyyyyyA" || string(vb) != "xyyyyyB" {
		t.Fatalf("a=%q b=%q", va, vb)
	}

	shared := make([]byte, 1, 16)
	shared[0] = 'v'
	c, d := NewStore(), NewStore()
	c.Put("k", shared)
	d.Put("k", shared)
	c.Append("k", []byte("C"))
	d.Append("k", []byte("D"))
	vc, _ := c.Get("k")
	vd, _ := d.Get("k")
	if string(vc) != "vC" || string(vd) != "vD" {
		t.Fatalf("c=%q d=%q", vc, vd)
	}
}

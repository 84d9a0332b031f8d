package rsm

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func get(t *testing.T, s *Store, key string) ([]byte, bool) {
	t.Helper()
	return s.Get(key)
}

func u64(h string) []byte {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	return b
}

func TestPutDeleteAppend(t *testing.T) {
	s := NewStore()
	ApplyCommand(s, &Command{Op: OpPut, Key: "a", Value: []byte("1")})
	ApplyCommand(s, &Command{Op: OpAppend, Key: "a", Value: []byte("23")})
	ApplyCommand(s, &Command{Op: OpDelete, Key: "missing"}) // R-DELETE-1: no-op
	// R-APPEND-1: an empty append still creates the key.
	ApplyCommand(s, &Command{Op: OpAppend, Key: "e", Value: []byte{}})
	if v, ok := get(t, s, "a"); !ok || string(v) != "123" {
		t.Fatalf("a = %q, %v", v, ok)
	}
	if v, ok := get(t, s, "e"); !ok || len(v) != 0 {
		t.Fatalf("e = %q, %v; want present and empty", v, ok)
	}
	ApplyCommand(s, &Command{Op: OpDelete, Key: "a"})
	if _, ok := get(t, s, "a"); ok {
		t.Fatal("a still present after delete")
	}
}

func TestIncr(t *testing.T) {
	cases := []struct {
		name    string
		initial []byte // nil: missing
		delta   uint64
		want    []byte // nil: missing after
	}{
		// R-INCR-1: missing counts as 0, so delta 0 creates 8 zero bytes.
		{"missing delta 0", nil, 0, u64("0000000000000000")},
		{"missing", nil, 5, u64("0000000000000005")},
		// R-INCR-2: wraps at 2^64.
		{"wrap", u64("ffffffffffffffff"), 1, u64("0000000000000000")},
		{"wrap max+max", u64("ffffffffffffffff"), 18446744073709551615, u64("fffffffffffffffe")},
		// Above 2^53 a float would have rounded 2^53+1 to 2^53.
		{"above 2^53", nil, 9007199254740993, u64("0020000000000001")},
		{"big endian", u64("00000000000000ff"), 1, u64("0000000000000100")},
		// R-INCR-3: any other length is left alone.
		{"empty value", []byte{}, 1, []byte{}},
		{"7 bytes", u64("00000000000000"), 1, u64("00000000000000")},
		{"9 bytes", u64("000000000000000000"), 1, u64("000000000000000000")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore()
			if tc.initial != nil {
				s.Put("k", tc.initial)
			}
			ApplyCommand(s, &Command{Op: OpIncr, Key: "k", Delta: tc.delta})
			v, ok := s.Get("k")
			if !ok || !bytes.Equal(v, tc.want) {
				t.Fatalf("k = %x, %v; want %x", v, ok, tc.want)
			}
		})
	}
}

func TestCas(t *testing.T) {
	cases := []struct {
		name     string
		initial  []byte // nil: missing
		expected []byte // nil: null
		swapped  bool
	}{
		// R-CAS-1, R-CAS-2
		{"null on missing", nil, nil, true},
		{"null on empty", []byte{}, nil, false},
		{"null on present", []byte("x"), nil, false},
		{"empty on missing", nil, []byte{}, false},
		{"empty on empty", []byte{}, []byte{}, true},
		{"bytes match", []byte("x"), []byte("x"), true},
		{"bytes differ", []byte("x"), []byte("y"), false},
		{"prefix differs", []byte("xy"), []byte("x"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore()
			if tc.initial != nil {
				s.Put("k", tc.initial)
			}
			c := &Command{Op: OpCas, Key: "k", Value: []byte("new"), Expected: tc.expected, ExpectedNull: tc.expected == nil}
			ApplyCommand(s, c)
			v, ok := s.Get("k")
			swapped := ok && string(v) == "new"
			if swapped != tc.swapped {
				t.Fatalf("swapped = %v, want %v (k = %q, %v)", swapped, tc.swapped, v, ok)
			}
			// R-CAS-3: a failed cas leaves the key exactly as it was.
			if !tc.swapped && (ok != (tc.initial != nil) || !bytes.Equal(v, tc.initial)) {
				t.Fatalf("k changed to %q, %v", v, ok)
			}
		})
	}
}

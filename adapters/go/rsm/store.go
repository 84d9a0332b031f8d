package rsm

import (
	"slices"
)

// Store is one node's key/value store (SPEC section 1.1).
//
// Values are byte slices whose backing arrays may be shared: put, cas and a
// fresh append store the command's own bytes, and Clone shares every value
// with the original. Sharing is safe because every shared slice is clipped
// (cap == len), so the in-place growth in Append always reallocates before it
// could write into memory another store or the log can see.
type Store struct {
	m map[string][]byte
}

// NewStore returns an empty store (R-CLUSTER-3).
func NewStore() *Store {
	return &Store{m: make(map[string][]byte)}
}

// Get returns the value of key and whether the key is present. A present key
// may hold zero bytes (R-STORE-2), so callers must use the boolean, not the
// slice, to tell missing from empty.
func (s *Store) Get(key string) ([]byte, bool) {
	v, ok := s.m[key]
	return v, ok
}

// Put stores value under key. The slice is clipped because it may be shared
// with the log or another store.
func (s *Store) Put(key string, value []byte) {
	if value == nil {
		// R-STORE-2: an empty value is present, so it must not look like a
		// missing key to anything that inspects the slice.
		value = []byte{}
	}
	s.m[key] = slices.Clip(value)
}

// Delete removes key; a missing key is a no-op (R-DELETE-1).
func (s *Store) Delete(key string) {
	delete(s.m, key)
}

// Pairs returns the pairs in snapshot order. The values are the
// store's own; callers must not modify them. Pair is snapshot.go's (see
// there).
func (s *Store) Pairs() []Pair {
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	// R-STORE-1: keys are ordered by their UTF-8 bytes compared as unsigned
	// bytes. Go strings hold UTF-8 and their < is exactly that byte-wise
	// unsigned comparison (a proper prefix first), unlike the UTF-16 order of
	// JavaScript. Map iteration order is random, which is why the keys are
	// sorted explicitly before anything is serialised. Sorting the keys alone
	// (slices.Sort, no comparison callback) is what a snapshot or a
	// compaction of a large store spends its time on, so it is kept lean.
	slices.Sort(keys)
	pairs := make([]Pair, len(keys))
	for i, k := range keys {
		pairs[i] = Pair{k, s.m[k]}
	}
	return pairs
}

// Append appends suffix to the value of key, creating the key when it is
// missing (R-APPEND-1). Growth is amortised: a value this store grew itself
// has spare capacity that no other store can see, so repeated appends to one
// key do not copy the value each time.
func (s *Store) Append(key string, suffix []byte) {
	cur, ok := s.m[key]
	if !ok {
		s.Put(key, suffix)
		return
	}
	s.m[key] = append(cur, suffix...)
}

// Len is the number of keys, the snapshot's pair count (R-WIRE-5).
func (s *Store) Len() int {
	return len(s.m)
}

// Clone returns an independent store with the same contents. Values are
// shared, clipped, so that neither store's later appends can reach the other.
func (s *Store) Clone() *Store {
	m := make(map[string][]byte, len(s.m))
	for k, v := range s.m {
		m[k] = slices.Clip(v)
	}
	return &Store{m: m}
}

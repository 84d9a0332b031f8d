package rsm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// magic is R-WIRE-1.
var magic = [4]byte{'R', 'K', 'V', '1'}

// castagnoli is the CRC-32C table of R-WIRE-7 (reflected polynomial
// 0x82F63B78); the IEEE table would give a different, wrong checksum.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	headerSize = 4 + 8 + 8 + 8 + 4
	crcSize    = 4
)

// EncodeSnapshot returns the snapshot bytes of section 4 for a node with the
// given current_term, last_applied and store. The size is computed first so
// the bytes are written in one pass into one allocation.
func EncodeSnapshot(currentTerm, lastApplied uint64, s *Store) []byte {
	pairs := s.SortedPairs()
	size := headerSize + crcSize
	for _, p := range pairs {
		size += 4 + len(p.Key) + 4 + len(p.Value)
	}
	buf := make([]byte, 0, size)
	buf = append(buf, magic[:]...)
	// R-WIRE-2
	buf = binary.BigEndian.AppendUint64(buf, currentTerm)
	// R-WIRE-3
	buf = binary.BigEndian.AppendUint64(buf, lastApplied)
	// R-WIRE-4: every entry has term 1 (R-LOG-1); there is no entry 0.
	var lastIncludedTerm uint64
	if lastApplied > 0 {
		lastIncludedTerm = 1
	}
	buf = binary.BigEndian.AppendUint64(buf, lastIncludedTerm)
	// R-WIRE-5
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(pairs)))
	for _, p := range pairs {
		k, v := p.Key, p.Value
		// R-WIRE-6, R-WIRE-8: lengths are UTF-8 byte lengths, and len of a Go
		// string is its UTF-8 byte length; the prefix is 4 bytes whatever the
		// size, so keys above 65,535 bytes and keys holding NUL need nothing
		// special.
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(k)))
		buf = append(buf, k...)
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)))
		buf = append(buf, v...)
	}
	// R-WIRE-7: CRC-32C of every byte before it, written as an unsigned
	// big-endian u32 (Go's uint32 has no sign to get wrong).
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
	return buf
}

// Snapshot is a decoded snapshot, for tests and diagnostics.
type Snapshot struct {
	CurrentTerm       uint64
	LastIncludedIndex uint64
	LastIncludedTerm  uint64
	Pairs             []Pair
}

// errShortSnapshot is returned for a snapshot that ends inside a field.
var errShortSnapshot = errors.New("snapshot: truncated")

// DecodeSnapshot parses and checks snapshot bytes: magic, CRC, lengths, key
// order and trailing bytes.
func DecodeSnapshot(b []byte) (*Snapshot, error) {
	if len(b) < headerSize+crcSize {
		return nil, errShortSnapshot
	}
	if [4]byte(b[:4]) != magic {
		return nil, fmt.Errorf("snapshot: bad magic %x (R-WIRE-1)", b[:4])
	}
	body, crc := b[:len(b)-crcSize], binary.BigEndian.Uint32(b[len(b)-crcSize:])
	if got := crc32.Checksum(body, castagnoli); got != crc {
		return nil, fmt.Errorf("snapshot: crc %08x, computed %08x (R-WIRE-7)", crc, got)
	}
	snap := &Snapshot{
		CurrentTerm:       binary.BigEndian.Uint64(body[4:]),
		LastIncludedIndex: binary.BigEndian.Uint64(body[12:]),
		LastIncludedTerm:  binary.BigEndian.Uint64(body[20:]),
	}
	count := binary.BigEndian.Uint32(body[28:])
	rest := body[headerSize:]
	next := func() ([]byte, error) {
		if len(rest) < 4 {
			return nil, errShortSnapshot
		}
		n := uint64(binary.BigEndian.Uint32(rest))
		if n > math.MaxInt || uint64(len(rest)-4) < n {
			return nil, errShortSnapshot
		}
		field := rest[4 : 4+n]
		rest = rest[4+n:]
		return field, nil
	}
	for i := uint32(0); i < count; i++ {
		k, err := next()
		if err != nil {
			return nil, err
		}
		v, err := next()
		if err != nil {
			return nil, err
		}
		if len(snap.Pairs) > 0 && snap.Pairs[len(snap.Pairs)-1].Key >= string(k) {
			return nil, fmt.Errorf("snapshot: key %q out of order (R-WIRE-6)", k)
		}
		snap.Pairs = append(snap.Pairs, Pair{Key: string(k), Value: v})
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("snapshot: %d trailing bytes before the crc", len(rest))
	}
	return snap, nil
}

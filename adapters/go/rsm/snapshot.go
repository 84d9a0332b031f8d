package rsm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// magic is R-WIRE-1.
var magic = [4]byte{'R', 'K', 'V', '1'}

const (
	headerSize = 4 + 8 + 8 + 8 + 4
	crcSize    = 4
)

// SnapshotHeader is the fixed fields of a snapshot (section 4): a node's
// current_term (R-WIRE-2), its last_applied (R-WIRE-3) and the term of that
// entry, 0 when there is none (R-WIRE-4).
type SnapshotHeader struct {
	CurrentTerm       uint64
	LastIncludedIndex uint64
	LastIncludedTerm  uint64
}

// EncodeSnapshot returns the snapshot bytes of section 4 for a header and a
// store. The size is computed first so the bytes are written in one pass into
// one allocation.
func EncodeSnapshot(h SnapshotHeader, s *Store) []byte {
	pairs := s.Pairs()
	size := headerSize + crcSize
	for _, p := range pairs {
		size += 4 + len(p.Key) + 4 + len(p.Value)
	}
	buf := make([]byte, 0, size)
	buf = append(buf, magic[:]...)
	// R-WIRE-2, R-WIRE-3, R-WIRE-4
	buf = binary.BigEndian.AppendUint64(buf, h.CurrentTerm)
	buf = binary.BigEndian.AppendUint64(buf, h.LastIncludedIndex)
	buf = binary.BigEndian.AppendUint64(buf, h.LastIncludedTerm)
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
	buf = binary.BigEndian.AppendUint32(buf, crc32c(buf))
	return buf
}

// errShortSnapshot is returned for a snapshot that ends inside a field.
var errShortSnapshot = errors.New("snapshot: truncated")

// DecodeSnapshot parses and checks snapshot bytes: magic, CRC, lengths, key
// order and trailing bytes. It is for tests and diagnostics.
func DecodeSnapshot(b []byte) (SnapshotHeader, []Pair, error) {
	var h SnapshotHeader
	if len(b) < headerSize+crcSize {
		return h, nil, errShortSnapshot
	}
	if [4]byte(b[:4]) != magic {
		return h, nil, fmt.Errorf("snapshot: bad magic %x (R-WIRE-1)", b[:4])
	}
	body, crc := b[:len(b)-crcSize], binary.BigEndian.Uint32(b[len(b)-crcSize:])
	if got := crc32c(body); got != crc {
		return h, nil, fmt.Errorf("snapshot: crc %08x, computed %08x (R-WIRE-7)", crc, got)
	}
	h = SnapshotHeader{
		CurrentTerm:       binary.BigEndian.Uint64(body[4:]),
		LastIncludedIndex: binary.BigEndian.Uint64(body[12:]),
		LastIncludedTerm:  binary.BigEndian.Uint64(body[20:]),
	}
	var pairs []Pair
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
			return h, nil, err
		}
		v, err := next()
		if err != nil {
			return h, nil, err
		}
		if len(pairs) > 0 && pairs[len(pairs)-1].Key >= string(k) {
			return h, nil, fmt.Errorf("snapshot: key %q out of order (R-WIRE-6)", k)
		}
		pairs = append(pairs, Pair{Key: string(k), Value: v})
	}
	if len(rest) != 0 {
		return h, nil, fmt.Errorf("snapshot: %d trailing bytes before the crc", len(rest))
	}
	return h, pairs, nil
}

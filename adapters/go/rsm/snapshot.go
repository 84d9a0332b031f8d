package rsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"unicode/utf8"
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

// Pair is one key and its value, as a snapshot holds them (R-WIRE-6). It is
// declared here, and the encoder takes pairs rather than a Store, because
// snapshot.go sits below store.go in the file map of adapters/README.md and
// uses nothing above it (layers_test.go).
type Pair struct {
	Key   string
	Value []byte
}

// EncodeSnapshot returns the snapshot bytes of section 4 for a header and
// pairs, which must be in store order (R-STORE-1), as Store.Pairs gives them.
// The size is computed first so the bytes are written in one pass into one
// allocation.
func EncodeSnapshot(h SnapshotHeader, pairs []Pair) []byte {
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

// DecodeError is a rejection of section 4.1: the one rule of the R-DECODE
// table that B breaks first, and the byte offset at which the check failed.
type DecodeError struct {
	Rule   string // "R-DECODE-1" .. "R-DECODE-8"
	Offset int
	Detail string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s at byte %d: %s", e.Rule, e.Offset, e.Detail)
}

func reject(rule string, offset int, format string, args ...any) *DecodeError {
	return &DecodeError{Rule: rule, Offset: offset, Detail: fmt.Sprintf(format, args...)}
}

// DecodeSnapshot accepts or rejects snapshot bytes b (section 4.1). The checks
// run in the order of the R-DECODE table and R-DECODE-9: length, magic, CRC,
// header, then the structure over all pairs, then each key's UTF-8 and its
// order against the one before. The error, when there is one, is a
// *DecodeError.
//
// Every declared length is compared with the bytes that remain before
// anything is read or allocated, as uint64 so that no length of 2^31 or more
// turns negative (R-DECODE-11). The pair count is never used to size
// anything until the structure pass has proven that many pairs are there;
// each pair takes at least 8 bytes, so that pass ends within len(b)/8 pairs
// whatever the count says. Keys are copied (a Go string); values alias b.
func DecodeSnapshot(b []byte) (SnapshotHeader, []Pair, error) {
	var h SnapshotHeader
	// R-DECODE-1: magic, three u64s, the pair count and the CRC.
	if len(b) < headerSize+crcSize {
		return h, nil, reject("R-DECODE-1", len(b), "%d bytes, fewer than %d", len(b), headerSize+crcSize)
	}
	// R-DECODE-2
	if [4]byte(b[:4]) != magic {
		return h, nil, reject("R-DECODE-2", 0, "magic %x is not RKV1", b[:4])
	}
	// R-DECODE-3: the CRC covers every byte before it, header and pairs.
	end := len(b) - crcSize // where the CRC starts
	if want, got := binary.BigEndian.Uint32(b[end:]), crc32c(b[:end]); want != got {
		return h, nil, reject("R-DECODE-3", end, "crc %08x, computed %08x", want, got)
	}
	h = SnapshotHeader{
		CurrentTerm:       binary.BigEndian.Uint64(b[4:]),
		LastIncludedIndex: binary.BigEndian.Uint64(b[12:]),
		LastIncludedTerm:  binary.BigEndian.Uint64(b[20:]),
	}
	// R-DECODE-4, comparing terms as uint64 (R-DECODE-10). Any other value
	// is accepted (R-DECODE-12): current_term 7, index 2^64-1.
	switch {
	case h.CurrentTerm == 0:
		return h, nil, reject("R-DECODE-4", 4, "current_term is 0")
	case h.LastIncludedTerm > h.CurrentTerm:
		return h, nil, reject("R-DECODE-4", 20, "last_included_term %d > current_term %d", h.LastIncludedTerm, h.CurrentTerm)
	case (h.LastIncludedIndex == 0) != (h.LastIncludedTerm == 0):
		return h, nil, reject("R-DECODE-4", 12, "last_included_index %d with last_included_term %d", h.LastIncludedIndex, h.LastIncludedTerm)
	}
	count := binary.BigEndian.Uint32(b[28:])

	// R-DECODE-5, R-DECODE-6: the structure over all pairs, before any key
	// is looked at (R-DECODE-9). field reports whether a length prefix and
	// the bytes it declares fit before the CRC, and where they end.
	field := func(off int, what string, i uint32) (int, *DecodeError) {
		if end-off < 4 {
			return 0, reject("R-DECODE-5", off, "pair %d: %s length needs 4 bytes, %d remain before the crc", i, what, end-off)
		}
		n := uint64(binary.BigEndian.Uint32(b[off:]))
		off += 4
		if n > uint64(end-off) {
			return 0, reject("R-DECODE-5", off, "pair %d: %s of %d bytes, %d remain before the crc", i, what, n, end-off)
		}
		return off + int(n), nil
	}
	off := headerSize
	for i := uint32(0); i < count; i++ {
		var err *DecodeError
		if off, err = field(off, "key", i); err != nil {
			return h, nil, err
		}
		if off, err = field(off, "value", i); err != nil {
			return h, nil, err
		}
	}
	if off != end {
		return h, nil, reject("R-DECODE-6", off, "%d bytes remain after %d pairs", end-off, count)
	}

	// R-DECODE-7, R-DECODE-8, pair by pair: the structure is proven, so
	// every length below is in bounds and count pairs are really there.
	pairs := make([]Pair, 0, count)
	var prev []byte
	off = headerSize
	for i := uint32(0); i < count; i++ {
		kn := int(binary.BigEndian.Uint32(b[off:]))
		key := b[off+4 : off+4+kn]
		// Go's utf8.Valid is RFC 3629: it rejects overlong forms, surrogates,
		// code points above U+10FFFF, truncated sequences and stray
		// continuation bytes.
		if !utf8.Valid(key) {
			return h, nil, reject("R-DECODE-7", off+4, "pair %d: key is not well-formed UTF-8", i)
		}
		// R-DECODE-10: bytes.Compare is memcmp, a proper prefix first.
		if i > 0 && bytes.Compare(prev, key) >= 0 {
			return h, nil, reject("R-DECODE-8", off+4, "pair %d: key is not greater than the key before it", i)
		}
		off += 4 + kn
		vn := int(binary.BigEndian.Uint32(b[off:]))
		off += 4
		// R-DECODE-12: the key is its bytes as they are, no BOM stripped and
		// nothing cut at NUL.
		pairs = append(pairs, Pair{Key: string(key), Value: b[off : off+vn : off+vn]})
		off += vn
		prev = key
	}
	return h, pairs, nil
}

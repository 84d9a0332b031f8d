package rsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Op names a step's operation, spelled as on the wire (R-SCEN-3).
type Op string

// Client commands (section 2.1), in schema order.
const (
	OpPut    Op = "put"
	OpDelete Op = "delete"
	OpAppend Op = "append"
	OpIncr   Op = "incr"
	OpCas    Op = "cas"
)

// Cluster events (section 2.2), in schema order.
const (
	OpPartition Op = "partition"
	OpCrash     Op = "crash"
	OpRestart   Op = "restart"
	OpHeal      Op = "heal"
	OpSnapshot  Op = "snapshot"
	// OpCompact is the optional feature compact (section 3.3).
	OpCompact Op = "compact"
	// OpElect is the optional feature elect (section 3.4).
	OpElect Op = "elect"
)

// IsClientCommand reports whether op is proposed to the leader (R-LOG-3)
// rather than acting on the cluster.
func (op Op) IsClientCommand() bool {
	switch op {
	case OpPut, OpDelete, OpAppend, OpIncr, OpCas:
		return true
	}
	return false
}

// Command is the payload of a log entry. Fields an op does not use are zero.
type Command struct {
	Op    Op
	Key   string
	Value []byte
	// Expected is the cas expectation. ExpectedNull is separate because a
	// null expectation and an empty one mean different things (R-CAS-2).
	Expected     []byte
	ExpectedNull bool
	// Delta is a u64; it is parsed from a decimal string with an integer
	// parser so that no value above 2^53 is rounded (R-INCR-1).
	Delta uint64
}

// ApplyCommand applies one committed command to a store (R-APPLY-1). It
// never fails on a well-formed command: the no-op cases of incr and cas are
// still applied.
func ApplyCommand(s *Store, c *Command) {
	switch c.Op {
	case OpPut: // {"op":"put","key":"a","value":"31"}
		c.put(s)
	case OpDelete: // {"op":"delete","key":"a"}
		c.delete(s)
	case OpAppend: // {"op":"append","key":"a","value":"00ff"}
		c.append(s)
	case OpIncr: // {"op":"incr","key":"n","delta":"1"}
		c.incr(s)
	case OpCas: // {"op":"cas","key":"a","expected":null,"value":"31"}
		c.cas(s)
	default:
		// Commands are checked when the scenario is read, so reaching this
		// is a bug in this port, not bad input.
		panic(fmt.Sprintf("rsm: apply of non-command op %q", c.Op))
	}
}

// put is R-PUT-1. The rules are methods of Command so that they keep the
// names of adapters/README.md: package-level functions named delete and
// append would hide Go's builtins from the whole package.
func (c *Command) put(s *Store) {
	s.Put(c.Key, c.Value)
}

// delete is R-DELETE-1: deleting a missing key is a no-op.
func (c *Command) delete(s *Store) {
	s.Delete(c.Key)
}

// append is R-APPEND-1: a missing key starts empty, so an empty append
// creates it.
func (c *Command) append(s *Store) {
	s.Append(c.Key, c.Value)
}

// incr is R-INCR-1..3.
func (c *Command) incr(s *Store) {
	cur, ok := s.Get(c.Key)
	var current uint64
	if ok {
		if len(cur) != 8 {
			// R-INCR-3: a value that is not 8 bytes is left alone.
			return
		}
		current = binary.BigEndian.Uint64(cur)
	}
	// R-INCR-1: a missing key counts as 0. R-INCR-2: Go's uint64 addition
	// wraps mod 2^64, which is exactly the rule (no saturation, no error).
	next := make([]byte, 8)
	binary.BigEndian.PutUint64(next, current+c.Delta)
	s.Put(c.Key, next)
}

// cas is R-CAS-1..3.
func (c *Command) cas(s *Store) {
	cur, ok := s.Get(c.Key)
	var match bool
	if c.ExpectedNull {
		// R-CAS-2: null matches only a missing key, never an empty value.
		match = !ok
	} else {
		// R-CAS-2: bytes, even empty ones, match only a present key.
		match = ok && bytes.Equal(cur, c.Expected)
	}
	if match {
		// R-CAS-1
		s.Put(c.Key, c.Value)
	}
	// R-CAS-3: otherwise a no-op, still applied by the caller.
}

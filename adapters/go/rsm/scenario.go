package rsm

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Scenario is a decoded normalized scenario (section 6).
type Scenario struct {
	Nodes  int
	Leader int
	Steps  []Step
}

// Step is one decoded step. Command is set for client commands; Nodes (or
// AllNodes) for partition and snapshot; Node for crash and restart.
type Step struct {
	Op      Op
	Command *Command
	Nodes   []int
	// AllNodes is snapshot "all", 1..N (R-SNAP-1). A normalized scenario
	// spells the list out (R-NORM-3), but reading it costs nothing.
	AllNodes bool
	Node     int
}

// ParseScenario reads a normalized scenario from JSON text.
func ParseScenario(b []byte) (*Scenario, error) {
	r := &jsonReader{b: b}
	sc, err := readScenario(r, "")
	if err != nil {
		return nil, err
	}
	if !r.atEnd() {
		return nil, r.fail("trailing data")
	}
	if r.valueErr != nil {
		return nil, r.valueErr
	}
	return sc, nil
}

// readScenario reads the object of a normalized scenario. Problems with its
// values are left in r.valueErr; only syntax errors are returned. prefix
// starts the JSON paths in errors.
func readScenario(r *jsonReader, prefix string) (*Scenario, error) {
	if r.next() != '{' {
		root := strings.TrimSuffix(prefix, ".")
		if root == "" {
			root = "(root)"
		}
		return nil, r.invalid(root, "a scenario is an object")
	}
	// R-CLUSTER-1, R-CLUSTER-2 defaults, for a scenario that omits them even
	// though R-NORM-1 says it should not.
	sc := &Scenario{Nodes: 3, Leader: 1}
	hasSteps := false
	err := r.object(func(key []byte) error {
		switch string(key) {
		case "cluster":
			return readCluster(r, prefix+"cluster", sc)
		case "steps":
			if r.next() != '[' {
				return r.invalid(prefix+"steps", "steps is an array")
			}
			hasSteps = true
			return readSteps(r, prefix, sc)
		}
		// R-NORM-4 allows no other property; ignoring it is harmless.
		return r.skip()
	})
	if err == nil && (!hasSteps || len(sc.Steps) == 0) {
		// R-SCEN-2
		r.note("at least one step is required (R-SCEN-2)", func() string { return prefix + "steps" })
	}
	return sc, err
}

func readCluster(r *jsonReader, path string, sc *Scenario) error {
	if r.next() != '{' {
		return r.invalid(path, "cluster is an object")
	}
	return r.object(func(key []byte) error {
		var dst *int
		switch string(key) {
		case "nodes":
			dst = &sc.Nodes
		case "leader":
			dst = &sc.Leader
		default:
			return r.skip()
		}
		n, bad, err := r.integer()
		if bad == "" && err == nil {
			*dst = n
		}
		r.note(bad, func() string { return path + "." + string(key) })
		return err
	})
}

// commandChunk is how many commands are allocated together: one allocation
// per command is slow for 10^6 steps, and one growing slice would move them.
const commandChunk = 4096

func readSteps(r *jsonReader, prefix string, sc *Scenario) error {
	// Every step has an "op", so counting them (a fast byte search) sizes
	// the slice once instead of growing it twenty times for 10^6 steps. It
	// is only a hint: a key may contain the same bytes.
	hint := bytes.Count(r.b[r.i:], []byte(`"op"`))
	sc.Steps = make([]Step, 0, hint)
	var pool []Command
	var w stepJSON
	return r.array(func(i int) error {
		w = stepJSON{}
		path := func() string { return prefix + "steps[" + strconv.Itoa(i) + "]" }
		if err := readStep(r, path, &w); err != nil {
			return err
		}
		var st Step
		if opOf(w.op).IsClientCommand() {
			if len(pool) == cap(pool) {
				pool = make([]Command, 0, commandChunk)
			}
			pool = pool[:len(pool)+1]
			st.Command = &pool[len(pool)-1]
		}
		if err := decodeStep(&w, &st); err != nil && r.valueErr == nil {
			r.valueErr = fmt.Errorf("%s%w", path(), err)
		}
		sc.Steps = append(sc.Steps, st)
		return nil
	})
}

// stepJSON holds a step's properties as read, before they are checked
// against its op. Byte slices alias the line.
type stepJSON struct {
	op, key, value, delta, expected []byte
	hasOp, hasKey, hasValue         bool
	hasDelta, hasExpected           bool
	expectedNull                    bool
	nodes                           []int
	hasNodes, allNodes              bool
	node                            int
	hasNode                         bool
}

func readStep(r *jsonReader, path func() string, w *stepJSON) error {
	if r.next() != '{' {
		return r.invalid(path(), "a step is an object")
	}
	return r.object(func(key []byte) error {
		var bad string
		var err error
		switch string(key) {
		case "op":
			w.op, bad, err = r.stringValue()
			w.hasOp = bad == ""
		case "key":
			w.key, bad, err = r.stringValue()
			w.hasKey = bad == ""
		case "value":
			w.value, bad, err = r.stringValue()
			w.hasValue = bad == ""
		case "delta":
			w.delta, bad, err = r.stringValue()
			w.hasDelta = bad == ""
		case "expected":
			w.expectedNull = r.next() == 'n'
			if w.expectedNull {
				_, err = r.literal()
				w.hasExpected = true
				break
			}
			w.expected, bad, err = r.stringValue()
			w.hasExpected = bad == ""
		case "nodes":
			bad, err = readNodes(r, path, w)
		case "node":
			w.node, bad, err = r.integer()
			w.hasNode = bad == ""
		default:
			return r.skip()
		}
		r.note(bad, func() string { return path() + "." + string(key) })
		return err
	})
}

func readNodes(r *jsonReader, path func() string, w *stepJSON) (bad string, err error) {
	w.hasNodes, w.allNodes, w.nodes = true, false, []int{}
	switch r.next() {
	case '"':
		s, err := r.str()
		if err == nil && string(s) != "all" {
			return "expected a list of node ids or \"all\"", nil
		}
		w.allNodes = true
		return "", err
	case '[':
		return "", r.array(func(i int) error {
			n, bad, err := r.integer()
			if bad == "" && err == nil {
				w.nodes = append(w.nodes, n)
			}
			r.note(bad, func() string { return path() + ".nodes[" + strconv.Itoa(i) + "]" })
			return err
		})
	}
	return "expected a list of node ids", r.skip()
}

// pathError is an error at a JSON path below a step, such as ".key".
type pathError struct {
	path string
	msg  string
}

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func missing(prop string, op Op) error {
	return &pathError{"." + prop, fmt.Sprintf("%s requires %q (R-SCEN-3)", op, prop)}
}

// decodeStep checks a step's properties against its op and decodes them.
// The runner validates scenarios before sending them, but an adapter must
// not crash on bad input (R-PROTO-8), so every property an op needs is
// checked here.
func decodeStep(w *stepJSON, st *Step) error {
	if !w.hasOp {
		return &pathError{".op", "a step needs an op (R-SCEN-3)"}
	}
	st.Op = opOf(w.op)
	cmd := st.Command
	if st.Op.IsClientCommand() {
		cmd.Op = st.Op
		if !w.hasKey {
			return missing("key", st.Op)
		}
		cmd.Key = string(w.key)
	}
	var err error
	switch st.Op {
	case OpPut, OpAppend:
		cmd.Value, err = decodeBytes("value", w.value, w.hasValue, st.Op)
	case OpDelete:
	case OpIncr:
		if !w.hasDelta {
			return missing("delta", st.Op)
		}
		// R-INCR-1, R-DELTA-1: an integer parser, never a float, so deltas
		// above 2^53 keep their low bits.
		cmd.Delta, err = strconv.ParseUint(string(w.delta), 10, 64)
		if err != nil {
			return &pathError{".delta", fmt.Sprintf("%s is not a decimal u64 (R-DELTA-1)", abbrev(w.delta))}
		}
	case OpCas:
		if !w.hasExpected {
			return missing("expected", st.Op)
		}
		// R-CAS-2: null and empty are kept apart.
		cmd.ExpectedNull = w.expectedNull
		if !w.expectedNull {
			if cmd.Expected, err = decodeBytes("expected", w.expected, true, st.Op); err != nil {
				return err
			}
		}
		cmd.Value, err = decodeBytes("value", w.value, w.hasValue, st.Op)
	case OpPartition:
		if !w.hasNodes || w.allNodes {
			return &pathError{".nodes", "partition requires a list of node ids (R-SCEN-3)"}
		}
		st.Nodes = w.nodes
	case OpSnapshot:
		if !w.hasNodes {
			return missing("nodes", st.Op)
		}
		st.Nodes, st.AllNodes = w.nodes, w.allNodes
	case OpCrash, OpRestart:
		if !w.hasNode {
			return missing("node", st.Op)
		}
		st.Node = w.node
	case OpHeal:
	default:
		// R-PROTO-8: an op this port does not implement is an error reply.
		return &pathError{".op", fmt.Sprintf("op %s is not implemented", abbrev(w.op))}
	}
	return err
}

// opOf returns the Op spelled b, without allocating for the known ones: a
// long scenario has a million of them.
func opOf(b []byte) Op {
	for _, op := range []Op{OpPut, OpDelete, OpAppend, OpIncr, OpCas, OpPartition, OpCrash, OpRestart, OpHeal, OpSnapshot} {
		if string(b) == string(op) {
			return op
		}
	}
	return Op(b)
}

// decodeBytes decodes a normalized bytes value, a hex string (R-NORM-2).
func decodeBytes(prop string, s []byte, present bool, op Op) ([]byte, error) {
	if !present {
		return nil, missing(prop, op)
	}
	b := make([]byte, hex.DecodedLen(len(s)))
	if _, err := hex.Decode(b, s); err != nil || len(s)%2 != 0 {
		return nil, &pathError{"." + prop, fmt.Sprintf("%s is not an even-length hex string (R-BYTES-2)", abbrev(s))}
	}
	return b, nil
}

// abbrev quotes s for an error message, shortened: a bad value can be
// megabytes long.
func abbrev(s []byte) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q... (%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}

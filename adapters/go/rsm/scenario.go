package rsm

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Scenario is a normalized scenario (section 6) turned into steps.
type Scenario struct {
	Nodes  int
	Leader int
	Steps  []Step
	// NeedsElect is R-ELECT-1: an elect step or a client command with via.
	// Only then may the leader crash or be isolated, and only then does a
	// trace carry raft (R-TRACE-1).
	NeedsElect bool
}

// Step and InvalidStep, which adapters/README.md lists next, are declared in
// cluster.go, which takes a Step and returns an InvalidStep (see there).

// invalid records the first value error, an InvalidStep, and skips the value
// it is about. It and note are here rather than in jsonread.go so that the
// JSON reader uses no other file (layers_test.go).
func (r *jsonReader) invalid(path, rule, problem string) error {
	if r.valueErr == nil {
		r.valueErr = &InvalidStep{Path: path, Problem: problem, Rule: rule}
	}
	return r.skip()
}

// note records the first value error, an InvalidStep; path is built only
// when it is kept.
func (r *jsonReader) note(bad, rule string, path func() string) {
	if bad != "" && r.valueErr == nil {
		r.valueErr = &InvalidStep{Path: path(), Problem: bad, Rule: rule}
	}
}

// ParseScenario reads the JSON text of a normalized scenario (section 6),
// for tests and tools; a run request's scenario is read in place by
// readRequest, with the same readScenario.
func ParseScenario(b []byte) (*Scenario, error) {
	r := &jsonReader{b: b}
	sc, err := readScenario(r)
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
// values are left in r.valueErr as an *InvalidStep, so that the rest of the
// line is still read; only syntax errors are returned.
func readScenario(r *jsonReader) (*Scenario, error) {
	if r.next() != '{' {
		return nil, r.invalid("(root)", "R-NORM-4", "a scenario is an object")
	}
	// R-CLUSTER-1, R-CLUSTER-2 defaults, for a scenario that omits them even
	// though R-NORM-1 says it should not.
	sc := &Scenario{Nodes: 3, Leader: 1}
	hasSteps := false
	err := r.object(func(key []byte) error {
		switch string(key) {
		case "cluster":
			return parseCluster(r, sc)
		case "steps":
			if r.next() != '[' {
				return r.invalid("steps", "R-SCEN-2", "steps is an array")
			}
			hasSteps = true
			return readSteps(r, sc)
		}
		// R-NORM-4 allows no other property; ignoring it is harmless.
		return r.skip()
	})
	if err != nil {
		return nil, err
	}
	if !hasSteps || len(sc.Steps) == 0 {
		r.note("at least one step is required", "R-SCEN-2", func() string { return "steps" })
	}
	// R-CLUSTER-1, R-CLUSTER-2, checked once both are known.
	if sc.Nodes < 1 || sc.Nodes > MaxNodes {
		r.note(fmt.Sprintf("%d is not in 1..%d", sc.Nodes, MaxNodes), "R-CLUSTER-1", func() string { return "cluster.nodes" })
	} else if sc.Leader < 1 || sc.Leader > sc.Nodes {
		r.note(fmt.Sprintf("%d is not in 1..%d", sc.Leader, sc.Nodes), "R-CLUSTER-2", func() string { return "cluster.leader" })
	}
	return sc, nil
}

// parseCluster reads N and the leader as integers: no JSON number passes
// through float64, so 2.0 or 1e0 is rejected, not rounded.
func parseCluster(r *jsonReader, sc *Scenario) error {
	if r.next() != '{' {
		return r.invalid("cluster", "R-NORM-1", "cluster is an object")
	}
	return r.object(func(key []byte) error {
		var dst *int
		rule := "R-CLUSTER-1"
		switch string(key) {
		case "nodes":
			dst = &sc.Nodes
		case "leader":
			dst, rule = &sc.Leader, "R-CLUSTER-2"
		default:
			return r.skip()
		}
		n, bad, err := r.integer()
		if bad == "" && err == nil {
			*dst = n
		}
		r.note(bad, rule, func() string { return "cluster." + string(key) })
		return err
	})
}

// commandChunk is how many commands are allocated together: one allocation
// per command is slow for 10^6 steps, and one growing slice would move them
// while the log points into it.
const commandChunk = 4096

func readSteps(r *jsonReader, sc *Scenario) error {
	// Every step has an "op", so counting them (a fast byte search) sizes
	// the slice once instead of growing it twenty times for 10^6 steps. It
	// is only a hint: a key may contain the same bytes.
	hint := bytes.Count(r.b[r.i:], []byte(`"op"`))
	sc.Steps = make([]Step, 0, hint)
	var pool []Command
	var w stepJSON
	return r.array(func(i int) error {
		w = stepJSON{}
		path := func(prop string) string { return "steps[" + strconv.Itoa(i) + "]" + prop }
		if err := readStepJSON(r, path, &w); err != nil {
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
		if err := parseStep(path, &w, &st); err != nil && r.valueErr == nil {
			r.valueErr = err
		}
		if st.Op == OpElect || st.Via != 0 {
			sc.NeedsElect = true
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
	via                             int
	hasVia                          bool
}

// readStepJSON reads one step object into w; a value of the wrong JSON type
// is noted with its path and rule, and reading goes on.
func readStepJSON(r *jsonReader, path func(string) string, w *stepJSON) error {
	if r.next() != '{' {
		return r.invalid(path(""), "R-SCEN-3", "a step is an object")
	}
	return r.object(func(key []byte) error {
		var bad, rule string
		var err error
		switch string(key) {
		case "op":
			w.op, bad, err = r.stringValue()
			w.hasOp, rule = bad == "", "R-SCEN-3"
		case "key":
			w.key, bad, err = r.stringValue()
			w.hasKey, rule = bad == "", "R-KEY-1"
		case "value":
			w.value, bad, err = r.stringValue()
			w.hasValue, rule = bad == "", "R-NORM-2"
		case "delta":
			w.delta, bad, err = r.stringValue()
			w.hasDelta, rule = bad == "", "R-NORM-3"
		case "expected":
			w.expectedNull = r.next() == 'n'
			if w.expectedNull {
				_, err = r.literal()
				w.hasExpected = true
				break
			}
			w.expected, bad, err = r.stringValue()
			w.hasExpected, rule = bad == "", "R-NORM-2"
		case "nodes":
			bad, err = parseNodes(r, path, w)
			rule = "R-SNAP-1"
		case "node":
			w.node, bad, err = r.integer()
			w.hasNode, rule = bad == "", "R-NODE-1"
		case "via":
			w.via, bad, err = r.integer()
			w.hasVia, rule = bad == "", "R-NODE-1"
		default:
			return r.skip()
		}
		r.note(bad, rule, func() string { return path("." + string(key)) })
		return err
	})
}

// parseStep checks a step's properties against its op (R-SCEN-3) and turns
// them into st. The runner validates scenarios before sending them, but an
// adapter must not crash on bad input (R-PROTO-8), so every property an op
// needs is checked here. Whether a node id fits the cluster and the state
// it is in (R-NODE-1, R-CRASH-1 ...) is checked when the step runs, in
// cluster.go.
func parseStep(path func(string) string, w *stepJSON, st *Step) *InvalidStep {
	missing := func(prop string) *InvalidStep {
		return invalid(path("."+prop), "R-SCEN-3", "%s requires %q", st.Op, prop)
	}
	if !w.hasOp {
		return invalid(path(".op"), "R-SCEN-3", "a step needs an op")
	}
	st.Op = opOf(w.op)
	cmd := st.Command
	if cmd != nil {
		cmd.Op = st.Op
		if !w.hasKey {
			return missing("key")
		}
		cmd.Key = string(w.key)
		// R-ROUTE-1: the node the command is sent to; 0 is the default
		// leader. Whether it is in 1..N is checked when the step runs.
		if w.hasVia {
			if w.via == 0 {
				return invalid(path(".via"), "R-NODE-1", "node 0 is not a node id")
			}
			st.Via = w.via
		}
	} else if w.hasVia {
		// R-SCEN-3: only client commands may carry via.
		return invalid(path(".via"), "R-SCEN-3", "%s has no property \"via\"", st.Op)
	}
	var err *InvalidStep
	switch st.Op {
	case OpPut: // {"op":"put","key":"a","value":"31"}
		if !w.hasValue {
			return missing("value")
		}
		cmd.Value, err = parseHex(path, ".value", w.value)
	case OpDelete: // {"op":"delete","key":"a"}
	case OpAppend: // {"op":"append","key":"a","value":"00ff"}
		if !w.hasValue {
			return missing("value")
		}
		cmd.Value, err = parseHex(path, ".value", w.value)
	case OpIncr: // {"op":"incr","key":"n","delta":"18446744073709551615"}
		if !w.hasDelta {
			return missing("delta")
		}
		cmd.Delta, err = parseDelta(path, ".delta", w.delta)
	case OpCas: // {"op":"cas","key":"a","expected":null,"value":"31"}
		if !w.hasExpected {
			return missing("expected")
		}
		// R-CAS-2: null and empty are kept apart.
		cmd.ExpectedNull = w.expectedNull
		if !w.expectedNull {
			if cmd.Expected, err = parseHex(path, ".expected", w.expected); err != nil {
				return err
			}
		}
		if !w.hasValue {
			return missing("value")
		}
		cmd.Value, err = parseHex(path, ".value", w.value)
	case OpPartition: // {"op":"partition","nodes":[3]}
		if !w.hasNodes || w.allNodes {
			return invalid(path(".nodes"), "R-SCEN-3", "partition requires a list of node ids")
		}
		st.Nodes = w.nodes
	case OpCrash: // {"op":"crash","node":2}
		if !w.hasNode {
			return missing("node")
		}
		st.Node = w.node
	case OpRestart: // {"op":"restart","node":2}
		if !w.hasNode {
			return missing("node")
		}
		st.Node = w.node
	case OpHeal: // {"op":"heal"}
	case OpSnapshot: // {"op":"snapshot","nodes":[1,2,3]}
		if !w.hasNodes {
			return missing("nodes")
		}
		st.Nodes, st.AllNodes = w.nodes, w.allNodes
	case OpCompact: // {"op":"compact","node":2}
		if !w.hasNode {
			return missing("node")
		}
		st.Node = w.node
	case OpElect: // {"op":"elect","node":2}
		if !w.hasNode {
			return missing("node")
		}
		st.Node = w.node
	default:
		// R-PROTO-8: an op this port does not implement is an error reply.
		return invalid(path(".op"), "R-SCEN-3", "op %s is not implemented", abbrev(w.op))
	}
	return err
}

// parseNodes reads a list of node ids, or "all" (R-SNAP-1). Whether the ids
// are in 1..N is checked when the step runs.
func parseNodes(r *jsonReader, path func(string) string, w *stepJSON) (bad string, err error) {
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
			r.note(bad, "R-NODE-1", func() string { return path(".nodes[" + strconv.Itoa(i) + "]") })
			return err
		})
	}
	return "expected a list of node ids", r.skip()
}

// parseHex decodes property prop, a bytes value: an even-length hex string
// (R-NORM-2, R-BYTES-2). The result is never nil: an empty value is present
// (R-STORE-2). The path is built only for an error, not for each of 10^6
// steps.
func parseHex(path func(string) string, prop string, s []byte) ([]byte, *InvalidStep) {
	b := make([]byte, len(s)/2)
	if _, err := hex.Decode(b, s); err != nil || len(s)%2 != 0 {
		return nil, invalid(path(prop), "R-BYTES-2", "%s is not an even-length hex string", abbrev(s))
	}
	return b, nil
}

// parseDelta reads incr's delta with an integer parser, never a float, so
// that deltas above 2^53 keep their low bits (R-INCR-1, R-DELTA-1).
func parseDelta(path func(string) string, prop string, s []byte) (uint64, *InvalidStep) {
	d, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		return 0, invalid(path(prop), "R-DELTA-1", "%s is not a decimal u64", abbrev(s))
	}
	return d, nil
}

// encodeHex is the lowercase hex of a snapshot in a reply (R-PROTO-6).
func encodeHex(b []byte) string {
	return hex.EncodeToString(b)
}

// opOf returns the Op spelled s, without allocating for the known ones: a
// long scenario has a million of them.
func opOf(s []byte) Op {
	for _, op := range []Op{OpPut, OpDelete, OpAppend, OpIncr, OpCas, OpPartition, OpCrash, OpRestart, OpHeal, OpSnapshot, OpCompact, OpElect} {
		if string(s) == string(op) {
			return op
		}
	}
	return Op(s)
}

// abbrev shortens s for an error message: a bad value can be megabytes long.
func abbrev(s []byte) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q... (%d bytes)", s[:max], len(s))
	}
	return fmt.Sprintf("%q", s)
}

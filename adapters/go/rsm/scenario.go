package rsm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// Scenario is a decoded normalized scenario (section 6).
type Scenario struct {
	Nodes  int
	Leader int
	Steps  []Step
}

// Step is one decoded step. Command is set for client commands, Nodes for
// partition and snapshot, Node for crash and restart.
type Step struct {
	Op      Op
	Command *Command
	Nodes   []int
	Node    int
}

// scenarioJSON is the wire shape of a normalized scenario. Node ids and
// cluster sizes decode into int, never through float64.
type scenarioJSON struct {
	Cluster *struct {
		Nodes  *int `json:"nodes"`
		Leader *int `json:"leader"`
	} `json:"cluster"`
	Steps []stepJSON `json:"steps"`
}

// stepJSON holds every property any op has; which ones must be present is
// checked per op. Expected and Nodes stay raw because their JSON type varies
// (bytes or null; a list or "all").
type stepJSON struct {
	Op       string          `json:"op"`
	Key      *string         `json:"key"`
	Value    *string         `json:"value"`
	Expected json.RawMessage `json:"expected"`
	Delta    *string         `json:"delta"`
	Nodes    json.RawMessage `json:"nodes"`
	Node     *int            `json:"node"`
}

// decodeScenario turns the wire form into a Scenario. The runner validates
// scenarios before sending them, but an adapter must not crash on bad input
// (R-PROTO-8), so every property an op needs is checked here and reported
// with its JSON path.
func decodeScenario(w *scenarioJSON) (*Scenario, error) {
	// R-CLUSTER-1, R-CLUSTER-2 defaults, for a scenario that omits them even
	// though R-NORM-1 says it should not.
	sc := &Scenario{Nodes: 3, Leader: 1}
	if w.Cluster != nil {
		if w.Cluster.Nodes != nil {
			sc.Nodes = *w.Cluster.Nodes
		}
		if w.Cluster.Leader != nil {
			sc.Leader = *w.Cluster.Leader
		}
	}
	if len(w.Steps) == 0 {
		return nil, fmt.Errorf("steps: at least one step is required (R-SCEN-2)")
	}
	sc.Steps = make([]Step, len(w.Steps))
	cmds := make([]Command, len(w.Steps))
	for i := range w.Steps {
		if err := decodeStep(&w.Steps[i], &sc.Steps[i], &cmds[i], sc.Nodes); err != nil {
			return nil, fmt.Errorf("steps[%d]%w", i, err)
		}
	}
	return sc, nil
}

// pathError prefixes a step-relative path such as ".key".
type pathError struct {
	path string
	msg  string
}

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func missing(prop string, op string) error {
	return &pathError{"." + prop, fmt.Sprintf("%s requires %q (R-SCEN-3)", op, prop)}
}

func decodeStep(w *stepJSON, st *Step, cmd *Command, n int) error {
	st.Op = Op(w.Op)
	if st.Op.IsClientCommand() {
		cmd.Op = st.Op
		st.Command = cmd
		if w.Key == nil {
			return missing("key", w.Op)
		}
		cmd.Key = *w.Key
	}
	var err error
	switch st.Op {
	case OpPut, OpAppend:
		cmd.Value, err = decodeBytes("value", w.Value, w.Op)
	case OpDelete:
	case OpIncr:
		if w.Delta == nil {
			return missing("delta", w.Op)
		}
		// R-INCR-1, R-DELTA-1: an integer parser, never a float.
		cmd.Delta, err = strconv.ParseUint(*w.Delta, 10, 64)
		if err != nil {
			return &pathError{".delta", fmt.Sprintf("%q is not a decimal u64 (R-DELTA-1)", *w.Delta)}
		}
	case OpCas:
		if w.Expected == nil {
			return missing("expected", w.Op)
		}
		if bytes.Equal(w.Expected, []byte("null")) {
			cmd.ExpectedNull = true
		} else {
			var s string
			if json.Unmarshal(w.Expected, &s) != nil {
				return &pathError{".expected", "expected is a hex string or null (R-NORM-2)"}
			}
			if cmd.Expected, err = decodeBytes("expected", &s, w.Op); err != nil {
				return err
			}
		}
		cmd.Value, err = decodeBytes("value", w.Value, w.Op)
	case OpPartition, OpSnapshot:
		st.Nodes, err = decodeNodes(w.Nodes, w.Op, n)
	case OpCrash, OpRestart:
		if w.Node == nil {
			return missing("node", w.Op)
		}
		st.Node = *w.Node
	case OpHeal:
	default:
		// R-PROTO-8: an op this port does not implement is an error reply.
		return &pathError{".op", fmt.Sprintf("op %q is not implemented", w.Op)}
	}
	return err
}

// decodeBytes decodes a normalized bytes value, a hex string (R-NORM-2).
func decodeBytes(prop string, s *string, op string) ([]byte, error) {
	if s == nil {
		return nil, missing(prop, op)
	}
	b, err := hex.DecodeString(*s)
	if err != nil {
		return nil, &pathError{"." + prop, fmt.Sprintf("%q is not an even-length hex string (R-BYTES-2)", *s)}
	}
	return b, nil
}

// decodeNodes decodes a node list. "all" is expanded to 1..N (R-SNAP-1) even
// though a normalized scenario always spells the list out (R-NORM-3).
func decodeNodes(raw json.RawMessage, op string, n int) ([]int, error) {
	if raw == nil {
		return nil, missing("nodes", op)
	}
	var all string
	if op == string(OpSnapshot) && json.Unmarshal(raw, &all) == nil && all == "all" {
		nodes := make([]int, n)
		for i := range nodes {
			nodes[i] = i + 1
		}
		return nodes, nil
	}
	var nodes []int
	if err := json.Unmarshal(raw, &nodes); err != nil || nodes == nil {
		return nil, &pathError{".nodes", "nodes is an array of node ids (R-NODE-1)"}
	}
	return nodes, nil
}

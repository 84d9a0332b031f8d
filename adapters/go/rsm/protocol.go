package rsm

import (
	"errors"
	"unicode/utf8"
)

// Protocol is the adapter protocol version this port speaks (section 7).
const Protocol = 1

// Hello identifies this port (R-PROTO-5). Features lists every optional
// feature of section 6, in the order the spec lists them.
var Hello = HelloReply{
	Type:     "hello",
	Protocol: Protocol,
	Name:     "go",
	Version:  "0.1.0",
	Features: []string{"append", "incr", "cas", "crash"},
}

// request is any runner message. Only the fields of the message's type are
// used; unknown fields are ignored (R-PROTO-4).
type request struct {
	Type    string
	HasType bool
	// ID is the request's id when it is a string, else nil, which an error
	// reply sends as null (R-PROTO-8).
	ID       *string
	Trace    bool
	Scenario *Scenario
	// ValueErr is the first field with a wrong type or content; it fails a
	// run but not a hello or shutdown, which do not use those fields.
	ValueErr error
}

// readRequest reads one line. It fails only when the line is not a JSON
// object; a field of the wrong type is left in ValueErr.
func readRequest(line []byte) (*request, error) {
	// R-PROTO-1: lines are UTF-8. Checking once here means every string read
	// below is valid UTF-8, as Go strings used as keys must be for R-STORE-1.
	if !utf8.Valid(line) {
		return nil, errors.New("line is not valid UTF-8 (R-PROTO-1)")
	}
	r := &jsonReader{b: line}
	req := &request{}
	if r.next() != '{' {
		if err := r.skip(); err != nil {
			return nil, err
		}
		if !r.atEnd() {
			return nil, r.fail("trailing data")
		}
		return nil, errors.New("line is not a JSON object")
	}
	err := r.object(func(key []byte) error {
		switch string(key) {
		case "type":
			s, bad, err := r.stringValue()
			req.Type, req.HasType = string(s), bad == ""
			return err
		case "id":
			req.ID = nil
			if r.next() != '"' {
				return r.skip()
			}
			s, err := r.str()
			id := string(s)
			req.ID = &id
			return err
		case "trace":
			if c := r.next(); c != 't' && c != 'f' {
				return r.invalid("trace", "expected true or false")
			}
			lit, err := r.literal()
			req.Trace = string(lit) == "true"
			return err
		case "scenario":
			sc, err := readScenario(r, "scenario.")
			req.Scenario = sc
			return err
		}
		return r.skip()
	})
	if err != nil {
		return nil, err
	}
	if !r.atEnd() {
		return nil, r.fail("trailing data after the object")
	}
	req.ValueErr = r.valueErr
	return req, nil
}

// HelloReply answers hello (R-PROTO-5).
type HelloReply struct {
	Type     string   `json:"type"`
	Protocol int      `json:"protocol"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Features []string `json:"features"`
}

// ResultReply answers run (R-PROTO-6). Trace is a pointer so that the key is
// absent, not null, when no trace was asked for (R-PROTO-7).
type ResultReply struct {
	Type      string           `json:"type"`
	ID        string           `json:"id"`
	Snapshots []SnapshotRecord `json:"snapshots"`
	Trace     *[]TraceEntry    `json:"trace,omitempty"`
}

// SnapshotRecord is one emitted snapshot, hex in lowercase (R-PROTO-6).
type SnapshotRecord struct {
	Step int    `json:"step"`
	Node int    `json:"node"`
	Hex  string `json:"hex"`
}

// TraceEntry is every node's state after one step; a nil state is a down node
// and encodes as null (R-PROTO-7).
type TraceEntry struct {
	Step   int       `json:"step"`
	States []*string `json:"states"`
}

// ErrorReply answers a request that cannot be run or a line that is not
// understood (R-PROTO-8). ID is nil, encoded as null, when the request has no
// string id.
type ErrorReply struct {
	Type    string  `json:"type"`
	ID      *string `json:"id"`
	Message string  `json:"message"`
}

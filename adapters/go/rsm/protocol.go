package rsm

import "encoding/json"

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
// used; unknown fields are ignored (R-PROTO-4). Fields whose JSON type the
// adapter must check itself stay raw, so a wrong type there becomes an error
// reply for that request instead of spoiling the whole line.
type request struct {
	Type     *string         `json:"type"`
	ID       json.RawMessage `json:"id"`
	Protocol json.RawMessage `json:"protocol"`
	Trace    json.RawMessage `json:"trace"`
	Scenario *scenarioJSON   `json:"scenario"`
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

package rsm

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Protocol is the adapter protocol version this port speaks (section 7).
const Protocol = 1

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
	// Hex is a decode request's "hex" as it was read (aliasing the line),
	// HasHex whether it was there as a string (R-PROTO-13).
	Hex    []byte
	HasHex bool
	// ValueErr is the first field with a wrong type or content; it fails a
	// run but not a hello or shutdown, which do not use those fields. It is
	// an *InvalidStep when the scenario is at fault.
	ValueErr error
}

// Serve speaks adapter protocol v1 (section 7): it reads requests from r, one
// JSON line each, and writes one reply line per hello, run and decode to w, flushing
// after each (R-PROTO-2, R-PROTO-3). It returns nil on shutdown or at the end
// of r (R-PROTO-9), and an error only when reading or writing fails. Bad input
// never stops it: it becomes an error reply (R-PROTO-8).
func Serve(r io.Reader, w io.Writer) error {
	// R-PROTO-1: bufio.Reader.ReadBytes grows its result as far as the line
	// goes, unlike bufio.Scanner, which stops at a fixed maximum.
	in := bufio.NewReaderSize(r, 64<<10)
	out := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(out)
	// Keys and ids may contain <, > and &; they are sent as they are.
	enc.SetEscapeHTML(false)
	for {
		line, readErr := in.ReadBytes('\n')
		// A last line without its newline is still a request.
		if len(line) > 0 {
			reply, stop := handleLine(line)
			if stop {
				return nil
			}
			// Encode ends the message with exactly one "\n" (R-PROTO-1).
			if err := enc.Encode(reply); err != nil {
				return err
			}
			if err := out.Flush(); err != nil {
				return err
			}
		}
		if errors.Is(readErr, io.EOF) {
			return nil
		}
		if readErr != nil {
			return readErr
		}
	}
}

// handleLine answers one line. It returns stop on shutdown, with a nil reply;
// every other line gets exactly one reply. A panic is a bug in this port; it
// becomes an error reply so that the adapter keeps serving (R-PROTO-8).
func handleLine(line []byte) (reply any, stop bool) {
	var id *string
	defer func() {
		if p := recover(); p != nil {
			reply, stop = errorReply(id, fmt.Sprintf("internal error in the go adapter, please report it: %v", p)), false
		}
	}()
	if len(bytes.TrimSpace(line)) == 0 {
		// R-PROTO-4 lets an adapter skip a blank line or answer it; an
		// answer keeps "one reply per line" true without exception.
		return errorReply(nil, "blank line, not a message (R-PROTO-4)"), false
	}
	req, err := readRequest(line)
	if err != nil {
		return errorReply(nil, err.Error()), false
	}
	id = req.ID
	if !req.HasType {
		return errorReply(id, `message has no string "type" (R-PROTO-4)`), false
	}
	switch req.Type {
	case "hello":
		return helloReply(), false
	case "run":
		return handleRun(req), false
	case "decode":
		return handleDecode(req), false
	case "shutdown":
		// R-PROTO-9: exit without replying.
		return nil, true
	}
	return errorReply(id, fmt.Sprintf("unknown message type %s (R-PROTO-4)", abbrev([]byte(req.Type)))), false
}

// readRequest reads one line with the port's one JSON parser, jsonReader.
// It fails only when the line is not a JSON object; a field of the wrong type
// is left in ValueErr, so that the request's id is still found.
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
		return nil, errors.New("line is not a JSON object (R-PROTO-1)")
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
				return r.invalid("trace", "R-PROTO-7", "expected true or false")
			}
			lit, err := r.literal()
			req.Trace = string(lit) == "true"
			return err
		case "scenario":
			sc, err := readScenario(r)
			req.Scenario = sc
			return err
		case "hex":
			// Not a string is an error reply, but only for a decode request
			// (R-PROTO-10): in any other request it is an unknown field.
			s, bad, err := r.stringValue()
			req.Hex, req.HasHex = s, bad == ""
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

// handleRun answers run (R-PROTO-6) with a result or an error reply, whose
// message is an InvalidStep's when the scenario is at fault.
func handleRun(req *request) any {
	if req.ID == nil {
		return errorReply(nil, `run: "id" is missing or not a string (R-PROTO-6)`)
	}
	if req.ValueErr != nil {
		return errorReply(req.ID, req.ValueErr.Error())
	}
	if req.Scenario == nil {
		return errorReply(req.ID, `run: "scenario" is missing (R-PROTO-6)`)
	}
	result, err := RunScenario(req.Scenario, req.Trace)
	if err != nil {
		return errorReply(req.ID, err.Error())
	}
	return resultReply(*req.ID, result)
}

// handleDecode answers decode (R-PROTO-13) with decoded or rejected. A
// request it cannot read (no string id, no string hex, hex that is not hex)
// gets an error reply (R-PROTO-8, R-PROTO-10).
func handleDecode(req *request) any {
	if req.ID == nil {
		return errorReply(nil, `decode: "id" is missing or not a string (R-PROTO-13)`)
	}
	if !req.HasHex {
		return errorReply(req.ID, `decode: "hex" is missing or not a string (R-PROTO-13)`)
	}
	// The runner sends lowercase hex; uppercase digits are read too.
	b := make([]byte, len(req.Hex)/2)
	if _, err := hex.Decode(b, req.Hex); err != nil || len(req.Hex)%2 != 0 {
		return errorReply(req.ID, fmt.Sprintf("decode: hex %s is not an even-length hex string (R-PROTO-13)", abbrev(req.Hex)))
	}
	h, pairs, err := DecodeSnapshot(b)
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) {
			panic(err)
		}
		return rejectedReply(*req.ID, de)
	}
	return decodedReply(*req.ID, h, pairs)
}

// HelloReply answers hello (R-PROTO-5).
type HelloReply struct {
	Type     string   `json:"type"`
	Protocol int      `json:"protocol"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Features []string `json:"features"`
}

// helloReply identifies this port. R-PROTO-5: whatever version is asked for,
// it answers with the one this port speaks and lets the runner report a
// mismatch. Features lists every optional feature of section 6 and then
// compact (section 3.3), elect (section 3.4) and decode (section 4.1), in the
// order R-PROTO-5 lists them.
func helloReply() HelloReply {
	return HelloReply{
		Type:     "hello",
		Protocol: Protocol,
		Name:     "go",
		Version:  "0.1.0",
		Features: []string{"append", "incr", "cas", "crash", "compact", "elect", "decode"},
	}
}

// ResultReply answers run (R-PROTO-6). Trace is a pointer so that the key is
// absent, not null, when no trace was asked for (R-PROTO-7).
type ResultReply struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Snapshots []SnapshotEntry `json:"snapshots"`
	Trace     *[]TraceEntry   `json:"trace,omitempty"`
}

func resultReply(id string, result *RunResult) ResultReply {
	reply := ResultReply{Type: "result", ID: id, Snapshots: result.Snapshots}
	if result.Trace != nil {
		reply.Trace = &result.Trace
	}
	return reply
}

// DecodedReply answers a decode request whose bytes are accepted
// (R-PROTO-13).
type DecodedReply struct {
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Snapshot DecodedSnapshot `json:"snapshot"`
}

// DecodedSnapshot is an accepted snapshot: every u64 as its exact decimal
// string, never a JSON number (R-PROTO-13), and the pairs in the order they
// appear in the bytes.
type DecodedSnapshot struct {
	CurrentTerm       string        `json:"current_term"`
	LastIncludedIndex string        `json:"last_included_index"`
	LastIncludedTerm  string        `json:"last_included_term"`
	Pairs             []DecodedPair `json:"pairs"`
}

// DecodedPair is one pair: the key as a JSON string of its code points
// (R-DECODE-12; encoding/json writes U+0000 as \u0000 and a BOM as it is),
// the value as lowercase hex.
type DecodedPair struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func decodedReply(id string, h SnapshotHeader, pairs []Pair) DecodedReply {
	// Never nil, so that no pairs is "pairs":[] rather than null.
	out := make([]DecodedPair, len(pairs))
	for i, p := range pairs {
		out[i] = DecodedPair{Key: p.Key, Value: hex.EncodeToString(p.Value)}
	}
	return DecodedReply{Type: "decoded", ID: id, Snapshot: DecodedSnapshot{
		CurrentTerm:       strconv.FormatUint(h.CurrentTerm, 10),
		LastIncludedIndex: strconv.FormatUint(h.LastIncludedIndex, 10),
		LastIncludedTerm:  strconv.FormatUint(h.LastIncludedTerm, 10),
		Pairs:             out,
	}}
}

// RejectedReply answers a decode request whose bytes are rejected: the rule
// is what the runner compares, the message is for people (R-PROTO-13).
type RejectedReply struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func rejectedReply(id string, de *DecodeError) RejectedReply {
	return RejectedReply{Type: "rejected", ID: id, Rule: de.Rule, Message: de.Error()}
}

// ErrorReply answers a request that cannot be run or a line that is not
// understood (R-PROTO-8). ID is nil, encoded as null, when the request has no
// string id.
type ErrorReply struct {
	Type    string  `json:"type"`
	ID      *string `json:"id"`
	Message string  `json:"message"`
}

func errorReply(id *string, message string) ErrorReply {
	return ErrorReply{Type: "error", ID: id, Message: message}
}

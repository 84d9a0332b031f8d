package rsm

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Serve speaks adapter protocol v1 (section 7): it reads requests from r, one
// JSON line each, and writes one reply line per hello and run to w, flushing
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
			if reply != nil {
				// Encode ends the message with exactly one "\n" (R-PROTO-1).
				if err := enc.Encode(reply); err != nil {
					return err
				}
				if err := out.Flush(); err != nil {
					return err
				}
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

// handleLine answers one line. It returns stop on shutdown, and a nil reply
// only then.
func handleLine(line []byte) (reply any, stop bool) {
	var req request
	err := json.Unmarshal(line, &req)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return errorReply(nil, "line is not JSON: %v", err), false
	}
	// A type error leaves the other fields decoded: it belongs to the
	// request only if that request uses the field, so it is kept for run.
	id := stringID(req.ID)
	if req.Type == nil {
		return errorReply(id, "message is not an object with a string \"type\""), false
	}
	switch *req.Type {
	case "hello":
		// R-PROTO-5: whatever version is asked for, answer with the one this
		// port speaks and let the runner report a mismatch.
		return Hello, false
	case "run":
		return runRequest(&req, id, err), false
	case "shutdown":
		// R-PROTO-9: exit without replying.
		return nil, true
	}
	return errorReply(id, "unknown message type %q", *req.Type), false
}

// runRequest answers run (R-PROTO-6) with a result or an error reply.
func runRequest(req *request, id *string, decodeErr error) any {
	if id == nil {
		return errorReply(nil, "run: \"id\" is missing or not a string")
	}
	if decodeErr != nil {
		return errorReply(id, "run: %v", decodeErr)
	}
	var trace bool
	if req.Trace != nil && json.Unmarshal(req.Trace, &trace) != nil {
		return errorReply(id, "run: \"trace\" is not a boolean")
	}
	if req.Scenario == nil {
		return errorReply(id, "run: \"scenario\" is missing")
	}
	outcome, err := safeRun(req.Scenario, trace)
	if err != nil {
		return errorReply(id, "%v", err)
	}
	reply := ResultReply{Type: "result", ID: *id, Snapshots: outcome.Snapshots}
	if trace {
		reply.Trace = &outcome.Trace
	}
	return reply
}

// safeRun decodes and runs a scenario, turning a panic (a bug in this port)
// into an error so that the adapter keeps serving (R-PROTO-8).
func safeRun(w *scenarioJSON, trace bool) (outcome *Outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			outcome, err = nil, fmt.Errorf("internal error in the go adapter, please report it: %v", p)
		}
	}()
	sc, err := decodeScenario(w)
	if err != nil {
		return nil, err
	}
	return Run(sc, trace)
}

// stringID returns the request's id when it is a JSON string, else nil, which
// an error reply sends as null (R-PROTO-8).
func stringID(raw json.RawMessage) *string {
	var s string
	// Checked before decoding because null decodes into a string without
	// error, and a null id must stay null.
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return nil
	}
	return &s
}

func errorReply(id *string, format string, args ...any) ErrorReply {
	return ErrorReply{Type: "error", ID: id, Message: fmt.Sprintf(format, args...)}
}

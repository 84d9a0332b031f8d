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
// only then. A panic is a bug in this port; it becomes an error reply so
// that the adapter keeps serving (R-PROTO-8).
func handleLine(line []byte) (reply any, stop bool) {
	var req *request
	defer func() {
		if p := recover(); p != nil {
			var id *string
			if req != nil {
				id = req.ID
			}
			reply, stop = errorReply(id, "internal error in the go adapter, please report it: %v", p), false
		}
	}()
	req, err := readRequest(line)
	if err != nil {
		return errorReply(nil, "%v", err), false
	}
	if !req.HasType {
		return errorReply(req.ID, "message has no string \"type\""), false
	}
	switch req.Type {
	case "hello":
		// R-PROTO-5: whatever version is asked for, answer with the one this
		// port speaks and let the runner report a mismatch.
		return Hello, false
	case "run":
		return runRequest(req), false
	case "shutdown":
		// R-PROTO-9: exit without replying.
		return nil, true
	}
	return errorReply(req.ID, "unknown message type %q", req.Type), false
}

// runRequest answers run (R-PROTO-6) with a result or an error reply.
func runRequest(req *request) any {
	if req.ID == nil {
		return errorReply(nil, "run: \"id\" is missing or not a string")
	}
	if req.ValueErr != nil {
		return errorReply(req.ID, "run: %v", req.ValueErr)
	}
	if req.Scenario == nil {
		return errorReply(req.ID, "run: \"scenario\" is missing")
	}
	outcome, err := Run(req.Scenario, req.Trace)
	if err != nil {
		return errorReply(req.ID, "run: %v", err)
	}
	reply := ResultReply{Type: "result", ID: *req.ID, Snapshots: outcome.Snapshots}
	if req.Trace {
		reply.Trace = &outcome.Trace
	}
	return reply
}

func errorReply(id *string, format string, args ...any) ErrorReply {
	return ErrorReply{Type: "error", ID: id, Message: fmt.Sprintf(format, args...)}
}

// Command rsm-adapter is the Go port of the rsm-conformance state machine,
// speaking adapter protocol v1 on stdin and stdout (SPEC.md section 7).
package main

import (
	"fmt"
	"os"

	"rsm-conformance/adapters/go/rsm"
)

func main() {
	// stdout carries protocol lines only (R-PROTO-2); anything else goes to
	// stderr, which the runner shows when something fails.
	if err := rsm.Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "rsm-adapter: %v\n", err)
		os.Exit(1)
	}
}

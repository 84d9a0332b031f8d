package rsm

// This hand-written reader is the port's one JSON parser for requests, kept
// because the 2 s budget for a 10^6-step run needs it. Measured through the
// adapter at 10^6 steps with bench/measure.ts's scaleThroughAdapter, on 2
// cores shared with other jobs, variants interleaved, median of 5 rounds:
// this reader 1861 ms (1600..3295); encoding/json decoding the request into
// structs in one Unmarshal (steps pre-sized, no json.RawMessage copy of the
// scenario, no pointer per string) 2722 ms (2374..6373); with the scenario
// as json.RawMessage decoded a second time, 3138 ms (3 rounds, against
// 1697 ms). In-process (BenchmarkServeLongScenario): 0.36-0.47 s against
// 0.92-0.99 s, the difference being reflection in encoding/json's decoder.
// The protocol has few shapes, so they are read directly.

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads one protocol line; see the top of this file for why it
// exists. It accepts exactly RFC 8259 JSON (FuzzReaderMatchesEncodingJSON
// checks that against encoding/json): anything else is a syntax error, which
// becomes an error reply (R-PROTO-8).
type jsonReader struct {
	b     []byte
	i     int
	depth int
	// valueErr is the first value that has the wrong JSON type or content for
	// its place. Reading goes on after it, so that the line's syntax is still
	// checked and the request's id is still found for the error reply.
	valueErr error
}

// maxDepth bounds nesting in ignored fields, so that a line of a million "["
// is an error reply rather than a deep recursion.
const maxDepth = 1000

type jsonSyntaxError struct {
	offset int
	msg    string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("line is not JSON: byte %d: %s", e.offset, e.msg)
}

func (r *jsonReader) fail(msg string) error {
	return &jsonSyntaxError{r.i, msg}
}

// next skips whitespace and returns the next byte, or 0 at the end.
func (r *jsonReader) next() byte {
	for r.i < len(r.b) {
		switch c := r.b[r.i]; c {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return c
		}
	}
	return 0
}

// atEnd reports whether only whitespace is left.
func (r *jsonReader) atEnd() bool {
	r.next()
	return r.i == len(r.b)
}

// str reads a string. Without escapes the result aliases the line; callers
// copy what they keep.
func (r *jsonReader) str() ([]byte, error) {
	if r.next() != '"' {
		return nil, r.fail("expected a string")
	}
	r.i++
	start := r.i
	for r.i < len(r.b) {
		switch c := r.b[r.i]; {
		case c == '"':
			r.i++
			return r.b[start : r.i-1], nil
		case c == '\\':
			return r.strEscaped(start)
		case c < 0x20:
			return nil, r.fail("control character in a string")
		}
		r.i++
	}
	return nil, r.fail("unterminated string")
}

func (r *jsonReader) strEscaped(start int) ([]byte, error) {
	out := append([]byte(nil), r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return out, nil
		case c < 0x20:
			return nil, r.fail("control character in a string")
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			break
		}
		e := r.b[r.i+1]
		r.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			rn, ok := r.hex4()
			if !ok {
				return nil, r.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(rn) {
				rn = r.lowSurrogate(rn)
			}
			out = utf8.AppendRune(out, rn)
		default:
			return nil, r.fail("bad escape")
		}
	}
	return nil, r.fail("unterminated string")
}

// lowSurrogate completes a surrogate pair. A lone surrogate becomes U+FFFD,
// as in encoding/json; R-KEY-1 keeps them out of valid scenarios anyway.
func (r *jsonReader) lowSurrogate(hi rune) rune {
	if hi >= 0xDC00 || r.i+1 >= len(r.b) || r.b[r.i] != '\\' || r.b[r.i+1] != 'u' {
		return utf8.RuneError
	}
	save := r.i
	r.i += 2
	lo, ok := r.hex4()
	if !ok || lo < 0xDC00 || lo > 0xDFFF {
		// Not a low surrogate: it is read again as an escape of its own.
		r.i = save
		return utf8.RuneError
	}
	return utf16.DecodeRune(hi, lo)
}

func (r *jsonReader) hex4() (rune, bool) {
	if r.i+4 > len(r.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(r.b[r.i:r.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	r.i += 4
	return rune(v), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number reads a JSON number and returns its text.
func (r *jsonReader) number() ([]byte, error) {
	r.next()
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	switch {
	case r.i < len(r.b) && r.b[r.i] == '0':
		r.i++
	case r.i < len(r.b) && isDigit(r.b[r.i]):
		r.digits()
	default:
		return nil, r.fail("bad number")
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if r.digits() == 0 {
			return nil, r.fail("bad number")
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if r.digits() == 0 {
			return nil, r.fail("bad number")
		}
	}
	return r.b[start:r.i], nil
}

func (r *jsonReader) digits() int {
	start := r.i
	for r.i < len(r.b) && isDigit(r.b[r.i]) {
		r.i++
	}
	return r.i - start
}

// integer reads a node id or cluster size straight into an int: no JSON
// number passes through float64, so 2.0 or 1e0 is rejected, not rounded.
// A value that is not an integer is skipped and described in bad.
func (r *jsonReader) integer() (n int, bad string, err error) {
	if c := r.next(); c != '-' && !isDigit(c) {
		return 0, "expected an integer", r.skip()
	}
	tok, err := r.number()
	if err != nil {
		return 0, "", err
	}
	n, perr := strconv.Atoi(string(tok))
	if perr != nil {
		return 0, fmt.Sprintf("%s is not an integer in range", tok), nil
	}
	return n, "", nil
}

// stringValue reads a string, or skips a value of another type and says so
// in bad.
func (r *jsonReader) stringValue() (s []byte, bad string, err error) {
	if r.next() != '"' {
		return nil, "expected a string", r.skip()
	}
	s, err = r.str()
	return s, "", err
}

// literal reads true, false or null.
func (r *jsonReader) literal() ([]byte, error) {
	r.next()
	for _, lit := range [][]byte{[]byte("true"), []byte("false"), []byte("null")} {
		if bytes.HasPrefix(r.b[r.i:], lit) {
			r.i += len(lit)
			return lit, nil
		}
	}
	return nil, r.fail("expected a value")
}

// skip reads and discards any value; fields nobody knows are ignored
// (R-PROTO-4) but must still be JSON.
func (r *jsonReader) skip() error {
	switch c := r.next(); {
	case c == '{':
		return r.object(func([]byte) error { return r.skip() })
	case c == '[':
		return r.array(func(int) error { return r.skip() })
	case c == '"':
		_, err := r.str()
		return err
	case c == '-' || isDigit(c):
		_, err := r.number()
		return err
	}
	_, err := r.literal()
	return err
}

// object reads an object, calling member for each key with the reader at
// the value, which member must consume. Duplicate keys reach member in order,
// so the last one wins, as in encoding/json.
func (r *jsonReader) object(member func(key []byte) error) error {
	if r.next() != '{' {
		return r.fail("expected an object")
	}
	if r.depth++; r.depth > maxDepth {
		return r.fail("nested too deeply")
	}
	r.i++
	if r.next() == '}' {
		r.i++
		r.depth--
		return nil
	}
	for {
		key, err := r.str()
		if err != nil {
			return err
		}
		if r.next() != ':' {
			return r.fail("expected ':'")
		}
		r.i++
		if err := member(key); err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.i++
		case '}':
			r.i++
			r.depth--
			return nil
		default:
			return r.fail("expected ',' or '}'")
		}
	}
}

// array reads an array, calling elem for each element.
func (r *jsonReader) array(elem func(i int) error) error {
	if r.next() != '[' {
		return r.fail("expected an array")
	}
	if r.depth++; r.depth > maxDepth {
		return r.fail("nested too deeply")
	}
	r.i++
	if r.next() == ']' {
		r.i++
		r.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch r.next() {
		case ',':
			r.i++
		case ']':
			r.i++
			r.depth--
			return nil
		default:
			return r.fail("expected ',' or ']'")
		}
	}
}

package rsm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

const helloLine = `{"type":"hello","protocol":1,"name":"go","version":"0.1.0","features":["append","incr","cas","crash","compact","elect","decode"]}`

// serve runs Serve over input and returns the reply lines.
func serve(t *testing.T, input string) []string {
	t.Helper()
	var out bytes.Buffer
	if err := Serve(strings.NewReader(input), &out); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	s := out.String()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("output does not end with a newline: %q", s)
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func expectLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d reply lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// R-PROTO-5: a hello for another version is still answered with version 1.
func TestHello(t *testing.T) {
	expectLines(t, serve(t, `{"type":"hello","protocol":1}`+"\n"), helloLine)
	expectLines(t, serve(t, `{"type":"hello","protocol":2,"extra":{"x":[1]}}`+"\n"), helloLine)
}

// The session of section 7, for the section 6 example.
func TestRunSession(t *testing.T) {
	in := `{"type":"hello","protocol":1}
{"type":"run","id":"1","name":"partition/heal-catches-up","trace":false,"scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]}}
{"type":"shutdown"}
{"type":"hello","protocol":1}
`
	both := "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c"
	one := "524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5"
	// R-PROTO-7: no trace key at all without trace; R-PROTO-9: nothing after
	// shutdown.
	expectLines(t, serve(t, in), helloLine,
		`{"type":"result","id":"1","snapshots":[{"step":3,"node":3,"hex":"`+one+`"},{"step":5,"node":1,"hex":"`+both+`"},{"step":5,"node":2,"hex":"`+both+`"},{"step":5,"node":3,"hex":"`+both+`"}]}`)
}

// R-PROTO-7: with trace, one entry per step with null for down nodes.
func TestRunTrace(t *testing.T) {
	in := `{"type":"run","id":"t","trace":true,"scenario":{"cluster":{"nodes":2,"leader":1},"steps":[{"op":"crash","node":2},{"op":"snapshot","nodes":[1]}]}}`
	empty := "524b563100000000000000010000000000000000000000000000000000000000045540e9"
	expectLines(t, serve(t, in),
		`{"type":"result","id":"t","snapshots":[{"step":1,"node":1,"hex":"`+empty+`"}],"trace":[{"step":0,"states":["`+empty+`",null]},{"step":1,"states":["`+empty+`",null]}]}`)
}

// R-PROTO-8: bad input gets an error reply with the request's id or null, and
// the adapter keeps serving.
func TestErrorReplies(t *testing.T) {
	lines := []string{
		`garbage`,
		``,
		`[1,2]`,
		`null`,
		`"run"`,
		`{"type":"run","id":"u","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"frobnicate"}]}}`,
		`{"type":"run","id":"v","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":"x"}]}}`,
		`{"type":"run","id":"w","scenario":{"cluster":{"nodes":3.5,"leader":1},"steps":[{"op":"heal"}]}}`,
		`{"type":"run","id":"x","trace":"yes","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"heal"}]}}`,
		`{"type":"run","id":"y"}`,
		`{"type":"run","id":7,"scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"heal"}]}}`,
		`{"type":"run","id":null}`,
		`{"type":"result","id":"<&>"}`,
		`{"id":"z"}`,
		`{"type":"run","id":"c","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":1}]}}`,
		`{"type":"hello","protocol":1}`,
	}
	got := serve(t, strings.Join(lines, "\n")+"\n")
	wantIDs := []any{nil, nil, nil, nil, nil, "u", "v", "w", "x", "y", nil, nil, "<&>", "z", "c"}
	if len(got) != len(wantIDs)+1 {
		t.Fatalf("%d replies for %d lines:\n%s", len(got), len(lines), strings.Join(got, "\n"))
	}
	for i, id := range wantIDs {
		var m map[string]any
		if err := json.Unmarshal([]byte(got[i]), &m); err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if m["type"] != "error" || m["id"] != id || m["message"] == "" || len(m) != 3 {
			t.Errorf("reply to %s: %s, want an error with id %v", lines[i], got[i], id)
		}
	}
	if !strings.Contains(got[12], `"id":"<&>"`) {
		t.Errorf("id was HTML-escaped: %s", got[12])
	}
	if !strings.Contains(got[14], "steps[0].node: crash of node 1, the leader, is not allowed (R-CRASH-1)") {
		t.Errorf("leader crash: %s", got[14])
	}
	if got[len(got)-1] != helloLine {
		t.Errorf("after errors: %s", got[len(got)-1])
	}
}

// R-PROTO-9: EOF ends the session with no error; a last line without its
// newline is still answered.
func TestEOF(t *testing.T) {
	if got := serve(t, ""); got != nil {
		t.Fatalf("replies to empty input: %q", got)
	}
	expectLines(t, serve(t, `{"type":"hello","protocol":1}`), helloLine)
}

// R-PROTO-1: no line length cap. A 1 MB value is a 2 MB line in, and two
// snapshots of it in the reply.
func TestLongLine(t *testing.T) {
	value := bytes.Repeat([]byte{0xab, 0x00, 0x7f, 0xff}, 1<<18)
	key := strings.Repeat("k\x00\u00e9", 30000) // > 65,535 bytes with NUL
	keyJSON, _ := json.Marshal(key)
	in := `{"type":"run","id":"big","trace":false,"scenario":{"cluster":{"nodes":2,"leader":1},"steps":[{"op":"put","key":` +
		string(keyJSON) + `,"value":"` + hex.EncodeToString(value) + `"},{"op":"snapshot","nodes":[1,2]}]}}` + "\n"
	got := serve(t, in)
	if len(got) != 1 {
		t.Fatalf("%d replies", len(got))
	}
	var res struct {
		Type      string
		Snapshots []SnapshotEntry
	}
	if err := json.Unmarshal([]byte(got[0]), &res); err != nil || res.Type != "result" || len(res.Snapshots) != 2 {
		t.Fatalf("reply %.200s: %v", got[0], err)
	}
	for _, s := range res.Snapshots {
		b, _ := hex.DecodeString(s.Hex)
		_, pairs, err := DecodeSnapshot(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) != 1 || pairs[0].Key != key || !bytes.Equal(pairs[0].Value, value) {
			t.Fatalf("node %d: wrong pair", s.Node)
		}
	}
}

// A write failure is reported, not swallowed.
func TestWriteError(t *testing.T) {
	err := Serve(strings.NewReader(`{"type":"hello","protocol":1}`+"\n"), failWriter{})
	if !errors.Is(err, errWrite) {
		t.Fatalf("Serve = %v", err)
	}
}

var errWrite = errors.New("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

var _ io.Writer = failWriter{}

// BenchmarkServeLongScenario serves one run of 10^6 steps over 100 keys with
// N = 5, the size the performance budget is stated for (well under 2 s).
func BenchmarkServeLongScenario(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"type":"run","id":"perf","trace":false,"scenario":{"cluster":{"nodes":5,"leader":1},"steps":[`)
	for i := 0; i < 1_000_000-1; i++ {
		key := i * 7919 % 100
		switch i % 10 {
		case 0, 1, 2, 3:
			fmt.Fprintf(&sb, `{"op":"put","key":"k%d","value":"%08x"},`, key, i)
		case 4:
			fmt.Fprintf(&sb, `{"op":"append","key":"k%d","value":"ab"},`, key)
		case 5, 6:
			fmt.Fprintf(&sb, `{"op":"incr","key":"c%d","delta":"18446744073709551557"},`, key%10)
		case 7:
			fmt.Fprintf(&sb, `{"op":"cas","key":"k%d","expected":null,"value":"01"},`, key)
		case 8:
			fmt.Fprintf(&sb, `{"op":"delete","key":"k%d"},`, key)
		case 9:
			if i%10000 == 9 {
				fmt.Fprintf(&sb, `{"op":"partition","nodes":[%d]},`, 2+i/10000%4)
			} else {
				sb.WriteString(`{"op":"heal"},`)
			}
		}
	}
	sb.WriteString(`{"op":"snapshot","nodes":[1,2,3,4,5]}]}}` + "\n")
	line := sb.String()
	b.SetBytes(int64(len(line)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out bytes.Buffer
		if err := Serve(strings.NewReader(line), &out); err != nil {
			b.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), `{"type":"result"`) {
			b.Fatalf("%.200s", out.String())
		}
	}
}

// R-PROTO-8: every line the adapter does not understand gets an error reply
// with the request's id when it is a string and null otherwise, and the
// adapter keeps serving. A blank line gets one too (R-PROTO-4 allows it).
func TestEveryLineNotUnderstood(t *testing.T) {
	heal := `"scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"heal"}]}`
	garbage := strings.Repeat("\x01garbage{[\"", 1_000_000) // 10 MB, no newline in it
	cases := []struct {
		line    string
		id      any // nil for null
		message string
	}{
		{``, nil, "blank line, not a message (R-PROTO-4)"},
		{" \t\r", nil, "blank line, not a message (R-PROTO-4)"},
		{`garbage`, nil, "line is not JSON: byte 0: expected a value"},
		{`{"type":"hello"`, nil, "line is not JSON"},
		{"{\"type\":\"run\",\"id\":\"a\xff\"}", nil, "line is not valid UTF-8 (R-PROTO-1)"},
		{"\xc3\x28", nil, "line is not valid UTF-8 (R-PROTO-1)"},
		{`[1,2]`, nil, "line is not a JSON object (R-PROTO-1)"},
		{`null`, nil, "line is not a JSON object (R-PROTO-1)"},
		{`"run"`, nil, "line is not a JSON object (R-PROTO-1)"},
		{`{"id":"n"}`, "n", `message has no string "type" (R-PROTO-4)`},
		{`{"type":"frobnicate","id":"f"}`, "f", `unknown message type "frobnicate" (R-PROTO-4)`},
		{`{"type":"run","id":"s"}`, "s", `run: "scenario" is missing (R-PROTO-6)`},
		{`{"type":"run","id":7,` + heal + `}`, nil, `run: "id" is missing or not a string (R-PROTO-6)`},
		{`{"type":"run","id":"tr","trace":"yes",` + heal + `}`, "tr", "trace: expected true or false (R-PROTO-7)"},
		{`{"type":"run","id":"x","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":"2"}]}}`, "x",
			"steps[0].node: expected an integer (R-NODE-1)"},
		{`{"type":"run","id":"c","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"crash","node":1}]}}`, "c",
			"steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)"},
		{`{"type":"run","id":"d","scenario":` + strings.Repeat("[", 100_000) + `}`, nil, "line is not JSON: byte 1033: nested too deeply"},
		{`{"type":"run","id":"o","scenario":[1]}`, "o", "(root): a scenario is an object (R-NORM-4)"},
		{garbage, nil, "line is not JSON: byte 0: expected a value"},
	}
	lines := make([]string, len(cases))
	for i, c := range cases {
		lines[i] = c.line
	}
	got := serve(t, strings.Join(lines, "\n")+"\n"+`{"type":"hello","protocol":1}`+"\n")
	if len(got) != len(cases)+1 {
		t.Fatalf("%d replies for %d lines", len(got), len(cases)+1)
	}
	for i, c := range cases {
		var m map[string]any
		if err := json.Unmarshal([]byte(got[i]), &m); err != nil {
			t.Fatalf("reply %d is not JSON: %v", i, err)
		}
		msg, _ := m["message"].(string)
		if m["type"] != "error" || m["id"] != c.id || len(m) != 3 || !strings.HasPrefix(msg, c.message) {
			t.Errorf("reply to %.60q:\n got %.300s\nwant an error with id %v and message %q", c.line, got[i], c.id, c.message)
		}
		if len(got[i]) > 300 {
			t.Errorf("reply to %.60q is %d bytes: the message must not echo the line", c.line, len(got[i]))
		}
	}
	if got[len(got)-1] != helloLine {
		t.Errorf("after the errors: %s", got[len(got)-1])
	}
}

// R-PROTO-13: decoded with u64s as exact decimal strings and keys as their
// code points; rejected with the rule; error for a request that cannot be
// read, after which the adapter serves on.
func TestDecodeReplies(t *testing.T) {
	bomNul := raw(7, max64, 7, 3, pair("", ""), pair("\x00", "00"), pair("\uFEFFa\x00b", "\xff"))
	lines := []string{
		`{"type":"decode","id":"e","hex":"524b563100000000000000010000000000000000000000000000000000000000045540e9"}`,
		`{"type":"decode","id":"w","hex":"524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c","x":1}`,
		`{"type":"decode","id":"k","hex":"` + hex.EncodeToString(bomNul) + `"}`,
		`{"type":"decode","id":"0","hex":""}`,
		`{"type":"decode","id":"u","hex":"` + strings.ToUpper(hex.EncodeToString(raw(1, 0, 0, 1))) + `"}`,
		`{"type":"decode","id":"m"}`,
		`{"type":"decode","id":"n","hex":null}`,
		`{"type":"decode","id":"o","hex":["00"]}`,
		`{"type":"decode","id":"p","hex":"0"}`,
		`{"type":"decode","id":"q","hex":"zz"}`,
		`{"type":"decode","id":3,"hex":""}`,
		`{"type":"decode","hex":""}`,
		`{"type":"run","id":"r","hex":7,"scenario":{"cluster":{"nodes":1,"leader":1},"steps":[{"op":"snapshot","nodes":[1]}]}}`,
		`{"type":"hello","protocol":1}`,
	}
	got := serve(t, strings.Join(lines, "\n")+"\n")
	empty := "524b563100000000000000010000000000000000000000000000000000000000045540e9"
	expectLines(t, got,
		`{"type":"decoded","id":"e","snapshot":{"current_term":"1","last_included_index":"0","last_included_term":"0","pairs":[]}}`,
		`{"type":"decoded","id":"w","snapshot":{"current_term":"1","last_included_index":"2","last_included_term":"1","pairs":[{"key":"a","value":"31"},{"key":"b","value":"00ff"}]}}`,
		`{"type":"decoded","id":"k","snapshot":{"current_term":"7","last_included_index":"18446744073709551615","last_included_term":"7","pairs":[{"key":"","value":""},{"key":"\u0000","value":"3030"},{"key":"`+"\uFEFF"+`a\u0000b","value":"ff"}]}}`,
		`{"type":"rejected","id":"0","rule":"R-DECODE-1","message":"R-DECODE-1 at byte 0: 0 bytes, fewer than 36"}`,
		`{"type":"rejected","id":"u","rule":"R-DECODE-5","message":"R-DECODE-5 at byte 32: pair 0: key length needs 4 bytes, 0 remain before the crc"}`,
		`{"type":"error","id":"m","message":"decode: \"hex\" is missing or not a string (R-PROTO-13)"}`,
		`{"type":"error","id":"n","message":"decode: \"hex\" is missing or not a string (R-PROTO-13)"}`,
		`{"type":"error","id":"o","message":"decode: \"hex\" is missing or not a string (R-PROTO-13)"}`,
		`{"type":"error","id":"p","message":"decode: hex \"0\" is not an even-length hex string (R-PROTO-13)"}`,
		`{"type":"error","id":"q","message":"decode: hex \"zz\" is not an even-length hex string (R-PROTO-13)"}`,
		`{"type":"error","id":null,"message":"decode: \"id\" is missing or not a string (R-PROTO-13)"}`,
		`{"type":"error","id":null,"message":"decode: \"id\" is missing or not a string (R-PROTO-13)"}`,
		`{"type":"result","id":"r","snapshots":[{"step":0,"node":1,"hex":"`+empty+`"}]}`,
		helloLine)
	// The key comes back as the same code points when parsed as JSON.
	var m struct {
		Snapshot struct{ Pairs []struct{ Key string } }
	}
	if err := json.Unmarshal([]byte(got[2]), &m); err != nil || m.Snapshot.Pairs[2].Key != "\uFEFFa\x00b" {
		t.Fatalf("key: %v %q", err, m.Snapshot.Pairs)
	}
}

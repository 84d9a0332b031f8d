package rsm

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var jsonSeeds = []string{
	`"plain"`, `""`, `"\u0000"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\ude00"`,
	`"a\/b\\c\"d\b\f\n\r\t"`, `"\uFFFD"`, `"é😀"`, `"\u00e9"`, `"\x"`, `"unterminated`, "\"tab\there\"",
	`{"a":[1,-2,3.5e+10,0,-0,true,false,null,{"b":{}}],"c":[]}`, ` { "a" : 1 } `, `{"a":1,}`, `[1,]`,
	`01`, `1.`, `-`, `1e`, `.5`, `nul`, `{"a" 1}`, `[[[]]]`, `{"a":1}x`, `tru`, `"\u12"`,
}

// The reader accepts exactly what encoding/json accepts, and reads strings
// to the same Go strings (for valid UTF-8 input, which R-PROTO-1 promises).
func FuzzReaderMatchesEncodingJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		r := &jsonReader{b: []byte(s)}
		err := r.skip()
		accepted := err == nil && r.atEnd()
		if accepted != json.Valid([]byte(s)) {
			t.Fatalf("%q: reader accepts %v (%v), encoding/json %v", s, accepted, err, !accepted)
		}
		var want string
		if json.Unmarshal([]byte(s), &want) == nil {
			r := &jsonReader{b: []byte(s)}
			got, err := r.str()
			if err != nil || string(got) != want {
				t.Fatalf("%q: reader reads %q, %v; encoding/json %q", s, got, err, want)
			}
		}
	})
}

func TestReaderSeeds(t *testing.T) {
	for _, s := range jsonSeeds {
		r := &jsonReader{b: []byte(s)}
		err := r.skip()
		if accepted := err == nil && r.atEnd(); accepted != json.Valid([]byte(s)) {
			t.Errorf("%q: reader accepts %v, encoding/json does not agree", s, accepted)
		}
	}
	// Deep nesting is an error, not a stack overflow.
	deep := strings.Repeat("[", 1_000_000)
	if err := (&jsonReader{b: []byte(deep)}).skip(); err == nil {
		t.Fatal("deep nesting accepted")
	}
}

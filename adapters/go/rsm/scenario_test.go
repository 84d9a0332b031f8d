package rsm

import (
	"strings"
	"testing"
)

func TestParseScenario(t *testing.T) {
	sc, err := ParseScenario([]byte(` { "steps" : [
		{"op":"incr","key":"\ud83d\ude00\u0000","delta":"9007199254740993","extra":{"x":[1,{"y":null}]}},
		{"op":"incr","key":"k","delta":"18446744073709551615"},
		{"op":"cas","key":"k","expected":null,"value":""},
		{"op":"cas","key":"k","expected":"","value":"AbCd"},
		{"op":"snapshot","nodes":"all"}
	], "cluster" : {"leader":2,"nodes":4}, "tags":["ignored"] }`))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Nodes != 4 || sc.Leader != 2 || len(sc.Steps) != 5 {
		t.Fatalf("%+v", sc)
	}
	c0, c1, c2, c3 := sc.Steps[0].Command, sc.Steps[1].Command, sc.Steps[2].Command, sc.Steps[3].Command
	if c0.Key != "\U0001F600\x00" || c0.Delta != 9007199254740993 || c1.Delta != 18446744073709551615 {
		t.Errorf("incr: %+v %+v", c0, c1)
	}
	if !c2.ExpectedNull || c3.ExpectedNull || c3.Expected == nil || len(c3.Expected) != 0 || string(c3.Value) != "\xab\xcd" {
		t.Errorf("cas: %+v %+v", c2, c3)
	}
	if !sc.Steps[4].AllNodes {
		t.Errorf("snapshot all: %+v", sc.Steps[4])
	}
}

func TestParseScenarioErrors(t *testing.T) {
	cases := map[string]string{
		`{"cluster":{"nodes":2.0},"steps":[{"op":"heal"}]}`:           "cluster.nodes: 2.0 is not an integer in range",
		`{"cluster":{"nodes":1e0},"steps":[{"op":"heal"}]}`:           "cluster.nodes: 1e0 is not an integer in range",
		`{"steps":[{"op":"crash","node":"2"}]}`:                       "steps[0].node: expected an integer",
		`{"steps":[{"op":"put","key":1,"value":""}]}`:                 "steps[0].key: expected a string",
		`{"steps":[{"op":"heal"},{"op":"snapshot","nodes":[1,"x"]}]}`: "steps[1].nodes[1]: expected an integer",
		`{"steps":[{"op":"snapshot","nodes":"some"}]}`:                "steps[0].nodes",
		`{"steps":[{"key":"a"}]}`:                                     "steps[0].op",
		`{"steps":[]}`:                                                "",
		`{"cluster":{}}`:                                              "R-SCEN-2",
		`{"steps":[{"op":"heal"}]} x`:                                 "trailing data",
		`{"steps":[{"op":"heal"}]`:                                    "line is not JSON",
	}
	for in, want := range cases {
		_, err := ParseScenario([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

package rsm

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// TestElectInvariants runs random scenarios with elections, partitions,
// crashes, via and compaction, and after every step checks the safety
// properties of Raft's Figure 3 that SPEC.md section 3.4 promises (R-ELECT-5,
// R-TRUNC-1), on this port's own state: Election Safety, Log Matching,
// Leader Completeness and State Machine Safety, plus that every up node's
// store is its log applied up to last_applied. A failure prints the
// scenario.
func TestElectInvariants(t *testing.T) {
	rng := rand.New(rand.NewSource(24))
	runs := 3000
	if testing.Short() {
		runs = 300
	}
	for r := 0; r < runs; r++ {
		n := 1 + rng.Intn(5)
		steps := randomElectSteps(rng, n, 10+rng.Intn(50))
		scenario := fmt.Sprintf(`{"cluster":{"nodes":%d,"leader":%d},"steps":[%s]}`, n, 1+rng.Intn(n), strings.Join(steps, ","))
		if err := checkElectRun(scenario); err != nil {
			t.Fatalf("%v\nscenario: %s", err, scenario)
		}
	}
}

// randomElectSteps makes a valid scenario's steps: it tracks which nodes are
// up, as validation does (R-CRASH-2, R-RESTART-1, R-ELECT-2, R-COMPACT-1).
func randomElectSteps(rng *rand.Rand, n, count int) []string {
	up := make([]bool, n+1)
	for i := range up {
		up[i] = true
	}
	pick := func(want bool) int {
		var ids []int
		for id := 1; id <= n; id++ {
			if up[id] == want {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return 0
		}
		return ids[rng.Intn(len(ids))]
	}
	steps := []string{`{"op":"elect","node":1}`}
	up[1] = true
	for len(steps) < count {
		switch k := rng.Intn(20); {
		case k < 7:
			via := ""
			if rng.Intn(3) == 0 {
				via = fmt.Sprintf(`,"via":%d`, 1+rng.Intn(n))
			}
			steps = append(steps, fmt.Sprintf(`{"op":"append","key":"k%d","value":"%02x"%s}`, rng.Intn(3), len(steps)%256, via))
		case k < 10:
			if id := pick(true); id != 0 {
				steps = append(steps, fmt.Sprintf(`{"op":"elect","node":%d}`, id))
			}
		case k < 12:
			var p []string
			for id := 1; id <= n; id++ {
				if rng.Intn(2) == 0 {
					p = append(p, fmt.Sprint(id))
				}
			}
			steps = append(steps, `{"op":"partition","nodes":[`+strings.Join(p, ",")+`]}`)
		case k < 14:
			if id := pick(true); id != 0 {
				up[id] = false
				steps = append(steps, fmt.Sprintf(`{"op":"crash","node":%d}`, id))
			}
		case k < 16:
			if id := pick(false); id != 0 {
				up[id] = true
				steps = append(steps, fmt.Sprintf(`{"op":"restart","node":%d}`, id))
			}
		case k < 17:
			for id := range up {
				up[id] = true
			}
			steps = append(steps, `{"op":"heal"}`)
		case k < 19:
			if id := pick(true); id != 0 {
				steps = append(steps, fmt.Sprintf(`{"op":"compact","node":%d}`, id))
			}
		default:
			if id := pick(true); id != 0 {
				steps = append(steps, fmt.Sprintf(`{"op":"snapshot","nodes":[%d]}`, id))
			}
		}
	}
	return append(steps, fmt.Sprintf(`{"op":"snapshot","nodes":[%d]}`, max(pick(true), 1)))
}

// committed is an entry some leader has committed, and the term it led.
type committed struct {
	entry Entry
	term  uint64
}

func checkElectRun(scenario string) error {
	sc, err := ParseScenario([]byte(scenario))
	if err != nil {
		return err
	}
	if !sc.NeedsElect {
		return fmt.Errorf("scenario does not need elect")
	}
	c := NewCluster(sc.Nodes, sc.Leader)
	c.needsElect = true
	leaders := map[uint64]int{} // term -> the one node that led it
	commits := map[int]committed{}
	for i := range sc.Steps {
		if _, ierr := c.Step(&sc.Steps[i]); ierr != nil {
			if strings.Contains(ierr.Error(), "R-SNAP-2") {
				continue // the last snapshot may name a down node
			}
			return fmt.Errorf("step %d: %v", i, ierr)
		}
		if err := checkElectState(c, leaders, commits); err != nil {
			return fmt.Errorf("after step %d: %v", i, err)
		}
	}
	return nil
}

// entryAt is node x's entry at i (the arena keeps discarded ones).
func entryAt(x *Node, i int) Entry { return x.log.entries[i-1] }

func checkElectState(c *Cluster, leaders map[uint64]int, commits map[int]committed) error {
	for _, x := range c.nodes {
		// Election Safety.
		if x.Up && x.Role == Leader {
			if id, ok := leaders[x.CurrentTerm]; ok && id != x.ID {
				return fmt.Errorf("nodes %d and %d both led term %d", id, x.ID, x.CurrentTerm)
			}
			leaders[x.CurrentTerm] = x.ID
		}
		// Terms never decrease along a log, and none is above current_term.
		for i := x.SavedIndex + 1; i <= x.LogLen; i++ {
			if e := entryAt(x, i); e.Term > x.CurrentTerm || (i > x.SavedIndex+1 && e.Term < entryAt(x, i-1).Term) {
				return fmt.Errorf("node %d: entry %d of term %d out of order", x.ID, i, e.Term)
			}
		}
	}
	// Log Matching: where two logs hold an entry of the same term at an
	// index, they hold the same entries up to it.
	for _, x := range c.nodes {
		for _, y := range c.nodes {
			top := min(x.LogLen, y.LogLen)
			low := max(x.SavedIndex, y.SavedIndex)
			for i := top; i > low; i-- {
				if entryAt(x, i).Term != entryAt(y, i).Term {
					continue
				}
				for j := i; j > low; j-- {
					if entryAt(x, j) != entryAt(y, j) {
						return fmt.Errorf("nodes %d and %d agree on the term at %d but differ at %d", x.ID, y.ID, i, j)
					}
				}
				break
			}
		}
	}
	// State Machine Safety: an index is committed with one entry only; and
	// Leader Completeness: a leader of a later term holds every one.
	for _, x := range c.nodes {
		if !x.Up {
			continue
		}
		for i := x.SavedIndex + 1; i <= x.CommitIndex; i++ {
			e := entryAt(x, i)
			if got, ok := commits[i]; ok && got.entry != e {
				return fmt.Errorf("node %d committed entry %d of term %d, another of term %d was", x.ID, i, e.Term, got.entry.Term)
			} else if !ok {
				commits[i] = committed{entry: e, term: x.CurrentTerm}
			}
		}
		if x.Role == Leader {
			for i, cm := range commits {
				if cm.term < x.CurrentTerm && i > x.SavedIndex && (i > x.LogLen || entryAt(x, i) != cm.entry) {
					return fmt.Errorf("leader %d of term %d lacks entry %d committed in term %d", x.ID, x.CurrentTerm, i, cm.term)
				}
			}
		}
		// The store is the log applied up to last_applied; a restored or
		// installed prefix is the same entries (the arena keeps them).
		replay := NewStore()
		for i := 1; i <= x.LastApplied; i++ {
			if cmd := entryAt(x, i).Command; cmd != nil {
				ApplyCommand(replay, cmd)
			}
		}
		if !samePairs(replay.Pairs(), x.Store.Pairs()) {
			return fmt.Errorf("node %d: store is not its log applied to %d", x.ID, x.LastApplied)
		}
	}
	return nil
}

func samePairs(a, b []Pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || !bytes.Equal(a[i].Value, b[i].Value) {
			return false
		}
	}
	return true
}

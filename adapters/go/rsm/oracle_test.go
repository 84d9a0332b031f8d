package rsm

import (
	"encoding/hex"
	"fmt"
	"math/rand"
	"testing"
)

// oracle is SPEC.md section 2-3 read as literally as possible: every node
// holds its own copy of its log, commit is found by trying every index, and
// rejoin replays the leader's log. With compaction (section 3.3) a node's
// discarded entries are set to nil, so reading one fails, and rejoin replays
// from the leader's saved snapshot, decoded, then the entries it still holds. It is slow and obviously right, and the
// randomised test below checks the real cluster (shared log, fast commit,
// cloned store on rejoin) against it after every step.
type oracle struct {
	leader   int
	nodes    []*oracleNode // nodes[id-1]
	isolated map[int]bool
	// installs and keeps count R-INSTALL-1 and R-INSTALL-2 decisions taken
	// while a leader had a saved snapshot, so the test can check it met both.
	installs, keeps int
}

type oracleNode struct {
	up              bool
	log             []*Command
	commit, applied int
	store           *Store
	saved           []byte
	savedIndex      int
}

// restored is a store and index read back from saved bytes (R-SAVED-3), or
// the empty store and 0 without any.
func restored(saved []byte) (*Store, int) {
	if saved == nil {
		return NewStore(), 0
	}
	h, pairs, err := DecodeSnapshot(saved)
	if err != nil {
		panic(err)
	}
	return storeOf(pairs), int(h.LastIncludedIndex)
}

// storeOf builds a store from decoded pairs.
func storeOf(pairs []Pair) *Store {
	s := NewStore()
	for _, p := range pairs {
		s.Put(p.Key, p.Value)
	}
	return s
}

func (n *oracleNode) snapshot() []byte {
	return EncodeSnapshot(SnapshotHeader{CurrentTerm: 1, LastIncludedIndex: uint64(n.applied), LastIncludedTerm: min(uint64(n.applied), 1)}, n.store.Pairs())
}

// comeUp is restart and heal's restart: restored from saved, or empty.
func (n *oracleNode) comeUp() {
	n.up, n.commit = true, 0
	n.store, n.applied = restored(n.saved)
	n.commit = n.applied
}

func newOracle(n, leader int) *oracle {
	o := &oracle{leader: leader, isolated: map[int]bool{}}
	for i := 0; i < n; i++ {
		o.nodes = append(o.nodes, &oracleNode{up: true, store: NewStore()})
	}
	return o
}

func (o *oracle) node(id int) *oracleNode { return o.nodes[id-1] }

func (o *oracle) reachable(id int) bool {
	return id != o.leader && o.node(id).up && !o.isolated[id]
}

func (o *oracle) step(st *Step) {
	l := o.node(o.leader)
	if st.Op == OpSnapshot {
		return
	}
	before := map[int]bool{}
	for id := range o.nodes {
		before[id+1] = o.reachable(id + 1)
	}
	switch st.Op {
	case OpPartition:
		o.isolated = map[int]bool{}
		for _, id := range st.Nodes {
			o.isolated[id] = true
		}
	case OpCrash:
		n := o.node(st.Node)
		n.up, n.store, n.commit, n.applied = false, NewStore(), 0, 0
	case OpRestart:
		o.node(st.Node).comeUp()
	case OpHeal:
		o.isolated = map[int]bool{}
		for _, n := range o.nodes {
			if !n.up {
				n.comeUp()
			}
		}
	case OpCompact:
		n := o.node(st.Node)
		n.saved, n.savedIndex = n.snapshot(), n.applied
		for i := 0; i < n.applied; i++ {
			n.log[i] = nil
		}
	default:
		l.log = append(l.log, st.Command)
	}
	for id := 1; id <= len(o.nodes); id++ {
		if !before[id] && o.reachable(id) {
			f := o.node(id)
			if l.saved != nil {
				if len(f.log) < l.savedIndex {
					f.saved, f.savedIndex = l.saved, l.savedIndex
					o.installs++
				} else {
					o.keeps++
				}
			}
			// f's log logically equals the leader's: nothing up to its saved
			// index, its own entries, then what the leader still holds.
			log := make([]*Command, len(l.log))
			for i := f.savedIndex; i < len(log); i++ {
				if i < len(f.log) {
					log[i] = f.log[i]
				} else {
					log[i] = mustHold(l.log, i)
				}
			}
			f.log = log
			var from int
			f.store, from = restored(l.saved)
			for i := from; i < l.commit; i++ {
				ApplyCommand(f.store, mustHold(l.log, i))
			}
			f.commit, f.applied = l.commit, l.commit
		}
	}
	// The round.
	for id := 1; id <= len(o.nodes); id++ {
		if f := o.node(id); o.reachable(id) {
			for i := len(f.log); i < len(l.log); i++ {
				f.log = append(f.log, mustHold(l.log, i))
			}
		}
	}
	majority := len(o.nodes)/2 + 1
	for n := 1; n <= len(l.log); n++ {
		count := 0
		for _, node := range o.nodes {
			if len(node.log) >= n {
				count++
			}
		}
		if count >= majority && n > l.commit {
			l.commit = n
		}
	}
	apply := func(n *oracleNode) {
		for ; n.applied < n.commit; n.applied++ {
			ApplyCommand(n.store, mustHold(n.log, n.applied))
		}
	}
	apply(l)
	for id := 1; id <= len(o.nodes); id++ {
		if o.reachable(id) {
			f := o.node(id)
			f.commit = l.commit
			apply(f)
		}
	}
}

func (o *oracle) states() []string {
	var s []string
	for _, n := range o.nodes {
		if n.up {
			s = append(s, hex.EncodeToString(n.snapshot()))
		} else {
			s = append(s, "null")
		}
	}
	return s
}

// randomScenario returns a valid scenario: crash and restart only of nodes
// in the right state, snapshots only of up nodes.
func randomScenario(rng *rand.Rand) *Scenario {
	n := 1 + rng.Intn(7)
	sc := &Scenario{Nodes: n, Leader: 1 + rng.Intn(n)}
	up := make([]bool, n+1)
	for i := range up {
		up[i] = true
	}
	keys := []string{"", "a", "b", "\x00", "\uFFFD", "\U0001F600", "__proto__"}
	bytesOf := func() []byte {
		b := make([]byte, rng.Intn(3)*4) // 0, 4 or 8 bytes: incr both works and no-ops
		rng.Read(b)
		return b
	}
	followers := func(pick func(id int) bool) []int {
		var ids []int
		for _, id := range rng.Perm(n) {
			if id+1 != sc.Leader && pick(id+1) {
				ids = append(ids, id+1)
			}
		}
		return ids
	}
	for i := 0; i < 80; i++ {
		key := keys[rng.Intn(len(keys))]
		var st Step
		switch r := rng.Intn(22); {
		case r < 3:
			st = Step{Op: OpPut, Command: &Command{Op: OpPut, Key: key, Value: bytesOf()}}
		case r < 4:
			st = Step{Op: OpDelete, Command: &Command{Op: OpDelete, Key: key}}
		case r < 6:
			st = Step{Op: OpAppend, Command: &Command{Op: OpAppend, Key: key, Value: bytesOf()}}
		case r < 8:
			st = Step{Op: OpIncr, Command: &Command{Op: OpIncr, Key: key, Delta: rng.Uint64() >> uint(rng.Intn(64))}}
		case r < 10:
			c := &Command{Op: OpCas, Key: key, Value: bytesOf(), ExpectedNull: rng.Intn(3) == 0}
			if !c.ExpectedNull {
				c.Expected = bytesOf()
			}
			st = Step{Op: OpCas, Command: c}
		case r < 13:
			st = Step{Op: OpPartition, Nodes: followers(func(int) bool { return rng.Intn(2) == 0 })}
		case r < 15:
			if ids := followers(func(id int) bool { return up[id] }); len(ids) > 0 {
				st = Step{Op: OpCrash, Node: ids[0]}
				up[ids[0]] = false
			}
		case r < 17:
			if ids := followers(func(id int) bool { return !up[id] }); len(ids) > 0 {
				st = Step{Op: OpRestart, Node: ids[0]}
				up[ids[0]] = true
			}
		case r < 18:
		case r < 20:
			if ids := append(followers(func(id int) bool { return up[id] }), sc.Leader); true {
				st = Step{Op: OpCompact, Node: ids[rng.Intn(len(ids))]}
			}
		default:
			st = Step{Op: OpSnapshot, Nodes: append(followers(func(id int) bool { return up[id] }), sc.Leader)}
		}
		if st.Op == "" {
			st = Step{Op: OpHeal}
			for i := range up {
				up[i] = true
			}
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc
}

func TestClusterAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	installs, keeps := 0, 0
	for iter := 0; iter < 500; iter++ {
		sc := randomScenario(rng)
		out, err := RunScenario(sc, true)
		if err != nil {
			t.Fatalf("scenario %d: %v", iter, err)
		}
		o := newOracle(sc.Nodes, sc.Leader)
		for i := range sc.Steps {
			o.step(&sc.Steps[i])
			want := o.states()
			for k, s := range out.Trace[i].States {
				got := "null"
				if s != nil {
					got = *s
				}
				if got != want[k] {
					t.Fatalf("scenario %d (N=%d, leader %d) step %d %s node %d:\n got %s\nwant %s",
						iter, sc.Nodes, sc.Leader, i, fmt.Sprint(sc.Steps[i].Op), k+1, got, want[k])
				}
			}
		}
		installs += o.installs
		keeps += o.keeps
	}
	// The random scenarios reach both sides of R-INSTALL-1.
	if installs < 50 || keeps < 50 {
		t.Fatalf("%d installs and %d keeps", installs, keeps)
	}
	t.Logf("%d installs, %d keeps", installs, keeps)
}

// mustHold is entry i (0-based) of a log, which must not be discarded.
func mustHold(log []*Command, i int) *Command {
	if log[i] == nil {
		panic(fmt.Sprintf("oracle: entry %d is discarded", i+1))
	}
	return log[i]
}

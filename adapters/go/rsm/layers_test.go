package rsm

// The file map of adapters/README.md, in its order: each file uses only files
// below it, so that there is no circle and a SPEC change lands in the same
// file in every port. The README names one use that goes the other way, run
// using scenario (the scenario it runs); that one is allowed, and scenario in
// turn must not use run.
//
// Go has one package and no imports between its files, so a use is found by
// name: the type checker (go/types) resolves every identifier of a file to the
// object it denotes, through scopes, shadowing, selectors and struct literal
// keys, and the object's position says which file declares it. That is sound
// because a file of a package can reach another file's code only by naming
// something declared there: a package-level type, function, variable or
// constant, or a field or method of a type declared there (declaring a method
// on another file's type names that type too). The one way in without a name
// is a call through an interface (err.Error() reaching InvalidStep.Error),
// which names the interface, not the file; imports in Rust draw the same line.

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// layers is the file map, top to bottom; main, in cmd/rsm-adapter, is above
// them all.
var layers = []string{"protocol", "scenario", "run", "cluster", "state_machine", "store", "snapshot", "crc32c"}

// listedUpward are the uses that adapters/README.md lists although they go up
// the table.
var listedUpward = [][2]string{{"run", "scenario"}}

// helpers are the files the map does not list, each with the files that may
// use it; a helper itself uses no other file. jsonread.go is the JSON reader
// that readRequest (protocol) and readScenario (scenario) share, kept for
// speed (its first lines say why).
var helpers = map[string][]string{"jsonread": {"protocol", "scenario"}}

// rsmPath is this package's import path, which main imports.
const rsmPath = "rsm-conformance/adapters/go/rsm"

// use is one name a file takes from another file.
type use struct{ from, to, name string }

// check type-checks one package from its files' sources, keyed by file name
// without ".go", parsing them into fset, and returns every use by one file of
// a name another file declares, whether of this package or of rsm when
// rsm was checked into the same fset first (for main).
func check(fset *token.FileSet, pkgPath string, sources map[string]string, imp types.Importer) (*types.Package, []use, error) {
	var files []*ast.File
	for name, src := range sources {
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f)
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	pkg, err := (&types.Config{Importer: imp}).Check(pkgPath, fset, files, info)
	if err != nil {
		return nil, nil, err
	}
	var uses []use
	for id, obj := range info.Uses {
		// The standard library's positions are in the importer's file set,
		// not in fset; builtins have none.
		if obj.Pkg() == nil || obj.Pkg() != pkg && obj.Pkg().Path() != rsmPath {
			continue
		}
		from, to := fset.Position(id.Pos()).Filename, fset.Position(obj.Pos()).Filename
		if from != to {
			uses = append(uses, use{from, to, obj.Name()})
		}
	}
	return pkg, uses, nil
}

// violations is every use that goes up the file map, breaks a helper file's
// rule, or closes a circle with a listed upward use.
func violations(uses []use) []string {
	rank := func(file string) int { return slices.Index(layers, file) }
	seen := map[use]bool{}
	var out []string
	for _, u := range uses {
		pair := [2]string{u.from, u.to}
		var ok bool
		switch {
		case helpers[u.from] != nil:
			// A helper uses no other file.
		case helpers[u.to] != nil:
			ok = slices.Contains(helpers[u.to], u.from)
		case u.from == "main":
			// main hands stdin and stdout to Serve and knows nothing else.
			ok = u.to == "protocol"
		default:
			ok = rank(u.to) > rank(u.from) || slices.Contains(listedUpward, pair)
		}
		if !ok && !seen[u] {
			seen[u] = true
			out = append(out, fmt.Sprintf("%s uses %s (%s), which is not below it in adapters/README.md", u.from, u.to, u.name))
		}
	}
	for _, up := range listedUpward {
		for _, u := range uses {
			if u.from == up[1] && u.to == up[0] {
				out = append(out, fmt.Sprintf("%s uses %s (%s) and %s uses %s: a circle", u.from, u.to, u.name, up[0], up[1]))
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkLayers returns the violations of the rsm package made of sources and
// of the command's main.go, main, which imports it.
func checkLayers(t *testing.T, sources map[string]string, main string) []string {
	t.Helper()
	fset := token.NewFileSet()
	std := importer.Default()
	pkg, uses, err := check(fset, rsmPath, sources, std)
	if err != nil {
		t.Fatal(err)
	}
	_, mainUses, err := check(fset, "main", map[string]string{"main": main}, importerFunc(func(path string) (*types.Package, error) {
		if path == rsmPath {
			return pkg, nil
		}
		return std.Import(path)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(mainUses, func(u use) bool { return u.to == "protocol" }) {
		t.Error("main does not hand stdin and stdout to protocol's Serve")
	}
	return violations(append(uses, mainUses...))
}

// importerFunc lets main's check import the rsm package checked before it.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// packageSources reads the package's files, tests left out (tests may use
// anything), keyed by name without ".go", and the command's main.go.
func packageSources(t *testing.T) (map[string]string, string) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sources[strings.TrimSuffix(name, ".go")] = string(b)
	}
	main, err := os.ReadFile(filepath.Join("..", "cmd", "rsm-adapter", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	return sources, string(main)
}

func TestDependenciesPointDownTheFileMap(t *testing.T) {
	sources, main := packageSources(t)
	var files, want []string
	for name := range sources {
		files = append(files, name)
	}
	want = append(want, layers...)
	for name := range helpers {
		want = append(want, name)
	}
	slices.Sort(files)
	slices.Sort(want)
	if !slices.Equal(files, want) {
		t.Errorf("files %v, want the file map of adapters/README.md and its helpers, %v", files, want)
	}
	for _, v := range checkLayers(t, sources, main) {
		t.Error(v)
	}
}

// The check finds a use that goes the wrong way, so that it cannot pass by
// seeing nothing.
func TestLayersCheckFindsUpwardUses(t *testing.T) {
	probes := []struct{ file, code, want string }{
		{"crc32c", "func layersProbe() any { return Serve }", "crc32c uses protocol (Serve)"},
		// A field of a type declared above is a use of its file too.
		{"store", "func layersProbe(n *Node) bool { return n.Up }", "store uses cluster (Up)"},
		// A method of another file's type, declared here, names that type.
		{"snapshot", "func (s *Store) layersProbe() {}", "snapshot uses store (Store)"},
		{"scenario", "func layersProbe() any { return RunScenario }", "scenario uses run (RunScenario) and run uses scenario: a circle"},
		{"jsonread", "func layersProbe() any { return MaxNodes }", "jsonread uses cluster (MaxNodes)"},
		{"run", "func layersProbe(r *jsonReader) { r.skip() }", "run uses jsonread (skip)"},
		{"main", "func layersProbe() any { return rsm.RunScenario }", "main uses run (RunScenario)"},
	}
	for _, p := range probes {
		sources, main := packageSources(t)
		if p.file == "main" {
			main += "\n" + p.code + "\n"
		} else {
			sources[p.file] += "\n" + p.code + "\n"
		}
		got := checkLayers(t, sources, main)
		if !slices.ContainsFunc(got, func(v string) bool { return strings.HasPrefix(v, p.want) }) {
			t.Errorf("%s with %q: violations %q, want %q", p.file, p.code, got, p.want)
		}
	}
}

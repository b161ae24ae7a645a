package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

const sample = `package p

func f(a, b int) int {
	x := 3
	if a < b && b != 0 {
		x++
	}
	g(x)
	x = a * b
	return x
}

func g(int) {}
`

// Every kind of change is offered where it applies, and each one, applied, is still Go that
// parses, with exactly its own change.
func TestSitesOfOfferEveryKindAndApplyCleanly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(path, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	sites, err := sitesOf(path)
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, s := range sites {
		whats = append(whats, s.what)
		out := s.apply([]byte(sample))
		if _, err := parser.ParseFile(token.NewFileSet(), "m.go", out, 0); err != nil {
			t.Errorf("%s (line %d) gives code that does not parse: %v\n%s", s.what, s.line, err, out)
		}
		if string(out) == sample {
			t.Errorf("%s (line %d) changes nothing", s.what, s.line)
		}
	}
	for _, want := range []string{"< → <=", "< → >=", "&& → ||", "!= → ==", "if condition negated", "3 → 4", "++ → --", "* → /", "statement removed"} {
		if !slices.Contains(whats, want) {
			t.Errorf("no %q among %v", want, whats)
		}
	}
	// x := 3 is a declaration: removing it would only break the build, so it is not offered.
	for _, s := range sites {
		if s.what == "statement removed" && s.line == 4 {
			t.Errorf("offered to remove the declaration on line 4")
		}
	}
}

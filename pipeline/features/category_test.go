package features

import (
	"slices"
	"testing"
)

// A category path gives every level, broadest first and the leaf last, cleaned of blank
// segments and of spaces around segments.
func TestCategoryLevels(t *testing.T) {
	f := func(path string, want ...string) {
		t.Helper()
		var got []string
		categoryLevels(path, func(level string) { got = append(got, level) })
		if !slices.Equal(got, want) {
			t.Errorf("categoryLevels(%q) = %q, want %q", path, got, want)
		}
	}
	f("")
	f(".")
	f(" . ")
	f("electronics", "electronics")
	f("electronics.audio.headphone", "electronics", "electronics.audio", "electronics.audio.headphone")
	f(" electronics . audio..headphone. ", "electronics", "electronics.audio", "electronics.audio.headphone")
	f(".appliances", "appliances")
	f("appliances.", "appliances")
	f("home garden.kitchen", "home garden", "home garden.kitchen")
}

// A clean path is returned as it is, without allocating; one with something to clean is cleaned.
func TestCleanCategory(t *testing.T) {
	f := func(path, want string) {
		t.Helper()
		if got := cleanCategory(path); got != want {
			t.Errorf("cleanCategory(%q) = %q, want %q", path, got, want)
		}
	}
	f("", "")
	f("a.b.c", "a.b.c")
	f("a..b", "a.b")
	f("a. b", "a.b")
	f(" a.b", "a.b")
	f("a.b ", "a.b")
	f("a.\tb", "a.b")
	f("...", "")
	clean := "electronics.audio.headphone"
	if n := testing.AllocsPerRun(100, func() { _ = cleanCategory(clean) }); n != 0 {
		t.Errorf("cleaning a clean path allocates %v times", n)
	}
}

package features

import (
	"slices"
	"testing"
)

func TestCategoryLevels(t *testing.T) {
	f := func(path string, want ...string) {
		t.Helper()
		var got []string
		categoryLevels(path, func(level string) { got = append(got, level) })
		if !slices.Equal(got, want) {
			t.Errorf("categoryLevels(%q) = %q, want %q", path, got, want)
		}
	}
	f("electronics.audio.headphone", "electronics", "electronics.audio", "electronics.audio.headphone")
	f("books", "books")
	f("")
	f(".")
	f(" electronics . audio ", "electronics", "electronics.audio")
	f(".electronics..audio.", "electronics", "electronics.audio")
}

// Every level of a dotted path gets the event's weight; only the full path counts as a leaf.
func TestProfileCountsEveryCategoryLevel(t *testing.T) {
	p := new(profile)
	p.addCategory("electronics.audio.headphone", 1)
	p.addCategory("electronics.audio.speaker", 2)
	p.addCategory("electronics", 0.5)

	want := []category{
		{path: "electronics", all: 3.5, leaf: 0.5},
		{path: "electronics.audio", all: 3},
		{path: "electronics.audio.headphone", all: 1, leaf: 1},
		{path: "electronics.audio.speaker", all: 2, leaf: 2},
	}
	if !slices.Equal(p.cats, want) {
		t.Errorf("categories = %+v, want %+v", p.cats, want)
	}
	leaves := p.leaves(nil)
	wantLeaves := []weight{{"electronics", 0.5}, {"electronics.audio.headphone", 1}, {"electronics.audio.speaker", 2}}
	if !slices.Equal(leaves, wantLeaves) {
		t.Errorf("leaves = %+v, want %+v", leaves, wantLeaves)
	}
}

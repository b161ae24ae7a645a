package features

import (
	"slices"
	"testing"
)

// A full list makes room by replacing its lightest entry, by short plus long weight, the
// latest among equals; the new entry goes last.
func TestAddSlotReplacesTheLightest(t *testing.T) {
	f := func(name string, s []slot, want ...uint32) {
		t.Helper()
		n := uint8(len(s))
		addSlot(s, &n, 99, 0.5, 0.5)
		var got []uint32
		for _, e := range s[:n] {
			got = append(got, e.id)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	// The short weights alone, or long minus short, would pick another entry.
	f("lightest in the middle", []slot{{1, 1, 10}, {2, 4, 4}, {3, 5, 5}}, 1, 3, 99)
	f("lightest first", []slot{{1, 1, 1}, {2, 0.5, 9}, {3, 5, 5}}, 2, 3, 99)
	f("lightest last", []slot{{1, 3, 3}, {2, 0.5, 9}, {3, 2, 2}}, 1, 2, 99)
	f("the latest of equals", []slot{{1, 2, 2}, {2, 1, 3}, {3, 3, 3}}, 1, 3, 99)

	// A list with room appends; a known id adds to its entry.
	s := make([]slot, 3)
	var n uint8
	addSlot(s, &n, 7, 1, 2)
	if i := addSlot(s, &n, 8, 1, 1); i != 1 || n != 2 {
		t.Fatalf("second entry at %d, %d entries", i, n)
	}
	if i := addSlot(s, &n, 7, 0.25, 0.5); i != 0 || n != 2 || s[0] != (slot{7, 1.25, 2.5}) {
		t.Fatalf("adding to a known id: index %d, %d entries, %+v", i, n, s[0])
	}
}

// Decay scales both weights, drops what fell below minWeight on the long horizon and keeps the
// order of the rest; a short weight below minShort becomes 0.
func TestDecaySlots(t *testing.T) {
	s := []slot{{1, 1, 1}, {2, 1e-6, 0.02}, {3, 0.5, 0.019}, {4, 0.25, 0.5}}
	n := uint8(len(s))
	decaySlots(s, &n, 0.5, 0.5)
	want := []slot{{1, 0.5, 0.5}, {2, 0, 0.01}, {4, 0.125, 0.25}}
	if !slices.Equal(s[:n], want) {
		t.Errorf("decayed %v, want %v", s[:n], want)
	}
	if s[3] != (slot{}) {
		t.Errorf("dropped entry left behind: %+v", s[3])
	}
}

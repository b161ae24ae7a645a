package profileeval

import (
	"slices"
	"strings"
	"testing"
)

func TestNewInterests(t *testing.T) {
	f := func(cats string, want ...interest) {
		t.Helper()
		got := newInterests(strings.Fields(cats))
		if !slices.Equal(got, want) {
			t.Errorf("%s: new interests %v, want %v", cats, got, want)
		}
	}
	f("A A B B B", interest{"B", 2, 5})
	f("A B B B B C", interest{"B", 1, 5})
	f("A A A")   // a shopper's first interest is not a change of interest
	f("A B B A") // two events are not an interest
	// A left the last 5 distinct categories (F E D C B) before it came back: new again.
	f("A B C D E F A A A", interest{"A", 6, 9})
	// A is the fifth latest distinct category (E D C B A): not new.
	f("A B C D E A A A")
	f("A B B B A C C C B B B", interest{"B", 1, 4}, interest{"C", 5, 8})
}

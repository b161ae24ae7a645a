package creative

import (
	"reflect"
	"testing"
)

func TestAmounts(t *testing.T) {
	f := func(s string, want ...[2]int) {
		t.Helper()
		if got := amounts(s); !reflect.DeepEqual(got, [][2]int(want)) {
			t.Errorf("amounts(%q) = %v, want %v", s, got, want)
		}
	}
	f("no digits")
	f("$1,299.50 now", [2]int{1, 9})
	f("100,000", [2]int{0, 7})
	f("1,000,000", [2]int{0, 9})
	// Four digits before a comma are no thousands group: two amounts.
	f("1000,000", [2]int{0, 4}, [2]int{5, 8})
	// A comma needs three digits after it.
	f("1,00", [2]int{0, 1}, [2]int{2, 4})
	f("1,0", [2]int{0, 1}, [2]int{2, 3})
	f("9.", [2]int{0, 1})
	f("9.5 and 12", [2]int{0, 3}, [2]int{8, 10})
}

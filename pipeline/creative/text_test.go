package creative

import "testing"

func TestDigitStats(t *testing.T) {
	f := func(s string, digits, longest int) {
		t.Helper()
		if d, l := digitStats(s); d != digits || l != longest {
			t.Errorf("digitStats(%q) = %d, %d, want %d, %d", s, d, l, digits, longest)
		}
	}
	f("", 0, 0)
	f("no digits/:", 0, 0)
	f("0", 1, 1)
	f("9", 1, 1)
	f("ab12c345", 5, 3)
	f("call 555-0199 now", 7, 4)
}

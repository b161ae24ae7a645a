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

func TestASCIIWords(t *testing.T) {
	type word struct{ lower, written string }
	var got []word
	asciiWords("Hello WORLD, x_1!", func(lower []byte, written string) bool {
		got = append(got, word{string(lower), written})
		return true
	})
	want := []word{{"hello", "Hello"}, {"world", "WORLD"}, {"x_1", "x_1"}}
	if len(got) != len(want) {
		t.Fatalf("asciiWords = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("asciiWords word %d = %v, want %v", i, got[i], want[i])
		}
	}
}

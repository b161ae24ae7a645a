package creative

import "testing"

func TestLineMark(t *testing.T) {
	f := func(s string, want bool) {
		t.Helper()
		if got := lineMark(s); got != want {
			t.Errorf("lineMark(%q) = %v, want %v", s, got, want)
		}
	}
	f("", false)
	f("# Sale", true)
	f("- item", true)
	f("* item", true)
	f("+ item", true)
	f("-item", false)
	f("-", false)
	f("1. first", true)
	f("12. twelfth", true)
	f("1.", false)
	f("1.5 stars", false)
	f(". x", false)
	f("1 x", false)
}

func TestDotBeforeLetter(t *testing.T) {
	f := func(s string, want bool) {
		t.Helper()
		if got := dotBeforeLetter(s); got != want {
			t.Errorf("dotBeforeLetter(%q) = %v, want %v", s, got, want)
		}
	}
	f("shop.com", true)
	f("SHOP.COM", true)
	f("x.1.y", true)
	f("a. b. c.d", true)
	f("1.5 and 2.5", false)
	f("end.", false)
	f("no dot", false)
}

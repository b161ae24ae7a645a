package dataset

import (
	"strings"
	"testing"
)

func TestParseSpeed(t *testing.T) {
	f := func(in string, want Speed, str string) {
		t.Helper()
		got, err := ParseSpeed(in)
		if err != nil || got != want || got.String() != str {
			t.Errorf("ParseSpeed(%q) = %v (%q), %v; want %v (%q)", in, got, got.String(), err, want, str)
		}
	}
	f("max", Speed{}, "max")
	f(" MAX ", Speed{}, "max")
	f("1x", Speed{Factor: 1}, "1x")
	f("100x", Speed{Factor: 100}, "100x")
	f("0.5X", Speed{Factor: 0.5}, "0.5x")

	bad := func(in string) {
		t.Helper()
		_, err := ParseSpeed(in)
		if err == nil || !strings.Contains(err.Error(), `want "max" or a positive factor such as "100x"`) {
			t.Errorf("ParseSpeed(%q): %v, want a clear error", in, err)
		}
	}
	bad("")
	bad("100")
	bad("x")
	bad("fast")
	bad("0x")
	bad("-2x")
	bad("infx")
	bad("NaNx")
}

func TestSpeedText(t *testing.T) {
	var s Speed
	if err := s.UnmarshalText([]byte("250x")); err != nil || s.Factor != 250 {
		t.Fatalf("UnmarshalText(250x) = %v, %v", s, err)
	}
	if b, _ := s.MarshalText(); string(b) != "250x" {
		t.Errorf("MarshalText = %q, want 250x", b)
	}
	if err := s.UnmarshalText([]byte("slow")); err == nil {
		t.Error("UnmarshalText(slow) succeeded")
	}
}

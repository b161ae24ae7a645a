package creative

import (
	"errors"
	"testing"
)

func TestDecodeAnswer(t *testing.T) {
	f := func(text string, wantErr bool) {
		t.Helper()
		c, err := DecodeAnswer(text, "en")
		if (err != nil) != wantErr {
			t.Errorf("DecodeAnswer(%q) = %+v, %v", text, c, err)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeAnswer(%q): %v is not ErrMalformed", text, err)
		}
	}
	f(`{"headline":"h","body":"b","cta":"c"}`, false)
	f("```json\n{\"headline\":\"h\",\"body\":\"b\",\"cta\":\"c\"}\n```", false)
	f("```\n{\"headline\":\"h\",\"body\":\"b\",\"cta\":\"c\"}```", false)
	f(`  {"cta":"c","body":"b","headline":"h"}  `, false)
	f(`{"headline":"h","body":"b"}`, true)
	f(`{"headline":"h","body":"b","cta":"c","extra":1}`, true)
	f(`{"headline":"h","body":"b","cta":3}`, true)
	f(`{"headline":"h","body":"b","cta":"c"} and more`, true)
	f(`{"headline":"h","body":"b","cta":"c"}{"headline":"h"}`, true)
	f(`Sure! {"headline":"h","body":"b","cta":"c"}`, true)
	f(`{"headline":"h","body":"b","cta":"c"`, true)
	f(``, true)
	f(`[]`, true)
}

func TestClip(t *testing.T) {
	f := func(s string, n int, want string) {
		t.Helper()
		if got := clip(s, n); got != want {
			t.Errorf("clip(%q, %d) = %q, want %q", s, n, got, want)
		}
	}
	f("abc", 3, "abc")
	f("abc", 4, "abc")
	f("abcd", 3, "abc…")
}

package creative

import "testing"

func TestStripLatinMarks(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := stripLatinMarks(in); got != want {
			t.Errorf("stripLatinMarks(%q) = %q, want %q", in, got, want)
		}
	}
	f("bést", "best")
	f("ÉXCLUSÏVE", "EXCLUSIVE")
	f("plain", "plain")
	// Only a Latin letter loses its marks: the Devanagari vowel sign and the Greek accent stay,
	// even in copy that also holds an accented Latin letter.
	f("é हिंदी", "e हिंदी")
	f("café ά", "cafe ά")
}

func TestJoinHan(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := joinHan(in); got != want {
			t.Errorf("joinHan(%q) = %q, want %q", in, got, want)
		}
	}
	f("最 佳", "最佳")
	f("顶  级", "顶级")
	// Every spacer between two Chinese characters goes.
	for _, sp := range []string{" ", "\t", "·", "・", "*", "-", "_", ".", "|", "/"} {
		f("顶"+sp+"级", "顶级")
	}
	// A spacer with no Chinese character on one side stays.
	f("最 佳 a", "最佳 a")
	f("a 最 佳", "a 最佳")
	f("最 佳 ", "最佳 ")
	f("最佳 - x", "最佳 - x")
	f("a b", "a b")
}

func TestHanSpacerSeparatesNothingElse(t *testing.T) {
	for _, r := range "a1,;:!?+=" {
		if hanSpacer(r) {
			t.Errorf("hanSpacer(%q) = true", r)
		}
		if got := joinHan("顶" + string(r) + "级"); got != "顶"+string(r)+"级" {
			t.Errorf("joinHan dropped %q: %q", r, got)
		}
	}
}

func TestJoinSpacedLetters(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := joinSpacedLetters(in); got != want {
			t.Errorf("joinSpacedLetters(%q) = %q, want %q", in, got, want)
		}
	}
	f("b e s t", "best")
	f("F.R.E.E", "FREE")
	f("N o 1", "No1")
	f("S M L", "S M L")
	f("the b e s t deal", "the best deal")
	f("b  e  s  t", "best")
	f("b    e s t", "b    e s t")
}

func TestFoldConfusables(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := foldConfusables(in); got != want {
			t.Errorf("foldConfusables(%q) = %q, want %q", in, got, want)
		}
	}
	f("bеst", "best") // Cyrillic е inside
	f("сool", "cool") // Cyrillic с first
	f("best", "best")
}

func TestIsASCIIWord(t *testing.T) {
	for _, c := range []byte("azAZ09m5") {
		if !isASCIIWord(c) {
			t.Errorf("isASCIIWord(%q) = false", c)
		}
	}
	if !isASCIIWord("é"[0]) {
		t.Error("the first byte of a non-ASCII letter is no word byte")
	}
	for _, c := range []byte(" .-_*/@[`{") {
		if isASCIIWord(c) {
			t.Errorf("isASCIIWord(%q) = true", c)
		}
	}
}

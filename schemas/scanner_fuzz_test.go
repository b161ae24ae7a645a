package schemas

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// scanValue reads one JSON value and what follows it the way the event decoder does: the value,
// then nothing but white space. It returns whether the input was one valid value.
func scanValue(data []byte) bool {
	d := decoder{data: data}
	d.skip()
	if d.err != nil {
		return false
	}
	d.skipSpace()
	return d.pos == len(data)
}

// The scanner accepts exactly what encoding/json's Valid accepts, and a string decodes to what
// encoding/json's Unmarshal makes of it.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{
		``, ` `, `0`, `-0`, `-`, `01`, `1.`, `1.5`, `.5`, `1e`, `1e+`, `1E-2`, `-12.5e+3`, `1x`, `+1`,
		`true`, `tru`, `false`, `null`, `nul`, `nulll`,
		`""`, `"a"`, `"a`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud800"`, `"\ud800\u0041"`,
		`"\udc00\ud800"`, `"\u12"`, `"\u12G4"`, `"\x"`, "\"\x01\"", "\"\xff\"", "\"caf\xc3\xa9\"", "\"\xc3\"",
		`"abcdefghijklmnop\"qrstuvwxyz"`, `"0123456789abcdef0123456789abcdef"`, "\"01234567\x1f\"",
		`[]`, `[ ]`, `[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `[`, `]`,
		`{}`, `{ }`, `{"a":1}`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `{"a":1 "b":2}`, `{"a":[{"b":{}}]}`, `{"a":}`,
		" \t\r\n{} \n", `{} {}`, `[[[[[[[[]]]]]]]]`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := scanValue(data), json.Valid(data); got != want {
			t.Fatalf("scanner says valid=%v, encoding/json %v for %q", got, want, data)
		}
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '"' {
			return
		}
		d := decoder{data: data, pos: len(data) - len(trimmed)}
		got := d.str()
		var want string
		err := json.Unmarshal(data[:d.pos], &want)
		if d.err != nil {
			if err == nil {
				t.Fatalf("scanner failed %v on the string %q, encoding/json read %q", d.err, data, want)
			}
			return
		}
		if err != nil || string(got) != want {
			t.Fatalf("string %q: scanner %q, encoding/json %q (%v)", data[:d.pos], got, want, err)
		}
		if raw := data[len(data)-len(trimmed) : d.pos]; (d.badUTF8 != 0) == utf8.Valid(raw) {
			t.Fatalf("string %q: first byte not UTF-8 noted at %d", raw, d.badUTF8)
		}
	})
}

// The first byte of a string that is not UTF-8 is noted, one-based; a string whose invalid
// bytes are U+FFFD escapes is not.
func TestScannerNotesInvalidUTF8(t *testing.T) {
	f := func(s string, want int) {
		t.Helper()
		d := decoder{data: []byte(s)}
		d.str()
		if d.err != nil || d.badUTF8 != want {
			t.Errorf("%q: badUTF8 %d (%v), want %d", s, d.badUTF8, d.err, want)
		}
	}
	f(`"abc"`, 0)
	f("\"ab\xffc\xfe\"", 4)
	f("\"\\n\xff\"", 4)
	f(`"\ufffd"`, 0)
	f("\"caf\xc3\xa9\"", 0)
}

// hex4 reads upper and lower case digits, and nothing else.
func TestHex4(t *testing.T) {
	f := func(s string, want rune) {
		t.Helper()
		if got := hex4([]byte(s)); got != want {
			t.Errorf("hex4(%q) = %#x, want %#x", s, got, want)
		}
	}
	f("0000", 0)
	f("09af", 0x09af)
	f("09AF", 0x09af)
	f("ffff", 0xffff)
	f("FFFF", 0xffff)
	f("fff", -1)
	for _, c := range "/:@G`g" {
		f("00"+string(c)+"0", -1)
	}
}

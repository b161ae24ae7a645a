package schemas

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// decoder is a single-pass JSON reader over one payload. It validates exactly what
// encoding/json's Valid does (including its nesting limit) and decodes strings as
// encoding/json does, so the two agree on every input. The first syntax error is sticky in err
// and every reader returns promptly once it is set.
type decoder struct {
	data    []byte
	pos     int
	depth   int
	scratch []byte // decoded strings that had escapes
	path    []byte // a category path rewritten
	badUTF8 int    // 1 + the offset of the first byte in a string that is not UTF-8; 0: none
	err     *Failure
	keep    func([]byte) string // the strings the event keeps; nil: copies
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

func (d *decoder) syntax(what string) {
	if d.err == nil {
		d.err = Failf(MalformedJSON, "", "%s at offset %d", what, d.pos)
	}
}

func (d *decoder) skipSpace() {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return // the common case: no space
	}
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end of the input.
func (d *decoder) peek() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) enter() bool {
	d.depth++
	if d.depth > maxDepth {
		d.syntax("nesting too deep")
		return false
	}
	d.pos++
	return true
}

// object reads the object at d.pos, calling member with each key while d is at the key's value;
// member must consume the value. key is only valid until member reads a value.
func (d *decoder) object(member func(key []byte)) {
	if !d.enter() {
		return
	}
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return
	}
	for {
		if d.peek() != '"' {
			d.syntax("expected a string key")
			return
		}
		key := d.str()
		if d.err != nil {
			return
		}
		if d.peek() != ':' {
			d.syntax("expected ':' after an object key")
			return
		}
		d.pos++
		member(key)
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return
		default:
			d.syntax("expected ',' or '}' in an object")
			return
		}
	}
}

// array reads the array at d.pos, calling element while d is at each element; element must
// consume it.
func (d *decoder) array(element func()) {
	if !d.enter() {
		return
	}
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return
	}
	for {
		element()
		if d.err != nil {
			return
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return
		default:
			d.syntax("expected ',' or ']' in an array")
			return
		}
	}
}

// skip reads and discards any value.
func (d *decoder) skip() {
	switch c := d.peek(); {
	case c == '{':
		d.object(func([]byte) { d.skip() })
	case c == '[':
		d.array(d.skip)
	case c == '"':
		d.str()
	case c == '-' || isDigit(c):
		d.num()
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	default:
		d.syntax("expected a JSON value")
	}
}

func (d *decoder) literal(word string) {
	if !bytes.HasPrefix(d.data[d.pos:], []byte(word)) {
		d.syntax("invalid literal")
		return
	}
	d.pos += len(word)
}

// num reads a number and returns its text.
func (d *decoder) num() []byte {
	data, start, i := d.data, d.pos, d.pos
	digits := func() bool {
		j := i
		for i < len(data) && isDigit(data[i]) {
			i++
		}
		return i > j
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	if i < len(data) && data[i] == '0' {
		i++
	} else if !digits() {
		d.pos = i
		d.syntax("invalid number")
		return nil
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !digits() {
			d.pos = i
			d.syntax("invalid number")
			return nil
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !digits() {
			d.pos = i
			d.syntax("invalid number")
			return nil
		}
	}
	d.pos = i
	return data[start:i]
}

// str reads a string and returns its decoded bytes: a slice of the input when the string has no
// escapes and is valid UTF-8, else d.scratch, valid until the next string is read.
func (d *decoder) str() []byte {
	data, start := d.data, d.pos+1
	ascii := true
	for i := start; i < len(data); i++ {
		for i+8 <= len(data) && plainWord(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
		}
		for i < len(data) && plainASCII[data[i]] {
			i++
		}
		if i == len(data) {
			break
		}
		switch c := data[i]; {
		case c == '"':
			if s := data[start:i]; ascii || utf8.Valid(s) {
				d.pos = i + 1
				return s
			}
			return d.unquote(start)
		case c == '\\':
			return d.unquote(start)
		case c < 0x20:
			d.pos = i
			d.syntax("control character in a string")
			return nil
		default:
			ascii = false
		}
	}
	d.pos = len(data)
	d.syntax("unterminated string")
	return nil
}

// plainWord reports whether none of the 8 bytes in w is '"', '\\', a control character or
// non-ASCII, with the zero-byte tests from "Bit Twiddling Hacks".
func plainWord(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, backslash := w^(ones*'"'), w^(ones*'\\')
	return ((quote-ones)&^quote|(backslash-ones)&^backslash|(w-ones*0x20)&^w|w)&highs == 0
}

// plainASCII marks the bytes a string copies as they are: printable ASCII but '"' and '\\'.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// unquote decodes the string starting at start into d.scratch the way encoding/json does:
// invalid UTF-8 bytes and unpaired surrogates become U+FFFD. The first invalid byte is noted in
// d.badUTF8: the event decoder rejects the payload, other readers may not.
//
// It is one loop over the bytes on purpose: every string of every event passes through it, and
// moving the escape cases into a function of their own costs a call per escape and keeps the
// compiler from holding i and b in registers.
func (d *decoder) unquote(start int) []byte {
	data, b := d.data, d.scratch[:0]
	for i := start; i < len(data); {
		switch c := data[i]; {
		case c == '"':
			d.pos = i + 1
			d.scratch = b
			return b
		case c < 0x20:
			d.pos = i
			d.syntax("control character in a string")
			return nil
		case c < utf8.RuneSelf && c != '\\':
			b = append(b, c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				if d.badUTF8 == 0 {
					d.badUTF8 = i + 1
				}
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, data[i:i+size]...)
			}
			i += size
		default: // backslash
			if i+1 >= len(data) {
				i++
				continue
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r := hex4(data[i+2:])
				if r < 0 {
					d.pos = i
					d.syntax("invalid \\u escape")
					return nil
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2 := unicodeEscape(data[i:]); r2 >= 0 {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
				continue
			default:
				d.pos = i
				d.syntax("invalid escape in a string")
				return nil
			}
			i += 2
		}
	}
	d.pos = len(data)
	d.syntax("unterminated string")
	return nil
}

// unicodeEscape reads a \uXXXX escape at the start of b, or returns -1.
func unicodeEscape(b []byte) rune {
	if len(b) < 2 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	return hex4(b[2:])
}

// hex4 reads four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

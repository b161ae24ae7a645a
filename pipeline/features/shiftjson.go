package features

import (
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/adshift/adshift/schemas"
)

// appendShift appends sh as encoding/json marshals it, byte for byte, without reflection or
// allocation: a shift is written for every few events, and json.Marshal cost more than the
// profile update that caused it.
func appendShift(b []byte, sh *schemas.Shift) ([]byte, error) {
	if !finite(sh.Distance) {
		return b, errors.New("json: unsupported value: distance " + strconv.FormatFloat(sh.Distance, 'g', -1, 64))
	}
	if y := sh.EventTime.Year(); y < 0 || y > 9999 {
		return b, errors.New("json: event_time year outside of range [0,9999]")
	}
	s := &sh.Summary
	b = append(b, `{"user":`...)
	b = appendJSONString(b, sh.User)
	b = append(b, `,"profile_version":`...)
	b = strconv.AppendUint(b, sh.ProfileVersion, 10)
	b = append(b, `,"event_time":"`...)
	b = sh.EventTime.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","reason":`...)
	b = appendJSONString(b, sh.Reason)
	b = append(b, `,"distance":`...)
	b = appendJSONFloat(b, sh.Distance)
	b = append(b, `,"summary":{"categories":`...)
	b = appendWeighted(b, s.Categories)
	b = append(b, `,"brands":`...)
	b = appendWeighted(b, s.Brands)
	b = append(b, `,"price_band":{"min":`...)
	b = appendJSONFloat(b, s.PriceBand.Min)
	b = append(b, `,"max":`...)
	b = appendJSONFloat(b, s.PriceBand.Max)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, s.PriceBand.Currency)
	b = append(b, `},"intent_stage":`...)
	b = appendJSONString(b, s.IntentStage)
	b = append(b, `,"locale":`...)
	b = appendJSONString(b, s.Locale)
	if len(s.Purchased) > 0 {
		b = append(b, `,"purchased":[`...)
		for i, p := range s.Purchased {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, p)
		}
		b = append(b, ']')
	}
	if !finite(s.PriceBand.Min) || !finite(s.PriceBand.Max) {
		return b, errors.New("json: unsupported value: price band")
	}
	for _, w := range [][]schemas.Weighted{s.Categories, s.Brands} {
		for _, e := range w {
			if !finite(e.Weight) {
				return b, errors.New("json: unsupported value: weight")
			}
		}
	}
	return append(b, "}}"...), nil
}

func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }

// appendWeighted appends ws as a JSON array, or null when it is empty: a summary's lists are
// nil when empty, and reused arrays must read the same.
func appendWeighted(b []byte, ws []schemas.Weighted) []byte {
	if len(ws) == 0 {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, w := range ws {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendJSONString(b, w.Name)
		b = append(b, `,"weight":`...)
		b = appendJSONFloat(b, w.Weight)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONFloat formats f as encoding/json does: like ES6, %f within [1e-6, 1e21), else an
// exponent without padding.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString quotes s as encoding/json does, HTML-safe: <, > and & escaped, invalid UTF-8
// as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

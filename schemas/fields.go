package schemas

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// intern returns the constant for names every event repeats, so they cost no allocation, and
// any other name as d.string does.
func (d *decoder) intern(b []byte) string {
	if s, ok := constant(b); ok {
		return s
	}
	return d.string(b)
}

// constant returns the constant spelled b, if it is one.
func constant(b []byte) (string, bool) {
	switch string(b) {
	case TypeTrack:
		return TypeTrack, true
	case TypePage:
		return TypePage, true
	case TypeIdentify:
		return TypeIdentify, true
	case TypeScreen:
		return TypeScreen, true
	case TypeGroup:
		return TypeGroup, true
	case TypeAlias:
		return TypeAlias, true
	case ProductViewed:
		return ProductViewed, true
	case ProductClicked:
		return ProductClicked, true
	case ProductListViewed:
		return ProductListViewed, true
	case ProductsSearched:
		return ProductsSearched, true
	case ProductAdded:
		return ProductAdded, true
	case ProductAddedWishlist:
		return ProductAddedWishlist, true
	case CheckoutStarted:
		return CheckoutStarted, true
	case OrderCompleted:
		return OrderCompleted, true
	case PromotionViewed:
		return PromotionViewed, true
	case PromotionClicked:
		return PromotionClicked, true
	case "USD":
		return "USD", true
	case "EUR":
		return "EUR", true
	case "GBP":
		return "GBP", true
	case "CNY":
		return "CNY", true
	}
	return "", false
}

// string returns the string of b, a value the event keeps.
func (d *decoder) string(b []byte) string {
	if d.keep != nil {
		return d.keep(b)
	}
	return string(b)
}

// Typed field readers. Each consumes one value whatever it is; null reads as absent; a value of
// the wrong type is recorded in c and reads as absent.

// text reads a string.
func (d *decoder) text(c *check, field string) string {
	if b, ok := d.quoted(c, field); ok {
		return d.string(b)
	}
	return ""
}

// name reads a string that is usually one of a few constants.
func (d *decoder) name(c *check, field string) string {
	if b, ok := d.quoted(c, field); ok {
		return d.intern(b)
	}
	return ""
}

// quoted reads a string's bytes, valid until the next read; ok is false when it is absent.
func (d *decoder) quoted(c *check, field string) (b []byte, ok bool) {
	switch d.peek() {
	case '"':
		return d.str(), true
	case 'n':
		d.literal("null")
		return nil, false
	}
	d.skip()
	c.fail(field, "must be a string")
	return nil, false
}

// currency reads a currency code, upper-cased.
func (d *decoder) currency(c *check, field string) string {
	if d.peek() != '"' {
		return d.text(c, field)
	}
	b := d.str()
	upper := true
	for _, ch := range b {
		if ch >= utf8.RuneSelf || 'a' <= ch && ch <= 'z' {
			upper = false
			break
		}
	}
	if upper {
		return d.intern(b)
	}
	var buf [8]byte
	if len(b) > len(buf) {
		return strings.ToUpper(string(b))
	}
	up := buf[:len(b)]
	for i, ch := range b {
		if ch >= utf8.RuneSelf {
			return strings.ToUpper(string(b))
		}
		if 'a' <= ch && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		up[i] = ch
	}
	if s, ok := constant(up); ok {
		return s
	}
	return strings.ToUpper(string(b))
}

// id reads an identifier: a string, or an integer taken as its decimal string.
func (d *decoder) id(c *check, field string) string {
	switch ch := d.peek(); {
	case ch == '"':
		return d.string(d.str())
	case ch == 'n':
		d.literal("null")
		return ""
	case ch == '-' || isDigit(ch):
		n := d.num()
		if bytes.IndexAny(n, ".eE") < 0 {
			return d.string(n)
		}
		c.fail(field, "must be a string or an integer, got %s", clip(string(n)))
		return ""
	}
	d.skip()
	c.fail(field, "must be a string or an integer")
	return ""
}

// numeric reads a number or a string holding one and returns its text, or nil when the value is
// null, blank or of the wrong type. quoted reports whether it came as a string.
func (d *decoder) numeric(c *check, field string) (text []byte, quoted bool) {
	switch ch := d.peek(); {
	case ch == '"':
		return bytes.TrimSpace(d.str()), true
	case ch == '-' || isDigit(ch):
		return d.num(), false
	case ch == 'n':
		d.literal("null")
		return nil, false
	}
	d.skip()
	c.fail(field, "must be a number")
	return nil, false
}

// amount reads a price or an order value: finite and non-negative. ok is false when it is absent
// or invalid.
//
// A string that is no plain number may be a price written for people ("$19.99", "19,99"): it
// is read when unambiguous (parsePriceText), noted in c as RewritePriceText.
func (d *decoder) amount(c *check, field string) (v float64, ok bool) {
	text, quoted := d.numeric(c, field)
	if len(text) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil && quoted {
		if pv, pok := parsePriceText(text); pok {
			v, err = pv, nil
			c.rw |= RewritePriceText
		}
	}
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v < 0 {
		c.fail(field, "must be a finite non-negative number, got %q", clip(string(text)))
		return 0, false
	}
	if v == 0 {
		v = 0 // not -0
	}
	return v, true
}

// count reads a quantity or a position: a non-negative integer. A position may also be a slot
// name ("home_banner_top" on promotions), which carries no index and reads as 0.
func (d *decoder) count(c *check, field string, slotName bool) int {
	text, quoted := d.numeric(c, field)
	if len(text) == 0 {
		return 0
	}
	if n, err := strconv.Atoi(string(text)); err == nil && n >= 0 {
		return n
	}
	if f, err := strconv.ParseFloat(string(text), 64); err == nil && f >= 0 && f <= 1<<53 && f == math.Trunc(f) {
		return int(f)
	} else if err != nil && quoted && slotName {
		return 0
	}
	c.fail(field, "must be a non-negative integer, got %q", clip(string(text)))
	return 0
}

// stamp reads a timestamp: a string in RFC 3339 or a variant parseTime reads, or an epoch
// number (epochTime), also as a string of 10 or 13 digits. What is wrong with it matters only if
// it is the one used.
func (d *decoder) stamp() stamp {
	switch ch := d.peek(); {
	case ch == '"':
		b := d.str()
		if t, ok := parseTime(b); ok {
			return stamp{t: t, set: true}
		}
		if (len(b) == 10 || len(b) == 13) && allDigits(b) {
			return epochStamp(b)
		}
		return stamp{set: true, bad: "not an RFC 3339 time: " + strconv.Quote(clip(string(b)))}
	case ch == '-' || isDigit(ch):
		n := d.num()
		if n == nil {
			return stamp{}
		}
		return epochStamp(n)
	case ch == 'n':
		d.literal("null")
		return stamp{}
	}
	d.skip()
	return stamp{set: true, bad: "must be a string or an epoch number"}
}

func epochStamp(n []byte) stamp {
	t, ok := epochTime(n)
	if !ok {
		return stamp{set: true, bad: "epoch number out of range: " + clip(string(n))}
	}
	return stamp{t: t, set: true, epoch: true}
}

// epochTime reads an epoch number: seconds below 1e11 (up to the year 5138), else milliseconds
// (below 1e14), fractions allowed.
func epochTime(n []byte) (time.Time, bool) {
	if bytes.IndexAny(n, ".eE") < 0 {
		i, err := strconv.ParseInt(string(n), 10, 64)
		switch {
		case err != nil || i <= -1e14 || i >= 1e14:
			return time.Time{}, false
		case -1e11 < i && i < 1e11:
			return time.Unix(i, 0).UTC(), true
		}
		return time.UnixMilli(i).UTC(), true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f <= -1e14 || f >= 1e14 {
		return time.Time{}, false
	}
	unit := 1e9 // nanoseconds in the unit
	if math.Abs(f) >= 1e11 {
		unit = 1e6
	}
	whole := math.Floor(f)
	ns := int64(math.Round((f - whole) * unit))
	if unit == 1e9 {
		return time.Unix(int64(whole), ns).UTC(), true
	}
	return time.UnixMilli(int64(whole)).Add(time.Duration(ns)).UTC(), true
}

package schemas

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits bound what DecodeEvent accepts.
type Limits struct {
	MaxBytes int       // larger payloads fail as TooLarge; 0 means 64 KiB
	MinTime  time.Time // earlier timestamps fail as TimestampOutOfRange; zero means MinEventTime
	MaxTime  time.Time // later timestamps fail as TimestampOutOfRange; zero means no upper bound
}

const defaultMaxBytes = 64 << 10

// Segment call types. Only track calls carry e-commerce events; the others decode with an empty
// Event so stages can count and skip them.
const (
	TypeTrack    = "track"
	TypePage     = "page"
	TypeScreen   = "screen"
	TypeIdentify = "identify"
	TypeGroup    = "group"
	TypeAlias    = "alias"
)

// DecodeEvent decodes, validates and normalises one Segment e-commerce event. Every rejection is
// a *Failure: TooLarge, MalformedJSON, SchemaViolation, MissingUser or TimestampOutOfRange.
//
// It reads the payload in one pass without reflection. Strings in the Event never alias data.
// Spec inconsistencies are normalised: ids, prices, quantities and positions as strings or
// numbers; an order's value as revenue, else total, else value; sku standing in for a missing
// product_id; currency upper-cased; timestamps in RFC 3339 or the variants trackers send,
// converted to UTC, falling back to originalTimestamp.
func DecodeEvent(data []byte, lim Limits) (Event, error) {
	var ev Event
	if err := DecodeEventInto(&ev, data, lim, nil); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// DecodeEventInto is DecodeEvent into dst, for a caller that decodes many events and keeps none:
// it overwrites all of dst, reusing the array of dst.Properties.Products, and takes every string
// it keeps (ids, names, categories, brands, …) from intern, which gets the decoded bytes, valid
// only during the call, and must return their string — typically one it holds already, so a
// known name costs no allocation. A nil intern copies each string, as DecodeEvent does. Event
// names, call types and common currencies are constants either way. On failure dst holds no
// useful event.
func DecodeEventInto(dst *Event, data []byte, lim Limits, intern func([]byte) string) error {
	items := dst.Properties.Products[:0]
	*dst = Event{}
	maxBytes := lim.MaxBytes
	if maxBytes <= 0 {
		maxBytes = defaultMaxBytes
	}
	if len(data) > maxBytes {
		return Failf(TooLarge, "", "%d bytes, limit %d", len(data), maxBytes)
	}
	d := decoder{data: data, keep: intern}
	w := wireEvent{ev: dst, items: items}
	d.envelope(&w)
	if d.err != nil {
		return d.err
	}
	if err := w.finish(lim); err != nil {
		return err
	}
	return nil
}

// wireEvent is an event as read, before the checks that need all of it.
type wireEvent struct {
	ev     *Event
	items  []LineItem // an array for the line items to reuse
	ts     stamp
	origTS stamp
	env    check // first type error in the envelope
	props  check // first type error in properties: it only matters for track calls
}

// stamp is a timestamp field as read.
type stamp struct {
	t   time.Time
	set bool   // present and not null
	bad string // why it is unusable; empty when t is valid
}

// check keeps the first schema violation found while reading, so that a later syntax error
// still wins: a payload that is not JSON is MalformedJSON whatever else is wrong with it.
type check struct{ f *Failure }

func (c *check) fail(field, format string, args ...any) {
	if c.f == nil {
		c.f = Failf(SchemaViolation, field, format, args...)
	}
}

func (d *decoder) envelope(w *wireEvent) {
	if d.peek() != '{' {
		d.syntax("payload is not a JSON object")
		return
	}
	e := w.ev
	d.object(func(key []byte) {
		switch string(key) {
		case "type":
			e.Type = d.name(&w.env, "type")
		case "event":
			e.Event = d.name(&w.env, "event")
		case "userId":
			e.UserID = d.id(&w.env, "userId")
		case "anonymousId":
			e.AnonymousID = d.id(&w.env, "anonymousId")
		case "messageId":
			e.MessageID = d.id(&w.env, "messageId")
		case "timestamp":
			w.ts = d.stamp()
		case "originalTimestamp":
			w.origTS = d.stamp()
		case "context":
			d.context(&w.env, &e.Context)
		case "properties":
			d.properties(&w.props, &e.Properties, w.items)
		default:
			d.skip()
		}
	})
	if d.err == nil {
		d.skipSpace()
		if d.pos < len(d.data) {
			d.syntax("data after the JSON object")
		}
	}
}

func (w *wireEvent) finish(lim Limits) *Failure {
	e := w.ev
	if w.env.f != nil {
		return w.env.f
	}
	switch {
	case e.Type == "" && e.Event != "":
		e.Type = TypeTrack
	case e.Type == "":
		return Failf(SchemaViolation, "type", "missing, and no event name implies track")
	case !knownType(e.Type):
		return Failf(SchemaViolation, "type", "unknown call type %q", clip(e.Type))
	}
	if e.User() == "" {
		return Failf(MissingUser, "userId", "neither userId nor anonymousId is set")
	}
	if e.MessageID == "" {
		return Failf(SchemaViolation, "messageId", "missing: it is the dedup key")
	}

	ts, field := w.ts, "timestamp"
	if !ts.set {
		ts, field = w.origTS, "originalTimestamp"
	}
	switch {
	case !ts.set:
		return Failf(SchemaViolation, "timestamp", "missing, and no originalTimestamp")
	case ts.bad != "":
		return Failf(SchemaViolation, field, "%s", ts.bad)
	}
	minTime := lim.MinTime
	if minTime.IsZero() {
		minTime = MinEventTime
	}
	if ts.t.Before(minTime) {
		return Failf(TimestampOutOfRange, field, "%s is before %s", ts.t.Format(time.RFC3339Nano), minTime.Format(time.RFC3339))
	}
	if !lim.MaxTime.IsZero() && ts.t.After(lim.MaxTime) {
		return Failf(TimestampOutOfRange, field, "%s is after %s", ts.t.Format(time.RFC3339Nano), lim.MaxTime.Format(time.RFC3339))
	}
	e.Timestamp = ts.t

	if e.Type != TypeTrack {
		e.Event, e.Properties = "", Properties{Products: w.items[:0]}
		return nil
	}
	if e.Event == "" {
		return Failf(SchemaViolation, "event", "a track call needs an event name")
	}
	if w.props.f != nil {
		return w.props.f
	}
	return validate(e.Event, &e.Properties)
}

// validate checks what each event adshift reads needs to be useful. Unknown events pass: stages
// skip them.
func validate(event string, p *Properties) *Failure {
	switch event {
	case ProductViewed, ProductClicked, ProductAdded, ProductAddedWishlist:
		if p.ProductID == "" {
			return Failf(SchemaViolation, "properties.product_id", "%s needs product_id or sku", event)
		}
	case ProductsSearched:
		if p.Query == "" {
			return Failf(SchemaViolation, "properties.query", "%s needs query", event)
		}
	case PromotionViewed, PromotionClicked:
		if p.PromotionID == "" {
			return Failf(SchemaViolation, "properties.promotion_id", "%s needs promotion_id", event)
		}
	case OrderCompleted:
		if p.OrderID == "" {
			return Failf(SchemaViolation, "properties.order_id", "%s needs order_id", event)
		}
	}
	return nil
}

func knownType(t string) bool {
	switch t {
	case TypeTrack, TypePage, TypeScreen, TypeIdentify, TypeGroup, TypeAlias:
		return true
	}
	return false
}

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

func (d *decoder) context(c *check, ctx *Context) {
	switch d.peek() {
	case '{':
		d.object(func(key []byte) {
			if string(key) == "locale" {
				ctx.Locale = d.text(c, "context.locale")
				return
			}
			d.skip()
		})
	case 'n':
		d.literal("null")
	default:
		d.skip()
		c.fail("context", "must be an object")
	}
}

// Ranks of the fields an order's value may come in: revenue beats total beats value.
const (
	rankValue = iota + 1
	rankTotal
	rankRevenue
)

// properties reads the properties object into p, appending line items to items[:0].
func (d *decoder) properties(c *check, p *Properties, items []LineItem) {
	switch d.peek() {
	case '{':
	case 'n':
		d.literal("null")
		return
	default:
		d.skip()
		c.fail("properties", "must be an object")
		return
	}
	// A repeated properties key replaces the first: the last wins, as for any key.
	*p = Properties{Products: items[:0]}
	revenueRank := 0
	orderValue := func(rank int, field string) {
		v, ok := d.amount(c, field)
		if ok && rank >= revenueRank {
			p.Revenue, revenueRank = v, rank
		}
	}
	d.object(func(key []byte) {
		switch string(key) {
		case "product_id":
			p.ProductID = d.id(c, "properties.product_id")
		case "sku":
			p.SKU = d.id(c, "properties.sku")
		case "name":
			p.Name = d.text(c, "properties.name")
		case "brand":
			p.Brand = d.text(c, "properties.brand")
		case "category":
			p.Category = d.text(c, "properties.category")
		case "price":
			p.Price, _ = d.amount(c, "properties.price")
		case "currency":
			p.Currency = d.currency(c, "properties.currency")
		case "quantity":
			p.Quantity = d.count(c, "properties.quantity", false)
		case "position":
			p.Position = d.count(c, "properties.position", true)
		case "url":
			p.URL = d.text(c, "properties.url")
		case "query":
			p.Query = d.text(c, "properties.query")
		case "list_id":
			p.ListID = d.id(c, "properties.list_id")
		case "order_id":
			p.OrderID = d.id(c, "properties.order_id")
		case "revenue":
			orderValue(rankRevenue, "properties.revenue")
		case "total":
			orderValue(rankTotal, "properties.total")
		case "value":
			orderValue(rankValue, "properties.value")
		case "products":
			d.lineItems(c, &p.Products)
		case "promotion_id":
			p.PromotionID = d.id(c, "properties.promotion_id")
		case "creative":
			p.Creative = d.text(c, "properties.creative")
		default:
			d.skip()
		}
	})
	if p.ProductID == "" {
		p.ProductID = p.SKU
	}
}

func (d *decoder) lineItems(c *check, items *[]LineItem) {
	switch d.peek() {
	case '[':
	case 'n':
		d.literal("null")
		return
	default:
		d.skip()
		c.fail("properties.products", "must be an array")
		return
	}
	d.array(func() {
		switch d.peek() {
		case '{':
		case 'n':
			d.literal("null")
			return
		default:
			d.skip()
			c.fail("properties.products", "items must be objects")
			return
		}
		var it LineItem
		d.object(func(key []byte) {
			switch string(key) {
			case "product_id":
				it.ProductID = d.id(c, "properties.products.product_id")
			case "sku":
				it.SKU = d.id(c, "properties.products.sku")
			case "name":
				it.Name = d.text(c, "properties.products.name")
			case "brand":
				it.Brand = d.text(c, "properties.products.brand")
			case "category":
				it.Category = d.text(c, "properties.products.category")
			case "price":
				it.Price, _ = d.amount(c, "properties.products.price")
			case "quantity":
				it.Quantity = d.count(c, "properties.products.quantity", false)
			default:
				d.skip()
			}
		})
		if it.ProductID == "" {
			it.ProductID = it.SKU
		}
		*items = append(*items, it)
	})
}

// Typed field readers. Each consumes one value whatever it is; null reads as absent; a value of
// the wrong type is recorded in c and reads as absent.

// text reads a string.
func (d *decoder) text(c *check, field string) string {
	switch d.peek() {
	case '"':
		return d.string(d.str())
	case 'n':
		d.literal("null")
		return ""
	}
	d.skip()
	c.fail(field, "must be a string")
	return ""
}

// name reads a string that is usually one of a few constants.
func (d *decoder) name(c *check, field string) string {
	switch d.peek() {
	case '"':
		return d.intern(d.str())
	case 'n':
		d.literal("null")
		return ""
	}
	d.skip()
	c.fail(field, "must be a string")
	return ""
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
func (d *decoder) amount(c *check, field string) (v float64, ok bool) {
	text, _ := d.numeric(c, field)
	if len(text) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(text), 64)
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

// stamp reads a timestamp string; what is wrong with it matters only if it is the one used.
func (d *decoder) stamp() stamp {
	switch d.peek() {
	case '"':
		b := d.str()
		t, ok := parseTime(b)
		if !ok {
			return stamp{set: true, bad: "not an RFC 3339 time: " + strconv.Quote(clip(string(b)))}
		}
		return stamp{t: t, set: true}
	case 'n':
		d.literal("null")
		return stamp{}
	}
	d.skip()
	return stamp{set: true, bad: "must be a string"}
}

// clip bounds what of the input a failure detail repeats.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

// parseTime reads RFC 3339 and the variants trackers send: a space (or lower-case t) for the T,
// any number of fractional digits, and a zone that is absent (UTC), Z, UTC, ±hh:mm, ±hhmm or ±hh,
// optionally after a space. The result is in UTC.
func parseTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' ||
		b[10] != 'T' && b[10] != ' ' && b[10] != 't' {
		return time.Time{}, false
	}
	year, ok1 := atoiFixed(b[0:4])
	month, ok2 := atoiFixed(b[5:7])
	day, ok3 := atoiFixed(b[8:10])
	hour, ok4 := atoiFixed(b[11:13])
	minute, ok5 := atoiFixed(b[14:16])
	sec, ok6 := atoiFixed(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		start := i
		for ; i < len(b) && isDigit(b[i]); i++ {
			if i-start < 9 {
				nsec = nsec*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return time.Time{}, false
		}
		for k := i - start; k < 9; k++ {
			nsec *= 10
		}
	}
	if i < len(b) && b[i] == ' ' {
		i++
		if i == len(b) {
			return time.Time{}, false
		}
	}
	offset := 0
	switch zone := b[i:]; {
	case len(zone) == 0, string(zone) == "Z", string(zone) == "z", string(zone) == "UTC":
	case zone[0] == '+' || zone[0] == '-':
		var hh, mm int
		okh, okm := false, true
		switch {
		case len(zone) == 3:
			hh, okh = atoiFixed(zone[1:3])
		case len(zone) == 5:
			hh, okh = atoiFixed(zone[1:3])
			mm, okm = atoiFixed(zone[3:5])
		case len(zone) == 6 && zone[3] == ':':
			hh, okh = atoiFixed(zone[1:3])
			mm, okm = atoiFixed(zone[4:6])
		}
		if !okh || !okm || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = hh*3600 + mm*60
		if zone[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

func atoiFixed(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

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
// invalid UTF-8 bytes and unpaired surrogates become U+FFFD.
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

// DecodeShift decodes and checks a record of adshift.shifts. Every rejection is a *Failure.
func DecodeShift(data []byte) (Shift, error) {
	var s Shift
	if f := decodeRecord(data, &s); f != nil {
		return Shift{}, f
	}
	switch {
	case s.User == "":
		return Shift{}, Failf(SchemaViolation, "user", "missing")
	case s.EventTime.IsZero():
		return Shift{}, Failf(SchemaViolation, "event_time", "missing")
	case s.Reason != ReasonFirstProfile && s.Reason != ReasonNewInterest && s.Reason != ReasonIntentEscalation:
		return Shift{}, Failf(SchemaViolation, "reason", "unknown reason %q", clip(s.Reason))
	case s.Distance < 0:
		return Shift{}, Failf(SchemaViolation, "distance", "must be non-negative, got %g", s.Distance)
	}
	return s, nil
}

// DecodeAd decodes and checks a record of ads.ready. Every rejection is a *Failure.
func DecodeAd(data []byte) (Ad, error) {
	var a Ad
	if f := decodeRecord(data, &a); f != nil {
		return Ad{}, f
	}
	switch {
	case a.AdID == "":
		return Ad{}, Failf(SchemaViolation, "ad_id", "missing")
	case a.User == "":
		return Ad{}, Failf(SchemaViolation, "user", "missing")
	case a.Product.ID == "":
		return Ad{}, Failf(SchemaViolation, "product.id", "missing")
	case a.Product.Price < 0:
		return Ad{}, Failf(SchemaViolation, "product.price", "must be non-negative, got %g", a.Product.Price)
	case a.Strategy.Group != GroupTreatment && a.Strategy.Group != GroupHoldout:
		return Ad{}, Failf(SchemaViolation, "strategy.group", "must be %q or %q, got %q", GroupTreatment, GroupHoldout, clip(a.Strategy.Group))
	case a.CreatedAt.IsZero():
		return Ad{}, Failf(SchemaViolation, "created_at", "missing")
	}
	return a, nil
}

// decodeRecord decodes an inter-stage record: adshift writes them, so encoding/json's pace is
// enough, and its errors map onto failure kinds.
func decodeRecord(data []byte, v any) *Failure {
	if d := (decoder{data: data}); d.peek() != '{' {
		return Failf(MalformedJSON, "", "payload is not a JSON object")
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return Failf(MalformedJSON, "", "%v", err)
	case errors.As(err, &typ):
		return Failf(SchemaViolation, typ.Field, "must be %v, got %s", typ.Type, typ.Value)
	}
	return Failf(SchemaViolation, "", "%v", err)
}

package schemas

import (
	"time"
)

// Limits bound what DecodeEvent accepts.
type Limits struct {
	MaxBytes int       // larger payloads fail as TooLarge; 0 means 64 KiB
	MinTime  time.Time // earlier timestamps fail as TimestampOutOfRange; zero means MinEventTime
	MaxTime  time.Time // later timestamps fail as TimestampOutOfRange; zero means no upper bound

	MaxRecordBytes int // larger envelopes fail as TooLarge in Splitter.Split; 0 means 1 MiB
}

const defaultMaxBytes = 64 << 10

// DecodeEvent decodes, validates and normalises one Segment e-commerce event. Every rejection is
// a *Failure: TooLarge, MalformedJSON, InvalidUTF8, SchemaViolation, MissingUser or
// TimestampOutOfRange.
//
// It reads the payload in one pass without reflection. Strings in the Event never alias data.
// Spec inconsistencies are normalised: ids, prices, quantities and positions as strings or
// numbers; an order's value as revenue, else total, else value; sku standing in for a missing
// product_id; currency upper-cased; timestamps in RFC 3339 or the variants trackers send,
// converted to UTC, falling back to originalTimestamp.
//
// What the spec leaves loose is read leniently, and every such change is noted in
// Event.Rewrites: an optional field of the wrong type or out of range is dropped, not the event;
// prices written for people ("$19.99", "19,99") are read when unambiguous; epoch timestamps
// (seconds or milliseconds) are read; a missing messageId becomes a hash of the payload;
// snake_case and GA4 event names map to the spec's; GA4 items become products; category paths
// written with '/', '>' or '|' become dotted paths. What the event cannot be used without (call
// type, user, event name, timestamp, and the ids each event adshift reads needs) stays strict.
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
	w := wireEvent{ev: dst, items: items, data: data, keep: intern}
	d.envelope(&w)
	if d.err != nil {
		return d.err
	}
	if d.badUTF8 > 0 {
		return Failf(InvalidUTF8, "", "a string holds bytes that are not UTF-8, at offset %d", d.badUTF8-1)
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
	env    check // first type error in the envelope's required fields
	ctx    check // what was dropped of the context
	props  check // what was dropped or rewritten of properties: it only matters for track calls
	named  Rewrites
	data   []byte              // the payload, hashed for a missing messageId; nil for CheckEvent
	keep   func([]byte) string // DecodeEventInto's intern
}

// stamp is a timestamp field as read.
type stamp struct {
	t     time.Time
	set   bool   // present and not null
	bad   string // why it is unusable; empty when t is valid
	epoch bool   // read from an epoch number
}

// check keeps the first schema violation found while reading, so that a later syntax error
// still wins: a payload that is not JSON is MalformedJSON whatever else is wrong with it. In the
// envelope the violation rejects the event; in context and properties it only means the field
// was dropped (a rewrite), unless validation then misses the field. rw collects the rewrites.
type check struct {
	f  *Failure
	rw Rewrites
}

func (c *check) fail(field, format string, args ...any) {
	if c.f == nil {
		c.f = Failf(SchemaViolation, field, format, args...)
	}
	c.rw |= RewriteFieldDropped
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
			e.Event = d.eventName(&w.env, &w.named)
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
			d.context(&w.ctx, &e.Context)
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

func (d *decoder) context(c *check, ctx *Context) {
	if !d.opens(c, '{', "context", "must be an object") {
		return
	}
	d.object(func(key []byte) {
		switch string(key) {
		case "locale":
			ctx.Locale = d.text(c, "context.locale")
		case "consent":
			d.consent(c, &ctx.Consent)
		default:
			d.skip()
		}
	})
}

// opens reports whether the value at d.pos starts with kind ('{' or '['), so the caller reads
// it. Otherwise it consumes the value: null reads as absent, anything else fails field as must.
func (d *decoder) opens(c *check, kind byte, field, must string) bool {
	switch d.peek() {
	case kind:
		return true
	case 'n':
		d.literal("null")
	default:
		d.skip()
		c.fail(field, "%s", must)
	}
	return false
}

// Ranks of the fields an order's value may come in: revenue beats total beats value.
const (
	rankValue = iota + 1
	rankTotal
	rankRevenue
)

// itemFields names the product fields that properties and line items share, as a failure
// names them, in the order product_id, sku, name, brand, category, price, quantity.
type itemFields struct {
	productID, sku, name, brand, category, price, quantity string
}

// properties reads the properties object into p, appending line items to items[:0].
func (d *decoder) properties(c *check, p *Properties, items []LineItem) {
	if !d.opens(c, '{', "properties", "must be an object") {
		return
	}
	// A repeated properties key replaces the first: the last wins, as for any key.
	*p = Properties{Products: items[:0]}
	fields := itemFields{"properties.product_id", "properties.sku", "properties.name",
		"properties.brand", "properties.category", "properties.price", "properties.quantity"}
	var product LineItem // the fields properties shares with a line item
	revenueRank := 0
	orderValue := func(rank int, field string) {
		v, ok := d.amount(c, field)
		if ok && rank >= revenueRank {
			p.Revenue, revenueRank = v, rank
		}
	}
	d.object(func(key []byte) {
		switch string(key) {
		case "currency":
			p.Currency = d.currency(c, "properties.currency")
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
		case "item_list_id", "transaction_id", "search_term", "creative_name":
			d.ga4Param(c, key, p)
		case "revenue":
			orderValue(rankRevenue, "properties.revenue")
		case "total":
			orderValue(rankTotal, "properties.total")
		case "value":
			orderValue(rankValue, "properties.value")
		case "products":
			d.lineItems(c, &p.Products, "properties.products")
		case "items": // GA4's products
			if d.lineItems(c, &p.Products, "properties.items") {
				c.rw |= RewriteGA4
			}
		case "promotion_id":
			p.PromotionID = d.id(c, "properties.promotion_id")
		case "creative":
			p.Creative = d.text(c, "properties.creative")
		default:
			if !d.itemField(c, key, &product, &fields) {
				d.skip()
			}
		}
	})
	p.ProductID, p.SKU, p.Name, p.Brand = product.ProductID, product.SKU, product.Name, product.Brand
	p.Category, p.Price, p.Quantity = product.Category, product.Price, product.Quantity
	if p.ProductID == "" {
		p.ProductID = p.SKU
	}
}

// lineItems reads the products (or GA4's items) array named field, appending to items, and
// reports whether it was an array.
func (d *decoder) lineItems(c *check, items *[]LineItem, field string) bool {
	if !d.opens(c, '[', field, "must be an array") {
		return false
	}
	fields := &productsFields
	if field != fields.array {
		fields = &itemsFields
	}
	d.array(func() {
		if !d.opens(c, '{', field, "items must be objects") {
			return
		}
		var it LineItem
		var levels categoryLevels
		d.object(func(key []byte) {
			if !d.itemField(c, key, &it, &fields.itemFields) {
				d.ga4ItemField(c, key, &it, &levels)
			}
		})
		if it.Category == "" && levels.n > 0 {
			it.Category = d.string(levels.join())
		}
		if it.ProductID == "" {
			it.ProductID = it.SKU
		}
		*items = append(*items, it)
	})
	return true
}

// lineItemFields names the fields of a products or items array as a failure names them.
type lineItemFields struct {
	array string
	itemFields
}

var (
	productsFields = lineItemFields{"properties.products", itemFields{"properties.products.product_id", "properties.products.sku",
		"properties.products.name", "properties.products.brand", "properties.products.category", "properties.products.price",
		"properties.products.quantity"}}
	itemsFields = lineItemFields{"properties.items", itemFields{"properties.items.product_id", "properties.items.sku",
		"properties.items.name", "properties.items.brand", "properties.items.category", "properties.items.price",
		"properties.items.quantity"}}
)

// itemField reads the value of key into the product field it names and reports whether key
// names one; it consumes no value when it does not.
func (d *decoder) itemField(c *check, key []byte, it *LineItem, f *itemFields) bool {
	switch string(key) {
	case "product_id":
		it.ProductID = d.id(c, f.productID)
	case "sku":
		it.SKU = d.id(c, f.sku)
	case "name":
		it.Name = d.text(c, f.name)
	case "brand":
		it.Brand = d.text(c, f.brand)
	case "category":
		it.Category = d.category(c, f.category)
	case "price":
		it.Price, _ = d.amount(c, f.price)
	case "quantity":
		it.Quantity = d.count(c, f.quantity, false)
	default:
		return false
	}
	return true
}

package schemas

import (
	"time"
)

// Limits bound what DecodeEvent accepts.
type Limits struct {
	MaxBytes int       // larger payloads fail as TooLarge; 0 means 64 KiB
	MinTime  time.Time // earlier timestamps fail as TimestampOutOfRange; zero means MinEventTime
	MaxTime  time.Time // later timestamps fail as TimestampOutOfRange; zero means no upper bound
}

const defaultMaxBytes = 64 << 10

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

func (d *decoder) context(c *check, ctx *Context) {
	if !d.opens(c, '{', "context", "must be an object") {
		return
	}
	d.object(func(key []byte) {
		if string(key) == "locale" {
			ctx.Locale = d.text(c, "context.locale")
			return
		}
		d.skip()
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
			d.itemField(c, key, &product, &fields)
		}
	})
	p.ProductID, p.SKU, p.Name, p.Brand = product.ProductID, product.SKU, product.Name, product.Brand
	p.Category, p.Price, p.Quantity = product.Category, product.Price, product.Quantity
	if p.ProductID == "" {
		p.ProductID = p.SKU
	}
}

func (d *decoder) lineItems(c *check, items *[]LineItem) {
	if !d.opens(c, '[', "properties.products", "must be an array") {
		return
	}
	fields := itemFields{"properties.products.product_id", "properties.products.sku", "properties.products.name",
		"properties.products.brand", "properties.products.category", "properties.products.price", "properties.products.quantity"}
	d.array(func() {
		if !d.opens(c, '{', "properties.products", "items must be objects") {
			return
		}
		var it LineItem
		d.object(func(key []byte) {
			d.itemField(c, key, &it, &fields)
		})
		if it.ProductID == "" {
			it.ProductID = it.SKU
		}
		*items = append(*items, it)
	})
}

// itemField reads the value of key into the product field it names, or skips it.
func (d *decoder) itemField(c *check, key []byte, it *LineItem, f *itemFields) {
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
		it.Category = d.text(c, f.category)
	case "price":
		it.Price, _ = d.amount(c, f.price)
	case "quantity":
		it.Quantity = d.count(c, f.quantity, false)
	default:
		d.skip()
	}
}

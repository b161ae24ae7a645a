package schemas

import (
	"time"
)

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
	rw := w.ctx.rw
	if ts.epoch {
		rw |= RewriteEpochTime
	}

	if e.Type != TypeTrack {
		e.Event, e.Properties = "", Properties{Products: w.items[:0]}
		w.identify(rw)
		return nil
	}
	if e.Event == "" {
		return Failf(SchemaViolation, "event", "a track call needs an event name")
	}
	rw |= w.named | w.props.rw
	if liftItem(e.Event, &e.Properties, w.props.rw) {
		rw |= RewriteGA4
	}
	if f := validate(e.Event, &e.Properties); f != nil {
		// A required field dropped for its type fails for that, the more useful reason.
		if d := w.props.f; d != nil && (d.Field == f.Field || d.Field == "properties") {
			return d
		}
		return f
	}
	w.identify(rw)
	return nil
}

// identify gives the event its rewrites, and a messageId if it has none: a hash of the payload.
func (w *wireEvent) identify(rw Rewrites) {
	e := w.ev
	if e.MessageID == "" {
		e.MessageID = w.contentID()
		rw |= RewriteMessageID
	}
	e.Rewrites |= rw
}

// liftItem fills the product fields of a single-product event that carries its product as the
// first of GA4's items, and reports whether it did.
func liftItem(event string, p *Properties, rw Rewrites) bool {
	switch event {
	case ProductViewed, ProductClicked, ProductAdded, ProductAddedWishlist:
	default:
		return false
	}
	if p.ProductID != "" || len(p.Products) == 0 || !rw.Has(RewriteGA4) {
		return false
	}
	it := &p.Products[0]
	p.ProductID, p.SKU = it.ProductID, it.SKU
	if p.Name == "" {
		p.Name = it.Name
	}
	if p.Brand == "" {
		p.Brand = it.Brand
	}
	if p.Category == "" {
		p.Category = it.Category
	}
	if p.Price == 0 {
		p.Price = it.Price
	}
	if p.Quantity == 0 {
		p.Quantity = it.Quantity
	}
	if len(p.Products) == 1 {
		p.Products = nil // as if it had come flat, as the spec sends it
	}
	return true
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

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

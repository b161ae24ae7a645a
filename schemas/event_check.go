package schemas

import "slices"

// CheckEvent holds an event decoded already (read from a dataset, say) to the checks
// DecodeEvent makes once it has read a payload, and normalises it the same way: a missing call
// type with an event name is track, a call that is not track keeps no event name or
// properties, a variant of a spec event name becomes the spec name, category paths become
// dotted, and a missing messageId becomes a hash of the event. Every rejection is a *Failure.
// The checks are the decoder's own (wireEvent.finish), so an event handed over decoded is
// accepted exactly when its bytes would be. What it rewrites is added to ev.Rewrites.
func CheckEvent(ev *Event, lim Limits) error {
	w := wireEvent{ev: ev, items: ev.Properties.Products, ts: stamp{t: ev.Timestamp, set: !ev.Timestamp.IsZero()}}
	if _, ok := constant([]byte(ev.Event)); !ok {
		if s, ok := eventVariant([]byte(ev.Event)); ok {
			ev.Event = s
			w.named = RewriteEventName
		}
	}
	p := &ev.Properties
	if cleanCategory(&p.Category) {
		w.props.rw |= RewriteCategoryPath
	}
	for i := range p.Products {
		if !isCleanPath([]byte(p.Products[i].Category)) {
			// A copy of ev shares its line items with the caller's, who keeps them as they were.
			p.Products = slices.Clone(p.Products)
			w.items = p.Products
			break
		}
	}
	for i := range p.Products {
		if cleanCategory(&p.Products[i].Category) {
			w.props.rw |= RewriteCategoryPath
		}
	}
	if f := w.finish(lim); f != nil {
		return f
	}
	return nil
}

// cleanCategory makes *path dotted as the decoder does and reports whether it changed it.
func cleanCategory(path *string) bool {
	clean, changed := cleanPath([]byte(*path), nil)
	if changed {
		*path = string(clean)
	}
	return changed
}

package schemas

// CheckEvent holds an event decoded already (read from a dataset, say) to the checks
// DecodeEvent makes once it has read a payload, and normalises it the same way: a missing call
// type with an event name is track, and a call that is not track keeps no event name or
// properties. Every rejection is a *Failure. The checks are the decoder's own (wireEvent.finish),
// so an event handed over decoded is accepted exactly when its bytes would be.
func CheckEvent(ev *Event, lim Limits) error {
	w := wireEvent{ev: ev, items: ev.Properties.Products, ts: stamp{t: ev.Timestamp, set: !ev.Timestamp.IsZero()}}
	if f := w.finish(lim); f != nil {
		return f
	}
	return nil
}

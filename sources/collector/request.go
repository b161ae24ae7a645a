package collector

import (
	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Stage names the collector in the dead letters it writes (header adshift.stage).
const Stage = "collector"

// parsed is one request's body taken apart: its events' raw bytes, what to fill them with, and
// the write key it carried, if any. fail is set when the body as a whole is unusable.
type parsed struct {
	writeKey string
	events   [][]byte
	fill     fill
	fail     *schemas.Failure
}

// parse takes body apart for rt: a single call is the body itself, a batch the elements of its
// "batch" array, with its "context" merged under theirs.
func parse(body []byte, rt route, f fill) parsed {
	p := parsed{fill: f}
	ms, err := objectMembers(body)
	if err != nil {
		p.fail = schemas.Failf(schemas.MalformedJSON, "", "%v", err)
		return p
	}
	var batch []byte
	for _, m := range ms {
		switch string(m.key) {
		case "writeKey":
			p.writeKey, _ = m.str()
		case "batch":
			batch = m.value
		case "context":
			if rt.batch() {
				p.fill.batchContext = m.value
			}
		}
	}
	if !rt.batch() {
		p.events = [][]byte{body}
		return p
	}
	if batch == nil {
		p.fail = schemas.Failf(schemas.SchemaViolation, "batch", "missing: a batch body is {\"batch\": [events…]}")
		return p
	}
	if p.events, err = arrayElements(batch); err != nil {
		p.fail = schemas.Failf(schemas.SchemaViolation, "batch", "must be an array of events: %v", err)
	}
	return p
}

// rejection is one event the collector refused: its place in the request and why.
type rejection struct {
	Index  int    `json:"index"`
	Kind   string `json:"kind"`
	Field  string `json:"field,omitempty"`
	Detail string `json:"detail"`
}

// outcome is what the records of one request are: those to produce, the events accepted by
// type, and the rejections, each of which is among the records as a dead letter.
type outcome struct {
	records  []pipeline.Record
	accepted []string
	rejected []rejection
}

// deadLetterSource says where a rejected event was read: the path, no partition, and a
// sequence number unique to this collector process, so failed_events rows never collide.
type deadLetterSource struct {
	path string
	next func() int64
}

// build turns the events of p into records: each accepted event completed and keyed by its
// user, each rejected one a dead letter of its original bytes.
func (h *Handler) build(p parsed, src deadLetterSource) outcome {
	var o outcome
	reject := func(i int, raw []byte, f *schemas.Failure) {
		in := pipeline.Record{Topic: src.path, Partition: -1, Offset: src.next(), Value: raw, Timestamp: p.fill.receivedAt}
		o.records = append(o.records, pipeline.DeadLetter(h.topics.DLQ, Stage, in, f))
		o.rejected = append(o.rejected, rejection{Index: i, Kind: string(f.Kind), Field: f.Field, Detail: f.Detail})
	}
	for i, raw := range p.events {
		rec, typ, f := h.event(raw, p.fill)
		if f != nil {
			reject(i, raw, f)
			continue
		}
		o.records = append(o.records, rec)
		o.accepted = append(o.accepted, typ)
	}
	return o
}

// event completes and checks one event with the schemas decoder every stage reads it with.
func (h *Handler) event(raw []byte, f fill) (pipeline.Record, string, *schemas.Failure) {
	if len(raw) > h.cfg.MaxEventBytes {
		return pipeline.Record{}, "", schemas.Failf(schemas.TooLarge, "", "%d bytes, limit %d", len(raw), h.cfg.MaxEventBytes)
	}
	value, fail := complete(raw, f)
	if fail != nil {
		return pipeline.Record{}, "", fail
	}
	// A batch's context is merged into every event: the limit holds for what is produced.
	if len(value) > h.cfg.MaxEventBytes {
		return pipeline.Record{}, "", schemas.Failf(schemas.TooLarge, "context", "%d bytes once the batch's context is merged in, limit %d", len(value), h.cfg.MaxEventBytes)
	}
	ev, err := schemas.DecodeEvent(value, schemas.Limits{MaxBytes: len(value) + 1})
	if err != nil {
		if fl, ok := schemas.AsFailure(err); ok {
			return pipeline.Record{}, "", fl
		}
		return pipeline.Record{}, "", schemas.Failf(schemas.SchemaViolation, "", "%v", err)
	}
	rec := pipeline.Record{Topic: h.topics.Clickstream, Key: []byte(ev.User()), Value: value, Timestamp: ev.Timestamp}
	return rec, ev.Type, nil
}

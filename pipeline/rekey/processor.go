package rekey

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// processor forwards one clickstream partition's events. It is used by one goroutine at a time.
type processor struct {
	stage   *Stage
	control bool // reads the control topic: deletion requests, not events
	retry   pipeline.Retry
	split   schemas.Splitter
	heads   headReader
	pending []pipeline.Record
	// arena holds the keys of pending, reused once they are acknowledged; hdrs and srcs its
	// headers and their values, a batch's in one allocation each, never reused (a producer
	// copies keys and values, but may keep headers as they are).
	arena []byte
	hdrs  []schemas.Header
	srcs  []byte
}

var _ pipeline.Processor = (*processor)(nil)

// Process forwards the batch's events and the identities they join, and returns once the broker
// acknowledged all of them.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return p.retry.Process(ctx, batch, p.forwardAll, p.send)
}

// Close has nothing to flush: Process returns only once its records are acknowledged.
func (p *processor) Close(context.Context) error { return nil }

func (p *processor) forwardAll(fresh []pipeline.Record) (int, error) {
	for i := range fresh {
		p.forward(&fresh[i])
	}
	return len(fresh), nil
}

func (p *processor) send(ctx context.Context) error {
	if len(p.pending) == 0 {
		return nil
	}
	if err := p.stage.out.Emit(ctx, p.pending); err != nil {
		return fmt.Errorf("forward %d records: %w", len(p.pending), err)
	}
	clear(p.pending)
	p.pending = p.pending[:0]
	p.arena = p.arena[:0] // Emit holds on to nothing once it returned nil
	p.hdrs, p.srcs = make([]schemas.Header, 0, cap(p.hdrs)), make([]byte, 0, cap(p.srcs))
	return nil
}

// forward queues the events of one record, each keyed by its shopper. A record holding an
// envelope of events becomes one record per event, since they may be different shoppers'. A
// record the stage cannot read is forwarded under its own key, for the features stage to
// dead-letter: nothing is judged or dropped here.
func (p *processor) forward(in *pipeline.Record) {
	if p.control {
		p.request(in)
		return
	}
	env, values, err := p.split.Split(in.Value, schemas.Limits{})
	if err != nil || env == schemas.NoEnvelope {
		p.event(in, in.Value, in.Headers)
		return
	}
	for i, v := range values {
		// The splitter reuses its buffers: the value is copied, and so are the headers.
		p.event(in, slices.Clone(v), schemas.EnvelopeHeaders(slices.Clip(in.Headers), env, i))
	}
}

// event queues one event value of in, with headers and HeaderSource: keyed by its shopper on the
// keyed topic, and, for an identify or alias call, the join on the identities topic and the call
// keyed by the anonymous id with the known user in HeaderIdentify. Keys and headers go into the
// batch's arenas, reused once the batch is acknowledged.
func (p *processor) event(in *pipeline.Record, value []byte, headers []schemas.Header) {
	s := p.stage
	h, ok := p.heads.read(value)
	key := in.Key
	switch shopper := s.cfg.shopper(h); {
	case !ok || shopper == "":
		s.metrics.records[outcomeUnread].Inc()
	default:
		if known, joined := s.ids.user(shopper); joined {
			shopper = known
		}
		if shopper != string(in.Key) {
			s.metrics.records[outcomeRekeyed].Inc()
		} else {
			s.metrics.records[outcomeKept].Inc()
		}
		key = p.bytes(shopper)
	}
	start := len(p.srcs)
	p.srcs = schemas.AppendSource(p.srcs, in.Topic, in.Partition, in.Offset)
	hs := p.headers(headers, schemas.Header{Key: schemas.HeaderSource, Value: p.srcs[start:len(p.srcs):len(p.srcs)]})
	if anon, known, ok := join(h); ok {
		p.join(in, value, hs, anon, known)
		return
	}
	p.pending = append(p.pending, pipeline.Record{Topic: s.topics.Keyed, Key: key, Value: value,
		Headers: hs, Timestamp: in.Timestamp})
}

// bytes returns s copied into the arena.
func (p *processor) bytes(s string) []byte {
	start := len(p.arena)
	p.arena = append(p.arena, s...)
	return p.arena[start:len(p.arena):len(p.arena)]
}

// headers returns hs and more, copied into the headers arena.
func (p *processor) headers(hs []schemas.Header, more ...schemas.Header) []schemas.Header {
	start := len(p.hdrs)
	p.hdrs = append(append(p.hdrs, hs...), more...)
	return p.hdrs[start:len(p.hdrs):len(p.hdrs)]
}

// join queues the identity anon = known and the call that made it, keyed by anon.
func (p *processor) join(in *pipeline.Record, value []byte, headers []schemas.Header, anon, known string) {
	s := p.stage
	anon, known = strings.Clone(anon), strings.Clone(known) // they point into the head reader's slab
	s.ids.join(anon, known)
	s.metrics.joins.Inc()
	id := schemas.AppendIdentity(nil, schemas.Identity{Anonymous: anon, User: known})
	hs := append(slices.Clip(headers), schemas.Header{Key: schemas.HeaderIdentify, Value: []byte(known)})
	p.pending = append(p.pending,
		pipeline.Record{Topic: s.topics.Identities, Key: []byte(anon), Value: id, Timestamp: in.Timestamp},
		pipeline.Record{Topic: s.topics.Keyed, Key: []byte(anon), Value: value, Headers: hs, Timestamp: in.Timestamp})
}

// request queues a control record on the keyed topic, keyed by the shopper it names and marked
// with HeaderForget, so it reaches the features partition that owns the shopper's profile in
// order with their events. Requests of an anonymous id joined to a known user go to the user.
// A record that does not decode goes under its own key, for the features stage to dead-letter.
func (p *processor) request(in *pipeline.Record) {
	s := p.stage
	key := in.Key
	if c, err := schemas.DecodeControl(in.Value); err == nil {
		user := c.User
		if known, joined := s.ids.user(user); joined {
			user = known
		}
		key = p.bytes(user)
		s.metrics.records[outcomeKept].Inc()
	} else {
		s.metrics.records[outcomeUnread].Inc()
	}
	start := len(p.srcs)
	p.srcs = schemas.AppendSource(p.srcs, in.Topic, in.Partition, in.Offset)
	hs := p.headers(in.Headers, schemas.Header{Key: schemas.HeaderSource, Value: p.srcs[start:len(p.srcs):len(p.srcs)]},
		schemas.Header{Key: schemas.HeaderForget, Value: key})
	p.pending = append(p.pending, pipeline.Record{Topic: s.topics.Keyed, Key: key, Value: in.Value,
		Headers: hs, Timestamp: in.Timestamp})
}

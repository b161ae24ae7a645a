package schemas

import (
	"bytes"
	"slices"
	"strconv"
)

// Envelope names how a clickstream record wraps its events.
type Envelope string

// Envelopes.
const (
	// NoEnvelope: the record is one event, as the spec and RudderStack's Kafka destination
	// write it.
	NoEnvelope Envelope = ""
	// SegmentBatch: the body of Segment's /v1/batch, {"batch": [...], "context": {...}, …}, whose
	// context and integrations apply to every event (an event's own keys win).
	SegmentBatch Envelope = "segment_batch"
	// RudderEnvelope: what RudderStack's transformer hands its Kafka producer,
	// {"message": {...}, "userId": …, "topic": …}; the message is the event.
	RudderEnvelope Envelope = "rudderstack"
)

// Envelope headers, on the dead letter of an event that came in an envelope: which envelope,
// and the event's index in it (decimal, from 0).
const (
	HeaderEnvelope = "adshift.envelope"
	HeaderIndex    = "adshift.index"
)

// defaultMaxRecordBytes bounds an envelope when Limits.MaxRecordBytes is 0: Kafka's default
// largest record.
const defaultMaxRecordBytes = 1 << 20

// Splitter splits record values into the event values they hold. It reuses its buffers, so
// what Split returns is valid until the next call; it is used by one goroutine at a time.
type Splitter struct {
	events  [][]byte
	buf     []byte
	scratch []byte // the decoder's, for strings with escapes
}

// Split returns the event values of a record value: the value itself, unless it is an
// envelope (a Segment batch or RudderStack's form), whose events it returns in order, each with
// what the envelope says of all of them merged in. A value that is not a well-formed envelope
// is returned as one event, for the decoder to judge. The only failures are an envelope larger
// than lim.MaxRecordBytes (TooLarge) and a batch of no events (SchemaViolation). Detecting an
// envelope costs a search for its keys' names, and a scan of the record when it has them; a
// stage calls Split only on what the decoder rejected as an event (MayBeEnvelope).
func (s *Splitter) Split(data []byte, lim Limits) (Envelope, [][]byte, error) {
	s.events = append(s.events[:0], data)
	if !mayBeEnvelope(data) {
		return NoEnvelope, s.events, nil
	}
	top := s.classify(data)
	env := top.envelope()
	if env == NoEnvelope {
		return NoEnvelope, s.events, nil
	}
	maxBytes := lim.MaxRecordBytes
	if maxBytes <= 0 {
		maxBytes = defaultMaxRecordBytes
	}
	if len(data) > maxBytes {
		return env, nil, Failf(TooLarge, "", "%s of %d bytes, limit %d", env, len(data), maxBytes)
	}
	if env == RudderEnvelope {
		s.events[0] = top.message
		return env, s.events, nil
	}
	return s.batch(top)
}

// mayBeEnvelope reports whether data could be an envelope: it names one's key, or escapes
// characters so that it might.
func mayBeEnvelope(data []byte) bool {
	// Searched for without their opening quote: '"' is in every other byte of JSON, which
	// makes a search that starts at it slow.
	if bytes.Contains(data, []byte(`batch"`)) || bytes.Contains(data, []byte(`message"`)) {
		return true
	}
	for i := bytes.IndexByte(data, '\\'); i >= 0 && i+1 < len(data); {
		if data[i+1] == 'u' {
			return true
		}
		j := bytes.IndexByte(data[i+2:], '\\')
		if j < 0 {
			break
		}
		i += 2 + j
	}
	return false
}

// MayBeEnvelope reports whether a record value that DecodeEvent rejected with err could be an
// envelope: an envelope is no event, so it fails as one for its type, its user or its size. A
// stage decodes a record first and splits only what this allows, so that a record that is one
// event pays nothing for envelopes.
func MayBeEnvelope(err error) bool {
	f, ok := AsFailure(err)
	return ok && (f.Kind == SchemaViolation || f.Kind == MissingUser || f.Kind == TooLarge)
}

// topLevel is what the top level of a record says of an envelope: the raw values of its
// members that matter.
type topLevel struct {
	batch, message []byte
	shared         []member // context and integrations, when objects
	isEvent        bool     // it has a type or an event name
}

// envelope says which envelope top makes.
func (top *topLevel) envelope() Envelope {
	switch {
	case len(top.batch) > 0 && top.batch[0] == '[':
		return SegmentBatch
	case len(top.message) > 0 && top.message[0] == '{' && !top.isEvent:
		return RudderEnvelope
	}
	return NoEnvelope
}

// classify reads the top level of data; a value that is not one well-formed object makes no
// envelope. It allocates nothing for a record that merely mentions a key's name.
func (s *Splitter) classify(data []byte) topLevel {
	var top topLevel
	d := decoder{data: data, scratch: s.scratch}
	defer func() { s.scratch = d.scratch[:0] }()
	if d.peek() != '{' {
		return topLevel{}
	}
	d.object(func(key []byte) {
		var dst *[]byte
		var shared string
		switch string(key) {
		case "batch":
			dst = &top.batch
		case "message":
			dst = &top.message
		case "context":
			shared = "context"
		case "integrations":
			shared = "integrations"
		case "type", "event":
			top.isEvent = true
		}
		d.skipSpace()
		start := d.pos
		d.skip()
		v := data[start:d.pos]
		switch {
		case dst != nil:
			*dst = v
		case shared != "" && len(v) > 0 && v[0] == '{':
			top.shared = slices.DeleteFunc(top.shared, func(m member) bool { return m.key == shared }) // the last wins
			top.shared = append(top.shared, member{key: shared, value: v})
		}
	})
	if d.err != nil {
		return topLevel{}
	}
	if d.skipSpace(); d.pos != len(data) {
		return topLevel{}
	}
	return top
}

// batch splits a Segment batch's array, merging the batch's context and integrations into each
// event.
func (s *Splitter) batch(top topLevel) (Envelope, [][]byte, error) {
	array, shared := top.batch, top.shared
	s.events = s.events[:0]
	s.buf = s.buf[:0]
	var merged [][2]int // event index and where in s.buf it starts, which may move as it grows
	var ends []int
	d := decoder{data: array}
	d.array(func() {
		d.skipSpace()
		start := d.pos
		d.skip()
		raw := array[start:d.pos]
		if len(shared) == 0 || raw[0] != '{' {
			s.events = append(s.events, raw)
			return
		}
		merged = append(merged, [2]int{len(s.events), len(s.buf)})
		s.buf = mergeShared(s.buf, raw, shared)
		ends = append(ends, len(s.buf))
		s.events = append(s.events, nil)
	})
	for i, m := range merged {
		s.events[m[0]] = s.buf[m[1]:ends[i]:ends[i]]
	}
	if len(s.events) == 0 {
		return SegmentBatch, nil, Failf(SchemaViolation, "batch", "holds no events")
	}
	return SegmentBatch, s.events, nil
}

// mergeShared appends event with the batch's shared objects merged in: each of its own keys of
// those objects wins over the batch's.
func mergeShared(b, event []byte, shared []member) []byte {
	own, ok := readMembers(event)
	if !ok {
		return append(b, event...)
	}
	b = append(b, '{')
	first := true
	sep := func() {
		if !first {
			b = append(b, ',')
		}
		first = false
	}
	for _, m := range own {
		if ownMember(shared, m.key) == nil {
			sep()
			b = append(b, m.raw...)
		}
	}
	for i := range shared {
		sep()
		b = strconv.AppendQuote(b, shared[i].key)
		b = append(b, ':')
		mine := ownMember(own, shared[i].key)
		b = mergeObjects(b, shared[i].value, mine)
	}
	return append(b, '}')
}

// mergeObjects appends the object batch with the members of own (an object, or nil) put over
// its own.
func mergeObjects(b, batch, own []byte) []byte {
	if len(own) == 0 || own[0] != '{' {
		return append(b, batch...)
	}
	outer, ok1 := readMembers(batch)
	inner, ok2 := readMembers(own)
	if !ok1 || !ok2 {
		return append(b, own...)
	}
	b = append(b, '{')
	n := 0
	for _, m := range outer {
		if ownMember(inner, m.key) == nil {
			if n > 0 {
				b = append(b, ',')
			}
			b = append(b, m.raw...)
			n++
		}
	}
	for _, m := range inner {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, m.raw...)
		n++
	}
	return append(b, '}')
}

// ownMember returns the value of the last member named key, or nil.
func ownMember(ms []member, key string) []byte {
	var v []byte
	for _, m := range ms {
		if m.key == key {
			v = m.value
		}
	}
	return v
}

// member is one member of a JSON object as written: its decoded key, its value's bytes, and
// the bytes of the whole member ("key": value).
type member struct {
	key        string
	value, raw []byte
}

// readMembers reads the members of the JSON object data holds, or reports it holds no
// well-formed object.
func readMembers(data []byte) ([]member, bool) {
	d := decoder{data: data}
	if d.peek() != '{' {
		return nil, false
	}
	var ms []member
	d.object(func(key []byte) {
		k := string(key)
		keyStart := bytes.LastIndexByte(data[:d.pos], '"') // the key's closing quote, before ':'
		keyStart = openingQuote(data, keyStart)
		d.skipSpace()
		start := d.pos
		d.skip()
		ms = append(ms, member{key: k, value: data[start:d.pos], raw: data[keyStart:d.pos]})
	})
	if d.err != nil {
		return nil, false
	}
	d.skipSpace()
	return ms, d.pos == len(data)
}

// openingQuote returns the index of the quote that opens the JSON string closed at end.
func openingQuote(data []byte, end int) int {
	for i := end - 1; i >= 0; i-- {
		if data[i] != '"' {
			continue
		}
		backslashes := 0
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
	}
	return 0
}

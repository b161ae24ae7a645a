package features

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/shift"
)

// The changelog value of a profile: a version byte, then the fields in a fixed order, names as
// length-prefixed strings (ids are partition-local and never persisted), weights as float32 bits
// (the in-memory precision, so a restored profile is bit-for-bit the one that was written).
// The progress marker (see progress) has its own version byte.
// Version 'Q' added the shift detector's settled flag and the interest model's state; values
// of version 'P', written before, still read (without either).
const (
	profileVersion  = 'Q'
	profileV1       = 'P'
	progressVersion = 'M'
)

// progressKey is the changelog key of the partition's progress marker. User keys starting with
// a NUL byte are reserved for it and dead-lettered.
const progressKey = "\x00adshift.features.progress"

// errCorrupt is returned for a changelog value that does not decode.
var errCorrupt = errors.New("corrupt changelog value")

// appendProfile appends the changelog encoding of p to b; pr names the categories of the
// interest model's state (nil: the stage has no model, and the state is empty).
func appendProfile(b []byte, p *profile, n *names, pr *predictor) []byte {
	b = append(b, profileVersion)
	b = binary.AppendVarint(b, p.last)
	b = binary.AppendVarint(b, p.offset)
	b = binary.AppendUvarint(b, uint64(p.events))
	b = appendName(b, n, p.currency)
	b = appendName(b, n, p.locale)
	b = binary.AppendUvarint(b, uint64(p.hours.hour))
	b = binary.AppendUvarint(b, uint64(p.hours.cur))
	b = binary.AppendUvarint(b, uint64(p.hours.prev))
	b = append(b, byte(p.stage))
	b = appendSlots(b, n, p.cats[:p.nCats], true)
	b = appendSlots(b, n, p.brands[:p.nBrands], false)
	b = append(b, p.nPrices)
	for _, s := range p.prices[:p.nPrices] {
		b = binary.AppendUvarint(b, uint64(s.id))
		b = appendFloats(b, s.short, s.long)
	}
	b = appendNames(b, n, p.carted[:p.nCarted])
	b = appendNames(b, n, p.purchased[:p.nPurchased])
	b = append(b, p.nextRecent)
	for _, h := range p.recent {
		b = binary.LittleEndian.AppendUint32(b, h)
	}
	b = appendShiftState(b, &p.shift, n)
	if pr == nil || p.state == 0 {
		return append(b, 0)
	}
	return appendModelState(b, pr.peek(p), n, pr)
}

// appendShiftState appends the shift detector's state of a profile.
func appendShiftState(b []byte, st *shift.State, n *names) []byte {
	b = binary.AppendVarint(b, st.At)
	b = binary.AppendUvarint(b, uint64(st.Version))
	b = appendName(b, n, st.Lead)
	b = binary.AppendUvarint(b, uint64(st.Day))
	settled := byte(0)
	if st.Settled {
		settled = 1
	}
	b = append(b, st.DayCount, st.Evidence, settled, st.N)
	for _, e := range st.Ref[:st.N] {
		b = appendName(b, n, e.ID)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(e.W))
	}
	return b
}

// appendModelState appends the interest model's state of a profile: its categories by name, so
// that a restart, or another model, reads them back whatever the ids.
func appendModelState(b []byte, st *interest.State, n *names, pr *predictor) []byte {
	b = append(b, byte(st.Len()))
	for i := range st.Len() {
		id, decayed, count := st.Entry(i)
		b = appendName(b, n, pr.nameID(n, id))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(decayed))
		b = append(b, count)
	}
	return b
}

func appendName(b []byte, n *names, id uint32) []byte {
	s := n.name(id)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendNames(b []byte, n *names, ids []uint32) []byte {
	b = append(b, byte(len(ids)))
	for _, id := range ids {
		b = appendName(b, n, id)
	}
	return b
}

func appendSlots(b []byte, n *names, s []slot, leaves bool) []byte {
	b = append(b, byte(len(s)))
	for _, e := range s {
		b = appendName(b, n, e.nameID())
		if leaves {
			leaf := byte(0)
			if e.leaf() {
				leaf = 1
			}
			b = append(b, leaf)
		}
		b = appendFloats(b, e.short, e.long)
	}
	return b
}

func appendFloats(b []byte, short, long float32) []byte {
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(short))
	return binary.LittleEndian.AppendUint32(b, math.Float32bits(long))
}

// reader decodes a changelog value; the first error sticks and every later read returns zero.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errCorrupt, what)
	}
	r.b = nil
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.fail("short value")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint(limit uint64) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.fail("bad or out of range uvarint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint32() uint32 {
	if len(r.b) < 4 {
		r.fail("short value")
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) float() float32 { return math.Float32frombits(r.uint32()) }

// name reads a length-prefixed name. Its length is bounded only by the bytes left: names are as
// long as the events that named them (max_event_bytes), and a value holding a name longer than
// a fixed bound would restore as corrupt, losing the shopper's profile.
func (r *reader) name(n *names) uint32 {
	l := r.uvarint(uint64(len(r.b)))
	if uint64(len(r.b)) < l {
		r.fail("short name")
		return 0
	}
	id := n.id(string(r.b[:l]))
	r.b = r.b[l:]
	return id
}

// count reads a list length, at most limit.
func (r *reader) count(limit int) uint8 {
	c := r.byte()
	if int(c) > limit {
		r.fail("list too long")
		return 0
	}
	return c
}

// decodeProfile decodes a changelog value written by appendProfile, interning its names in n;
// the interest model's state is read into pr's ids, or dropped when pr is nil. A value written
// before profiles had a model state reads with an empty one.
func decodeProfile(b []byte, n *names, pr *predictor) (*profile, error) {
	r := &reader{b: b}
	version := r.byte()
	if version != profileVersion && version != profileV1 {
		return nil, fmt.Errorf("%w: not a profile (version byte %q)", errCorrupt, b[:min(1, len(b))])
	}
	p := new(profile)
	p.last = r.varint()
	p.offset = r.varint()
	p.events = uint32(r.uvarint(math.MaxUint32))
	p.currency = r.name(n)
	p.locale = r.name(n)
	p.hours.hour = uint32(r.uvarint(math.MaxUint32))
	p.hours.cur = uint16(r.uvarint(math.MaxUint16))
	p.hours.prev = uint16(r.uvarint(math.MaxUint16))
	if p.stage = intent(r.byte()); p.stage > purchase {
		r.fail("intent stage")
	}
	p.nCats = r.slots(n, p.cats[:], true)
	p.nBrands = r.slots(n, p.brands[:], false)
	p.nPrices = r.count(maxPrices)
	for i := range p.prices[:p.nPrices] {
		p.prices[i].id = uint32(r.uvarint(2 * priceBucketBias))
		p.prices[i].short, p.prices[i].long = r.float(), r.float()
	}
	p.nCarted = r.count(maxCarted)
	for i := range p.carted[:p.nCarted] {
		p.carted[i] = r.name(n)
	}
	p.nPurchased = r.count(maxPurchased)
	for i := range p.purchased[:p.nPurchased] {
		p.purchased[i] = r.name(n)
	}
	if p.nextRecent = r.byte(); int(p.nextRecent) >= len(p.recent) {
		r.fail("recent id index")
	}
	for i := range p.recent {
		p.recent[i] = r.uint32()
	}
	r.shiftState(&p.shift, n, version)
	var ms interest.State
	if version == profileVersion {
		r.modelState(&ms, n, pr)
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	if ms.Len() > 0 {
		*pr.state(p) = ms // only once the value decoded: a corrupt one takes no slot
	}
	return p, nil
}

// shiftState reads the shift detector's state of a profile value of version.
func (r *reader) shiftState(st *shift.State, n *names, version byte) {
	st.At = r.varint()
	st.Version = uint32(r.uvarint(math.MaxUint32))
	st.Lead = r.name(n)
	st.Day = uint16(r.uvarint(math.MaxUint16))
	st.DayCount, st.Evidence = r.byte(), r.byte()
	if version == profileVersion {
		switch r.byte() {
		case 0:
		case 1:
			st.Settled = true
		default:
			r.fail("settled flag")
		}
	}
	st.N = r.count(shift.RefSize)
	for i := range st.Ref[:st.N] {
		st.Ref[i] = shift.Entry{ID: r.name(n), W: r.float()}
	}
}

// modelState reads what appendModelState wrote into st.
func (r *reader) modelState(st *interest.State, n *names, pr *predictor) {
	c := r.count(interest.StateSize)
	for range c {
		name := r.name(n)
		decayed, count := r.float(), r.byte()
		if !(decayed >= 0 && decayed <= interest.MaxDecayed) || count == 0 {
			r.fail("interest state counts")
		}
		if pr != nil && r.err == nil && !st.Append(pr.modelID(n, name), decayed, count) {
			r.fail("interest state repeats a category")
		}
	}
}

func (r *reader) slots(n *names, s []slot, leaves bool) uint8 {
	c := r.count(len(s))
	for i := range s[:c] {
		s[i].id = r.name(n)
		if leaves && r.byte() == 1 {
			s[i].id |= leafBit
		}
		s[i].short, s[i].long = r.float(), r.float()
	}
	return c
}

// progress is what a partition's marker records: every input record before offset has been
// processed and all it caused is durable, and max is the latest event time seen by then (the
// partition's watermark is max minus the allowed lateness).
type progress struct {
	offset int64
	max    int64
}

func appendProgress(b []byte, pr progress) []byte {
	b = append(b, progressVersion)
	b = binary.AppendVarint(b, pr.offset)
	return binary.AppendVarint(b, pr.max)
}

func decodeProgress(b []byte) (progress, error) {
	r := &reader{b: b}
	if r.byte() != progressVersion {
		return progress{}, fmt.Errorf("%w: not a progress marker", errCorrupt)
	}
	pr := progress{offset: r.varint(), max: r.varint()}
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	return pr, r.err
}

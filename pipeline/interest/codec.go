package interest

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
)

// The payload: the config, the span and counts, the weights, the weights of moves, the vocabulary, then per category
// its events, its moves out and its successors (id, count), its co-occurrences and the
// categories it co-occurs with most (id, count), then the popular ids. Integers are
// uvarints (times varints), reals IEEE-754 bits; everything in category-id order, and ids in
// order of first appearance, so the bytes depend only on the events and their order.

func encodePayload(m *Model) []byte {
	var b []byte
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	f := func(v float64) { b = binary.BigEndian.AppendUint64(b, math.Float64bits(v)) }
	t := func(v time.Time) { b = binary.AppendVarint(b, v.Unix()); u(uint64(v.Nanosecond())) }
	c := m.cfg
	for _, v := range []int{c.RecentDistinct, c.Successors, c.SuccessorSlots, c.Popular} {
		u(uint64(v))
	}
	f(c.Decay)
	f(c.LearningRate)
	f(c.MoveLearningRate)
	t(m.from)
	t(m.until)
	u(uint64(m.events))
	u(uint64(m.users))
	u(uint64(m.steps))
	u(uint64(m.moveSteps))
	for _, w := range m.w {
		f(w)
	}
	for _, w := range m.wMove {
		f(w)
	}
	u(uint64(len(m.names)))
	for _, n := range m.names {
		u(uint64(len(n)))
		b = append(b, n...)
	}
	s := &m.stats
	for i := range m.names {
		u(uint64(s.pop[i]))
		u(uint64(s.out[i]))
		u(uint64(len(s.next[i].ids)))
		for k, id := range s.next[i].ids {
			u(uint64(id))
			u(uint64(s.next[i].counts[k]))
		}
		u(uint64(s.coOut[i]))
		u(uint64(len(s.co[i].ids)))
		for k, id := range s.co[i].ids {
			u(uint64(id))
			u(uint64(s.co[i].counts[k]))
		}
	}
	u(uint64(len(s.popular.ids)))
	for _, id := range s.popular.ids {
		u(uint64(id))
	}
	return appendGroups(b, m.groups)
}

// decoder reads a payload, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) uint(what string, limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || n != len(binary.AppendUvarint(nil, v)) { // one encoding per number: one file per model
		d.fail("%s: bad varint", what)
		return 0
	}
	d.b = d.b[n:]
	if v > limit {
		d.fail("%s: %d above %d", what, v, limit)
		return 0
	}
	return v
}

func (d *decoder) int(what string, limit int) int { return int(d.uint(what, uint64(limit))) }

func (d *decoder) float(what string) float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail("%s: truncated", what)
		return 0
	}
	v := math.Float64frombits(binary.BigEndian.Uint64(d.b))
	d.b = d.b[8:]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		d.fail("%s: %v", what, v)
	}
	return v
}

func (d *decoder) time(what string) time.Time {
	if d.err != nil {
		return time.Time{}
	}
	sec, n := binary.Varint(d.b)
	if n <= 0 || n != len(binary.AppendVarint(nil, sec)) {
		d.fail("%s: bad varint", what)
		return time.Time{}
	}
	if sec < minUnix || sec > maxUnix {
		d.fail("%s: %d s outside years 1 to 9999", what, sec)
		return time.Time{}
	}
	d.b = d.b[n:]
	return time.Unix(sec, int64(d.uint(what, 999_999_999))).UTC()
}

// The times a file may hold: years 1 to 9999, which time.Time represents exactly.
const (
	minUnix = -62135596800
	maxUnix = 253402300799
)

// maxCount bounds every count, far above any real one, so sums stay exact in a float64.
const maxCount = 1 << 48

func decodePayload(b []byte, format uint32) (*Model, error) {
	d := &decoder{b: b}
	m := &Model{}
	if err := d.settings(m); err != nil {
		return nil, err
	}
	d.names(m)
	if d.err != nil {
		return nil, d.err
	}
	d.stats(m)
	d.popular(m)
	if format >= groupsFormat {
		m.groups = d.groups()
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d bytes after the payload", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	m.index()
	return m, nil
}

// settings reads the model's configuration, which must be valid, its span and counts, and the
// ranker's weights.
func (d *decoder) settings(m *Model) error {
	c := &m.cfg
	for _, p := range []*int{&c.RecentDistinct, &c.Successors, &c.SuccessorSlots, &c.Popular} {
		*p = d.int("config", maxSetting)
	}
	c.Decay = d.float("decay")
	c.LearningRate = d.float("learning_rate")
	c.MoveLearningRate = d.float("move_learning_rate")
	if d.err == nil {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	m.from, m.until = d.time("from"), d.time("until")
	m.events = d.int("events", maxCount)
	m.users = d.int("users", maxCount)
	m.steps = d.int("steps", maxCount)
	m.moveSteps = d.int("move steps", maxCount)
	for i := range m.w {
		m.w[i] = d.float("weight")
	}
	for i := range m.wMove {
		m.wMove[i] = d.float("move weight")
	}
	return nil
}

// names reads the vocabulary, each name once. A category takes at least four bytes (its name's
// length, its events, moves and successor count), which bounds the vocabulary by the payload,
// so a length field cannot make Read allocate more than the file is worth.
func (d *decoder) names(m *Model) {
	n := d.int("categories", len(d.b)/4)
	m.names = make([]string, 0, n)
	seen := make(map[string]bool)
	for range n {
		l := d.int("name length", maxSetting)
		if d.err == nil && l > len(d.b) {
			d.fail("name of %d bytes, %d left", l, len(d.b))
		}
		if d.err != nil {
			return
		}
		name := string(d.b[:l])
		d.b = d.b[l:]
		if seen[name] {
			d.fail("category %q twice", name)
		}
		seen[name] = true
		m.names = append(m.names, name)
	}
}

// stats reads each category's events, moves and successors, and its co-occurrences and the
// categories it co-occurs with, largest count first.
func (d *decoder) stats(m *Model) {
	n := len(m.names)
	s := &m.stats
	s.pop, s.out, s.next = make([]float64, n), make([]float64, n), make([]ranked, n)
	s.coOut, s.co = make([]float64, n), make([]ranked, n)
	for i := 0; i < n && d.err == nil; i++ {
		s.pop[i] = float64(d.uint("events", maxCount))
		s.total += s.pop[i]
		s.out[i] = float64(d.uint("moves", maxCount))
		d.counted(&s.next[i], "successors", n, m.cfg.Successors)
		s.coOut[i] = float64(d.uint("co-occurrences", maxCount))
		d.counted(&s.co[i], "related", n, m.cfg.Successors)
	}
}

// counted reads up to limit (id, count) pairs of ids below n into r, largest count first.
func (d *decoder) counted(r *ranked, what string, n, limit int) {
	k := d.int(what, limit)
	for range k {
		id, cnt := d.uint(what, uint64(n-1)), float64(d.uint("count", maxCount))
		if d.err != nil {
			return
		}
		if len(r.counts) > 0 && r.counts[len(r.counts)-1] < cnt {
			d.fail("%s out of order", what)
			return
		}
		r.ids = append(r.ids, uint32(id))
		r.counts = append(r.counts, cnt)
	}
}

// popular reads the most popular categories.
func (d *decoder) popular(m *Model) {
	n, s := len(m.names), &m.stats
	k := d.int("popular", m.cfg.Popular)
	for range k {
		id := d.uint("popular", uint64(max(n-1, 0)))
		if d.err == nil && n == 0 {
			d.fail("popular category without a vocabulary")
		}
		if d.err != nil {
			return
		}
		s.popular.ids = append(s.popular.ids, uint32(id))
		s.popular.counts = append(s.popular.counts, s.pop[id])
	}
}

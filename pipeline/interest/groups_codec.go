package interest

import (
	"encoding/binary"
	"math"
	"slices"
)

// The groups section of a payload (format 4 on): the group count (0: no groups), then the
// names, the title words and their idf, the products in id order each with its group, and per
// group the heaviest words of its centre (word index, weight).

func appendGroups(b []byte, g *Groups) []byte {
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	f := func(v float64) { b = binary.BigEndian.AppendUint64(b, math.Float64bits(v)) }
	str := func(s string) { u(uint64(len(s))); b = append(b, s...) }
	if g == nil {
		u(0)
		return b
	}
	u(uint64(len(g.names)))
	for _, n := range g.names {
		str(n)
	}
	u(uint64(len(g.v.keys)))
	for i, k := range g.v.keys {
		str(k)
		f(g.v.idf[i])
	}
	u(uint64(len(g.products)))
	for i, p := range g.products {
		str(p)
		u(uint64(g.group[i]))
	}
	for _, c := range g.centres {
		u(uint64(len(c)))
		for _, e := range c {
			u(uint64(e.i))
			f(e.w)
		}
	}
	return b
}

// str reads a length-prefixed string.
func (d *decoder) str(what string) string {
	l := d.int(what, maxSetting)
	if d.err == nil && l > len(d.b) {
		d.fail("%s of %d bytes, %d left", what, l, len(d.b))
	}
	if d.err != nil {
		return ""
	}
	s := string(d.b[:l])
	d.b = d.b[l:]
	return s
}

// groups reads the groups section; nil for none. Names, words and products must each be
// unique and the words and products in order, so one model has one file.
func (d *decoder) groups() *Groups {
	k := d.int("groups", min(maxGroups, len(d.b)))
	if k == 0 || d.err != nil {
		return nil
	}
	g := &Groups{}
	for range k {
		g.names = append(g.names, d.str("group name"))
	}
	if len(slices.Compact(slices.Sorted(slices.Values(g.names)))) != len(g.names) {
		d.fail("a group name twice")
	}
	nw := d.int("group words", len(d.b)/9)
	for range nw {
		g.v.keys = append(g.v.keys, d.str("group word"))
		g.v.idf = append(g.v.idf, d.float("idf"))
	}
	np := d.int("grouped products", len(d.b)/3)
	for range np {
		g.products = append(g.products, d.str("grouped product"))
		g.group = append(g.group, uint32(d.uint("product group", uint64(k-1))))
	}
	if d.err == nil && (!strictlySorted(g.v.keys) || !strictlySorted(g.products)) {
		d.fail("group words or products out of order")
	}
	g.centres = make([]sparse, k)
	for j := 0; j < k && d.err == nil; j++ {
		n := d.int("centre words", centreWords)
		for range n {
			i := d.int("centre word", max(nw-1, 0))
			g.centres[j] = append(g.centres[j], entry{i, d.float("centre weight")})
			if d.err == nil && (nw == 0 || len(g.centres[j]) > 1 && g.centres[j][len(g.centres[j])-2].i >= i) {
				d.fail("centre words out of order")
			}
		}
	}
	if d.err != nil {
		return nil
	}
	g.v.reindex()
	return g
}

func strictlySorted(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}

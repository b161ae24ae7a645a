package features

import "strings"

// names interns the strings profiles refer to — category paths, brands, currencies, locales,
// purchased product ids — so a profile holds 4-byte ids instead of 16-byte string headers and
// compares ids instead of strings. One table serves one partition; ids are never persisted (the
// changelog carries the strings), so a restored partition interns afresh.
//
// The table only grows: it holds each distinct name once, bounded by the catalogue, not by the
// number of shoppers.
type names struct {
	ids  map[string]uint32
	strs []string // by id; id 0 is the empty string
}

func newNames() names {
	return names{ids: map[string]uint32{"": 0}, strs: []string{""}}
}

// id returns the id of s, interning a copy of it on first sight (s may point into a batch's
// strings, which the table must not keep alive). Looking up a known name does not allocate.
func (n *names) id(s string) uint32 {
	if id, ok := n.ids[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := uint32(len(n.strs))
	n.ids[s] = id
	n.strs = append(n.strs, s)
	return id
}

// name returns the string of id.
func (n *names) name(id uint32) string { return n.strs[id] }

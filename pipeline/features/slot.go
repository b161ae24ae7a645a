package features

// slot is one weighted entry of a bounded top-K list: an interned id with its weight on the
// short and the long horizon, both as of the profile's event time. Every event adds the same
// weight to both and the long horizon decays slower, so long >= short.
type slot struct {
	id          uint32
	short, long float32
}

// leafBit marks a category slot whose path some event named exactly (not only as a parent).
const leafBit = 1 << 31

func (s slot) nameID() uint32 { return s.id &^ leafBit }
func (s slot) leaf() bool     { return s.id&leafBit != 0 }

// find returns the index of the slot of name id in s, or -1.
func find(s []slot, id uint32) int {
	for i := range s {
		if s[i].nameID() == id {
			return i
		}
	}
	return -1
}

// addSlot adds the weights to name id in the list s[:*n] backed by s, making room when the list
// is full by replacing its lightest entry (short plus long weight; the latest among equals, so
// of a category and its only child the child goes first). It returns the entry's index.
func addSlot(s []slot, n *uint8, id uint32, short, long float32) int {
	live := s[:*n]
	if i := find(live, id); i >= 0 {
		live[i].short += short
		live[i].long += long
		return i
	}
	i := int(*n)
	if i == len(s) {
		i = 0
		for j := 1; j < len(live); j++ {
			if live[j].short+live[j].long <= live[i].short+live[i].long {
				i = j
			}
		}
		copy(s[i:], s[i+1:])
		i = len(s) - 1
	} else {
		*n++
	}
	s[i] = slot{id: id, short: short, long: long}
	return i
}

// minShort is the short-horizon weight below which an entry no longer counts as current interest.
const minShort = 1e-6

// decaySlots scales the weights of s[:*n] by the horizons' factors, drops the entries whose long
// weight fell below minWeight (their short weight is lower still) and keeps the order of the rest.
func decaySlots(s []slot, n *uint8, fs, fl float32) {
	kept := 0
	for _, e := range s[:*n] {
		if e.short *= fs; e.short < minShort {
			e.short = 0 // no denormals: they are slow and normalise to nothing
		}
		e.long *= fl
		if e.long >= minWeight {
			s[kept] = e
			kept++
		}
	}
	clear(s[kept:*n])
	*n = uint8(kept)
}

package profileeval

import "slices"

// Interests are what the triggers' timeliness and coverage are measured against.
const (
	interestMinRun = 3 // consecutive events in one category that make an interest
	interestSkip   = 5 // an interest is new when outside this many latest distinct categories
)

// interest is a new interest of a shopper: a maximal run of at least interestMinRun
// consecutive categorised events in one category, whose first event is not the shopper's
// first and whose category is not among the interestSkip distinct categories the shopper saw
// last before it. start and end index the run in the shopper's cats, end exclusive.
type interest struct {
	cat        string
	start, end int
}

// newInterests finds a shopper's new interests in its categories, in order.
func newInterests(cats []string) []interest {
	var out []interest
	var seen recency
	for s := 0; s < len(cats); {
		e := s + 1
		for e < len(cats) && cats[e] == cats[s] {
			e++
		}
		latest := seen[:min(interestSkip, len(seen))]
		if s > 0 && e-s >= interestMinRun && !slices.Contains(latest, cats[s]) {
			out = append(out, interest{cat: cats[s], start: s, end: e})
		}
		seen.see(cats[s])
		s = e
	}
	return out
}

package interest

// ranked is a short list of (category, count) kept sorted by count, highest first, ties in the
// order entries reached their count. Counts only grow, so an update moves an entry up by
// adjacent swaps: amortised O(1) for the skewed counts of clickstreams, and deterministic.
type ranked struct {
	ids    []uint32
	counts []float64
}

// find returns the position of id, or -1.
func (r *ranked) find(id uint32) int {
	for i, x := range r.ids {
		if x == id {
			return i
		}
	}
	return -1
}

// set gives the entry at i the count c (not below its current one) and moves it up.
func (r *ranked) set(i int, c float64) {
	r.counts[i] = c
	for i > 0 && r.counts[i-1] < r.counts[i] {
		r.ids[i-1], r.ids[i] = r.ids[i], r.ids[i-1]
		r.counts[i-1], r.counts[i] = r.counts[i], r.counts[i-1]
		i--
	}
}

// push appends id with count c and moves it up.
func (r *ranked) push(id uint32, c float64) {
	r.ids = append(r.ids, id)
	r.counts = append(r.counts, 0)
	r.set(len(r.ids)-1, c)
}

// replaceLast puts id with count c in place of the lowest entry and moves it up.
func (r *ranked) replaceLast(id uint32, c float64) {
	r.ids[len(r.ids)-1] = id
	r.set(len(r.ids)-1, c)
}

// top returns the first n entries' ids.
func (r *ranked) top(n int) []uint32 { return r.ids[:min(n, len(r.ids))] }

// clone copies the first n entries.
func (r *ranked) clone(n int) ranked {
	n = min(n, len(r.ids))
	return ranked{ids: append([]uint32(nil), r.ids[:n]...), counts: append([]float64(nil), r.counts[:n]...)}
}

package profileeval

// counter counts categories and keeps them ranked by count, the most recently counted first
// among equals, so its top k costs k steps rather than a sort of the vocabulary.
type counter struct {
	order []string
	pos   map[string]int
	n     map[string]int
}

func newCounter() *counter {
	return &counter{pos: make(map[string]int), n: make(map[string]int)}
}

func (c *counter) add(cat string) {
	i, ok := c.pos[cat]
	if !ok {
		i = len(c.order)
		c.order = append(c.order, cat)
	}
	c.n[cat]++
	for ; i > 0 && c.n[c.order[i-1]] <= c.n[cat]; i-- {
		c.order[i] = c.order[i-1]
		c.pos[c.order[i]] = i
	}
	c.order[i] = cat
	c.pos[cat] = i
}

// top appends to dst up to k of the most counted categories that exclude does not reject.
func (c *counter) top(dst []string, k int, exclude func(string) bool) []string {
	return firstK(dst, c.order, k, exclude)
}

// firstK appends to dst the first k of cats that exclude does not reject.
func firstK(dst, cats []string, k int, exclude func(string) bool) []string {
	for _, c := range cats {
		if len(dst) == k {
			break
		}
		if !exclude(c) {
			dst = append(dst, c)
		}
	}
	return dst
}

package profileeval

// recency keeps a shopper's distinct categories, the most recently seen first.
type recency []string

func (r *recency) see(cat string) {
	s := *r
	i := 0
	for i < len(s) && s[i] != cat {
		i++
	}
	if i == len(s) {
		s = append(s, "")
	}
	copy(s[1:i+1], s[:i])
	s[0] = cat
	*r = s
}

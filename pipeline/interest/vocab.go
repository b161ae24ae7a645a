package interest

import (
	"math"
	"slices"
)

// vocab is the title words of the products groups are learned from, with their inverse
// document frequencies: a word on few titles says more about a product than one on many.
type vocab struct {
	keys  []string // sorted
	idf   []float64
	index map[string]int
}

// newVocab counts the words of the titles of ids.
func newVocab(ids []string, title func(id string) string) *vocab {
	df := make(map[string]int)
	for _, id := range ids {
		seen := make(map[string]bool)
		for _, w := range titleWords(title(id)) {
			if !seen[w.key] {
				seen[w.key] = true
				df[w.key]++
			}
		}
	}
	v := &vocab{keys: make([]string, 0, len(df))}
	for k := range df {
		v.keys = append(v.keys, k)
	}
	slices.Sort(v.keys)
	v.idf = make([]float64, len(v.keys))
	for i, k := range v.keys {
		v.idf[i] = math.Log(1 + float64(len(ids))/float64(df[k]))
	}
	v.reindex()
	return v
}

func (v *vocab) reindex() {
	v.index = make(map[string]int, len(v.keys))
	for i, k := range v.keys {
		v.index[k] = i
	}
}

// vector is title's tf-idf vector, normalised; words outside the vocabulary count for nothing.
func (v *vocab) vector(title string) sparse {
	acc := make(map[int]float64)
	for _, w := range titleWords(title) {
		if i, ok := v.index[w.key]; ok {
			acc[i] += v.idf[i]
		}
	}
	s := fromMap(acc)
	s.normalise()
	return s
}

package interest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// wordStats is what a group's titles say of one word: on how many of its products' titles it
// is, in which spellings, and where in the title.
type wordStats struct {
	products int
	surfaces map[string]int
	posSum   int
}

// nameGroups names each group by its one or two most distinctive title words: the words whose
// share of the group's titles most exceeds their share of all titles (share × log of the
// ratio), written as most of the group spells them and in the order titles put them. A second
// word joins when it scores at least a quarter of the first. Names are unique: a name already
// taken gets the next word, then a number.
func nameGroups(ids []string, assign []int, k int, title func(string) string) []string {
	all := make(map[string]int)
	per := make([]map[string]*wordStats, k)
	sizes := make([]int, k)
	for j := range per {
		per[j] = make(map[string]*wordStats)
	}
	for i, id := range ids {
		g := assign[i]
		sizes[g]++
		seen := make(map[string]bool)
		for _, w := range titleWords(title(id)) {
			if seen[w.key] {
				continue
			}
			seen[w.key] = true
			all[w.key]++
			s := per[g][w.key]
			if s == nil {
				s = &wordStats{surfaces: make(map[string]int)}
				per[g][w.key] = s
			}
			s.products++
			s.surfaces[w.surface]++
			s.posSum += w.pos
		}
	}
	names := make([]string, k)
	taken := make(map[string]bool)
	for j := range per {
		words := distinctive(per[j], all, sizes[j], len(ids))
		names[j] = uniqueName(words, taken, j)
		taken[names[j]] = true
	}
	return names
}

// scoredWord is a word of a group with its distinctiveness.
type scoredWord struct {
	key   string
	score float64
	stats *wordStats
}

// distinctive is the group's words, most distinctive first.
func distinctive(words map[string]*wordStats, all map[string]int, size, total int) []scoredWord {
	out := make([]scoredWord, 0, len(words))
	for key, s := range words {
		in, overall := float64(s.products)/float64(size), float64(all[key])/float64(total)
		if in <= overall {
			continue
		}
		out = append(out, scoredWord{key, in * math.Log(in/overall), s})
	}
	slices.SortFunc(out, func(a, b scoredWord) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	return out
}

// uniqueName is the name of a group with these words (most distinctive first) not yet taken.
func uniqueName(words []scoredWord, taken map[string]bool, j int) string {
	if len(words) == 0 {
		return uniqueNumbered(fmt.Sprintf("group %d", j+1), taken)
	}
	n := 1
	if len(words) > 1 && words[1].score >= words[0].score/4 {
		n = 2
	}
	for ; n <= min(len(words), 3); n++ {
		if name := spell(words[:n]); !taken[name] {
			return name
		}
	}
	return uniqueNumbered(spell(words[:min(len(words), 2)]), taken)
}

func uniqueNumbered(base string, taken map[string]bool) string {
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		if name := fmt.Sprintf("%s %d", base, i); !taken[name] {
			return name
		}
	}
}

// spell writes words in the order the group's titles put them, each as most titles spell it.
func spell(words []scoredWord) string {
	ws := slices.Clone(words)
	slices.SortStableFunc(ws, func(a, b scoredWord) int {
		return cmp.Compare(float64(a.stats.posSum)/float64(a.stats.products), float64(b.stats.posSum)/float64(b.stats.products))
	})
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = commonest(w.stats.surfaces)
	}
	return strings.Join(parts, " ")
}

// commonest is the most frequent spelling, the first in order on a tie.
func commonest(m map[string]int) string {
	best, n := "", -1
	for s, c := range m {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

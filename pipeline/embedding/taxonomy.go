package embedding

import "strings"

// levelOverlap is the taxonomy's closeness, the fallback when none is given: the levels two
// dotted category paths share from the top, over the longer path's levels, levels compared as
// the catalogue compares them (trimmed, case-insensitive, empty ones dropped, as
// catalog.NormCategory) — 1 for the same category, 0.5 for "a.b" against "a.c", 0 for nothing
// in common. It allocates nothing: ranking calls it per candidate product.
func levelOverlap(interest, category string) float64 {
	na, nb, shared := 0, 0, 0
	same := true
	a, b := interest, category
	for {
		var la, lb string
		var oka, okb bool
		la, a, oka = nextLevel(a)
		lb, b, okb = nextLevel(b)
		if oka {
			na++
		}
		if okb {
			nb++
		}
		if !oka || !okb {
			if !oka && !okb {
				break
			}
			same = false
			continue
		}
		if same && strings.EqualFold(la, lb) {
			shared++
		} else {
			same = false
		}
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return float64(shared) / float64(max(na, nb))
}

// nextLevel returns path's first non-empty level, trimmed, and the rest; ok is false when
// there is none.
func nextLevel(path string) (level, rest string, ok bool) {
	for path != "" {
		level, path, _ = strings.Cut(path, ".")
		if level = strings.TrimSpace(level); level != "" {
			return level, path, true
		}
	}
	return "", "", false
}

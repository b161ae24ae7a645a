package stats

import (
	"math"
	"slices"
)

// Holm adjusts a family of p-values by Holm's step-down procedure (Holm 1979, "A simple
// sequentially rejective multiple test procedure", Scandinavian Journal of Statistics 6:65–70):
// the k-th smallest of m is multiplied by m−k+1, made non-decreasing in that order and capped
// at 1. Rejecting every hypothesis whose adjusted p is below α controls the family-wise error
// rate at α, uniformly more powerful than Bonferroni. Always-valid p-values stay always valid.
func Holm(p []float64) []float64 {
	order := make([]int, len(p))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	out := make([]float64, len(p))
	running := 0.0
	for k, i := range order {
		running = math.Max(running, math.Min(1, float64(len(p)-k)*p[i]))
		out[i] = running
	}
	return out
}

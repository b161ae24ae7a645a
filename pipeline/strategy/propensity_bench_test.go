package strategy

import (
	"testing"

	"github.com/adshift/adshift/pipeline/seed"
)

// monteCarloPropensities is the estimate the exact integral replaced, kept to benchmark against:
// 4,096 Thompson draws with one pseudo-win per arm.
func monteCarloPropensities(alpha, beta []float64) []float64 {
	const draws = 4096
	seg := &segment{alpha: alpha, beta: beta}
	r := seed.Rand("propensity", "bench")
	wins := make([]int, len(alpha))
	for range draws {
		wins[seg.draw(func(a, b float64) float64 { return betaDraw(r, a, b) })]++
	}
	p := make([]float64, len(alpha))
	for i := range p {
		p[i] = float64(wins[i]+1) / float64(draws+len(alpha))
	}
	return p
}

// benchSegments are a segment with the prior alone and one with thousands of impressions per arm.
var benchSegments = map[string][2][]float64{
	"prior":   {{2.2, 1.8, 2, 2.1, 1.9}, {97.8, 98.2, 98, 97.9, 98.1}},
	"learned": {{120.5, 100, 30, 45, 12.5}, {5880, 4900, 1970, 1455, 987.5}},
}

func BenchmarkPropensities(b *testing.B) {
	for name, ab := range benchSegments {
		b.Run("exact/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				exactPropensities(ab[0], ab[1])
			}
		})
		b.Run("montecarlo/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				monteCarloPropensities(ab[0], ab[1])
			}
		})
	}
}

package strategy

import (
	"hash/fnv"
	"math/rand/v2"
)

// newRand returns a generator seeded by parts, so the same parts always give the same draws.
func newRand(parts ...string) *rand.Rand {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// Package seed derives deterministic numbers from strings: the one seeded hash behind arm
// assignment, the holdout, copy variation, the bandit's sampling and the simulated shoppers'
// reactions. The same parts give the same numbers on every run and every instance, which is what
// makes ad ids, assignments and simulations reproducible. Its functions are pure and safe for
// concurrent use.
package seed

import "math/rand/v2"

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// Hash is a well-mixed 64-bit hash of parts: their sum, then the splitmix64 finaliser so that
// every output bit depends on every input bit (FNV alone leaves the high bits poorly mixed for
// short keys).
func Hash(parts ...string) uint64 {
	h := sum(parts)
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Unit is a uniform number in [0, 1) fixed by parts: the top 53 bits of their Hash.
func Unit(parts ...string) float64 {
	return float64(Hash(parts...)>>11) / (1 << 53)
}

// Rand returns a generator seeded by parts, so the same parts always give the same draws. PCG's
// output permutation mixes its state, so it is seeded with the parts' sum as it is, which keeps
// the bandit's draws what they have always been for the same (user, version, salt).
func Rand(parts ...string) *rand.Rand {
	s := sum(parts)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// sum is FNV-1a over the parts, each followed by a zero byte so ("ab","c") and ("a","bc")
// differ.
func sum(parts []string) uint64 {
	h := uint64(fnvOffset)
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= fnvPrime
		}
		h *= fnvPrime // the zero byte: h ^= 0 changes nothing
	}
	return h
}

package strategy

import "hash/fnv"

// hash64 is a well-mixed 64-bit hash of parts: FNV-1a over the parts, each followed by a zero
// byte so ("ab","c") and ("a","bc") differ, then the splitmix64 finaliser so that every output
// bit depends on every input bit (FNV alone leaves the high bits poorly mixed for short keys).
func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// unit maps a hash to [0, 1) using its top 53 bits.
func unit(h uint64) float64 {
	return float64(h>>11) / (1 << 53)
}

package features

// fnv1a is the 32-bit FNV-1a hash of a messageId, for a shopper's memory of recent ids: stable
// across processes, so it is persisted with the profile. Zero is reserved for an empty slot.
// Retries follow the original closely, so a memory of four ids catches them; a false match
// between two of one shopper's ids is a one in a billion chance.
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h | 1
}

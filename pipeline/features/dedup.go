package features

// recentIDs remembers a shopper's last few message ids, hashed, so that a tracker's retry or a
// redelivered record is not counted twice. Retries follow the original closely, so a short
// memory catches them at 8 bytes an id.
type recentIDs struct {
	ids  [8]uint64
	next uint8
}

// seen reports whether id is among the remembered ids, and remembers it if not.
func (r *recentIDs) seen(id string) bool {
	h := fnv1a(id)
	for _, x := range r.ids {
		if x == h {
			return true
		}
	}
	r.ids[r.next] = h
	r.next = (r.next + 1) % uint8(len(r.ids))
	return false
}

// fnv1a is the 64-bit FNV-1a hash of s: stable across processes, so it can be persisted with a
// profile. Zero is reserved for an empty slot.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h | 1
}

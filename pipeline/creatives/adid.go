package creatives

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// AdID returns the ad's id: 32 hex digits of SHA-256 over (user, profile version, arm). The same
// inputs always give the same id, so a retried or replayed generation publishes the same ad and
// every downstream effect (ads rows, outcome attribution) stays idempotent.
func AdID(user string, version uint64, arm string) string {
	h := sha256.New()
	h.Write([]byte(user))
	h.Write([]byte{0})
	h.Write(strconv.AppendUint(nil, version, 10))
	h.Write([]byte{0})
	h.Write([]byte(arm))
	sum := h.Sum(nil)
	return hex.EncodeToString(sum[:16])
}

package rekey

import (
	"fmt"

	"github.com/adshift/adshift/schemas"
)

// Key sources: which field of an event keys its shopper.
const (
	KeyFromUser        = "user"         // userId, else anonymousId (Segment's rule)
	KeyFromAnonymousID = "anonymous_id" // anonymousId, else userId: a device-scoped profile
)

// Config configures the rekey stage.
type Config struct {
	// KeyFrom is which field keys a shopper: "user" or "anonymous_id".
	KeyFrom string
}

// Validate reports a KeyFrom that is none of the key sources.
func (c Config) Validate() error {
	switch c.KeyFrom {
	case KeyFromUser, KeyFromAnonymousID:
		return nil
	}
	return fmt.Errorf("key_from: %q is not %q or %q", c.KeyFrom, KeyFromUser, KeyFromAnonymousID)
}

// shopper returns the key of the shopper of h, before identities are applied.
func (c Config) shopper(h schemas.IdentityHead) string {
	first, second := h.UserID, h.AnonymousID
	if c.KeyFrom == KeyFromAnonymousID {
		first, second = second, first
	}
	if first != "" {
		return first
	}
	return second
}

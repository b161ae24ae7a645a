package pipeline

import (
	"sync"

	"github.com/adshift/adshift/schemas"
)

// Forgotten is the set of shoppers forgotten on a deletion request (the control topic), for the
// stages that are not keyed by shopper and so cannot keep it per partition, as the features
// stage does: the outcomes stage lands no row of theirs and the archive keeps no record of
// theirs. A nil *Forgotten holds nobody. Safe for concurrent use.
type Forgotten struct {
	mu    sync.RWMutex
	users map[string]struct{}
}

// NewForgotten returns an empty set.
func NewForgotten() *Forgotten { return &Forgotten{users: map[string]struct{}{}} }

// Add adds user to the set.
func (f *Forgotten) Add(user string) {
	f.mu.Lock()
	f.users[user] = struct{}{}
	f.mu.Unlock()
}

// Has reports whether user was forgotten.
func (f *Forgotten) Has(user string) bool {
	if f == nil || user == "" {
		return false
	}
	f.mu.RLock()
	_, ok := f.users[user]
	f.mu.RUnlock()
	return ok
}

// Len is how many shoppers were forgotten.
func (f *Forgotten) Len() int {
	if f == nil {
		return 0
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.users)
}

// Names reports whether a record is about a forgotten shopper: its key or a header value is one,
// or its value names one as a shopper (schemas.ShopperIDs). With nobody forgotten it costs
// nothing.
func (f *Forgotten) Names(key []byte, headers []schemas.Header, value []byte) bool {
	if f.Len() == 0 {
		return false
	}
	if f.Has(string(key)) {
		return true
	}
	for _, h := range headers {
		if f.Has(string(h.Value)) {
			return true
		}
	}
	return schemas.ShopperIDs(value, f.Has)
}

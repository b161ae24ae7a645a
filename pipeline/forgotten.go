package pipeline

import (
	"sync"
	"sync/atomic"

	"github.com/adshift/adshift/schemas"
)

// Forgotten is the set of shoppers forgotten on a deletion request (the control topic), for the
// stages that are not keyed by shopper and so cannot keep it per partition, as the features
// stage does: the outcomes stage lands no row of theirs and the archive keeps no record of
// theirs. A nil *Forgotten holds nobody. Safe for concurrent use.
type Forgotten struct {
	mu    sync.RWMutex
	users map[string]struct{}
	n     atomic.Int64 // len(users), read without the lock on every record
}

// NewForgotten returns an empty set.
func NewForgotten() *Forgotten {
	return &Forgotten{users: map[string]struct{}{}}
}

// Add adds user to the set. Each call costs one map insert, so reading a control topic of many
// requests at start-up stays linear.
func (f *Forgotten) Add(user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[user] = struct{}{}
	f.n.Store(int64(len(f.users)))
}

// Has reports whether user was forgotten.
func (f *Forgotten) Has(user string) bool { return f.has([]byte(user)) }

func (f *Forgotten) has(user []byte) bool {
	if f == nil || len(user) == 0 || f.n.Load() == 0 {
		return false
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	_, ok := f.users[string(user)]
	return ok
}

// Len is how many shoppers were forgotten.
func (f *Forgotten) Len() int {
	if f == nil {
		return 0
	}
	return int(f.n.Load())
}

// Names reports whether a record is about a forgotten shopper: its key or a header value is one,
// or its value names one as a shopper (schemas.ShopperIDs). With nobody forgotten it costs
// nothing.
func (f *Forgotten) Names(key []byte, headers []schemas.Header, value []byte) bool {
	if f.Len() == 0 {
		return false
	}
	if f.has(key) {
		return true
	}
	for _, h := range headers {
		if f.has(h.Value) {
			return true
		}
	}
	return schemas.ShopperIDs(value, f.has)
}

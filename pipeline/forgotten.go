package pipeline

import (
	"maps"
	"sync"
	"sync/atomic"

	"github.com/adshift/adshift/schemas"
)

// Forgotten is the set of shoppers forgotten on a deletion request (the control topic), for the
// stages that are not keyed by shopper and so cannot keep it per partition, as the features
// stage does: the outcomes stage lands no row of theirs and the archive keeps no record of
// theirs. A nil *Forgotten holds nobody. Safe for concurrent use: readers take no lock (the set
// is replaced whole on Add, which is rare).
type Forgotten struct {
	mu    sync.Mutex // serialises Add
	users atomic.Pointer[map[string]struct{}]
}

// NewForgotten returns an empty set.
func NewForgotten() *Forgotten {
	f := &Forgotten{}
	f.users.Store(&map[string]struct{}{})
	return f
}

// Add adds user to the set.
func (f *Forgotten) Add(user string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := *f.users.Load()
	if _, ok := old[user]; ok {
		return
	}
	next := maps.Clone(old)
	next[user] = struct{}{}
	f.users.Store(&next)
}

// Has reports whether user was forgotten.
func (f *Forgotten) Has(user string) bool { return f.has([]byte(user)) }

func (f *Forgotten) has(user []byte) bool {
	if f == nil || len(user) == 0 {
		return false
	}
	_, ok := (*f.users.Load())[string(user)]
	return ok
}

// Len is how many shoppers were forgotten.
func (f *Forgotten) Len() int {
	if f == nil {
		return 0
	}
	return len(*f.users.Load())
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

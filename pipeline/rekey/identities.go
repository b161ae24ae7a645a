package rekey

import (
	"context"
	"fmt"
	"sync"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// identities is the anonymous id -> known user mapping every partition of a Stage shares.
type identities struct {
	mu     sync.RWMutex
	known  map[string]string
	loaded bool
}

// user returns the known user anon was joined to, if any.
func (m *identities) user(anon string) (string, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.known[anon]
	return u, ok
}

// join records that anon is user.
func (m *identities) join(anon, user string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.known[anon] = user
}

// load reads every partition of the identities topic into the mapping, once; records that do
// not decode are counted in corrupt and skipped.
func (m *identities) load(ctx context.Context, cl pipeline.Changelog, partitions int32) (corrupt int, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded || cl == nil {
		return 0, nil
	}
	for part := range partitions {
		err := cl.Restore(ctx, part, func(key, value []byte) error {
			if value == nil {
				delete(m.known, string(key))
				return nil
			}
			id, err := schemas.DecodeIdentity(value)
			if err != nil || id.Anonymous != string(key) {
				corrupt++
				return nil
			}
			m.known[id.Anonymous] = id.User
			return nil
		})
		if err != nil {
			return corrupt, fmt.Errorf("restore identities partition %d: %w", part, err)
		}
	}
	m.loaded = true
	return corrupt, nil
}

package creatives

import (
	"log/slog"
	"sync"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
)

// noProductEvery is how often the stage warns, per reason, that shifts got no product.
const noProductEvery = time.Minute

// noProductLog warns that shifts got no product, at most once per reason every noProductEvery,
// naming the last interest that found nothing, the hint, and how many shifts went the same way
// since the previous warning. Shared by the stage's partition workers, so it locks.
type noProductLog struct {
	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	last map[string]time.Time // reason -> when it was last logged
	seen map[string]int       // reason -> shifts since then, unlogged
}

func newNoProductLog(log *slog.Logger, now func() time.Time) *noProductLog {
	return &noProductLog{log: log, now: now, last: make(map[string]time.Time), seen: make(map[string]int)}
}

// note records that the shift of user got no product for e, and warns when due.
func (l *noProductLog) note(user string, e *catalog.NoProductError) {
	l.mu.Lock()
	now := l.now()
	l.seen[e.Reason]++
	at, logged := l.last[e.Reason]
	if logged && now.Sub(at) < noProductEvery {
		l.mu.Unlock()
		return
	}
	n := l.seen[e.Reason]
	l.last[e.Reason], l.seen[e.Reason] = now, 0
	l.mu.Unlock()
	l.log.Warn("shifts get no ad: nothing in the catalogue fits", "reason", e.Reason, "category", e.Interest,
		"user", user, "close_products", e.Candidates, "shifts", n, "hint", e.Hint())
}

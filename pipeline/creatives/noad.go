package creatives

import (
	"log/slog"
	"sync"
	"time"
)

// noAdEvery is how often the stage warns, per cause, that shifts got no ad.
const noAdEvery = time.Minute

// noAdLog warns that shifts got no ad, at most once per cause (result and reason) every
// noAdEvery: the first at once, then how many shifts went the same way since the previous
// warning, with the last one's details and the fix. Shared by the stage's partition workers, so
// it locks.
type noAdLog struct {
	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	last map[string]time.Time // cause -> when it was last logged
	seen map[string]int       // cause -> shifts since then, unlogged
}

func newNoAdLog(log *slog.Logger, now func() time.Time) *noAdLog {
	return &noAdLog{log: log, now: now, last: make(map[string]time.Time), seen: make(map[string]int)}
}

// note records that a shift got no ad for cause, and warns with msg, attrs and hint when due.
func (l *noAdLog) note(cause, msg, hint string, attrs ...any) {
	l.mu.Lock()
	now := l.now()
	l.seen[cause]++
	at, logged := l.last[cause]
	if logged && now.Sub(at) < noAdEvery {
		l.mu.Unlock()
		return
	}
	n := l.seen[cause]
	l.last[cause], l.seen[cause] = now, 0
	l.mu.Unlock()
	l.log.Warn(msg, append(attrs, "shifts", n, "hint", hint)...)
}

// The fixes the no-ad warnings name for copy that could not be written or was rejected.
const (
	generateErrorHint = "neither the generator nor its template fallback wrote copy for the product: see err, and the product's record in the catalogue"
	guardRejectedHint = "the copy breaks a guard rule (adshift_creatives_guard_violations_total{rule}): with a model, look at its answers with `adshift creative preview`, or tune llm.prompts_dir"
)

package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Status is what a readiness check asks of a running group.
type Status struct {
	// Joined reports whether the group has had an assignment since it started (possibly of no
	// partitions, when there are more members than partitions).
	Joined bool
	// Opening counts assigned partitions whose processor is still opening: for the features
	// stage, partitions still restoring their profiles from the changelog.
	Opening int
	// Lag is the records on the brokers the group has not committed, summed over its topics, as
	// of the last lookup; LagKnown is false until a lookup succeeded.
	Lag      int64
	LagKnown bool
}

// Status returns the group's current status. It is safe to call from any goroutine.
func (g *Group) Status() Status {
	lag := g.lag.Load()
	return Status{Joined: g.joined.Load(), Opening: int(g.opening.Load()), Lag: max(lag, 0), LagKnown: lag >= 0}
}

// ErrNotReady is wrapped by Ready's errors.
var ErrNotReady = errors.New("not ready")

// Ready returns nil when the group has joined, every assigned partition is open and the lag is
// at most maxLag (0: any lag), else an error wrapping ErrNotReady that says why.
func (s Status) Ready(maxLag int64) error {
	switch {
	case !s.Joined:
		return fmt.Errorf("%w: not joined to its group yet", ErrNotReady)
	case s.Opening > 0:
		return fmt.Errorf("%w: %d partitions still opening (restoring from the changelog)", ErrNotReady, s.Opening)
	case maxLag > 0 && s.LagKnown && s.Lag > maxLag:
		return fmt.Errorf("%w: lag %d records is over %d", ErrNotReady, s.Lag, maxLag)
	}
	return nil
}

// Ping reports whether any of the client's brokers answers, naming them when none does.
func Ping(ctx context.Context, cl *kgo.Client, brokers []string) error {
	if err := cl.Ping(ctx); err != nil {
		return fmt.Errorf("no Kafka broker answered (tried %v): %w", brokers, err)
	}
	return nil
}

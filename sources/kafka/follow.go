package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Follow reads what is written to the changelog from now on, every partition: it notes the end
// offsets, calls start (where the caller asks for what it waits to see written), then calls fn
// with each record written since, in order per partition, until fn says it has seen enough
// (true) or ctx ends. `adshift forget` follows the profile changelog for the forgotten markers
// that say the features stage acted on its requests.
func (c *Changelog) Follow(ctx context.Context, start func(context.Context) error, fn func(key, value []byte) bool) error {
	opts := c.clientOpts()
	admCl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("follow %s: %w", c.cfg.Topic, err)
	}
	ends, err := kadm.NewClient(admCl).ListEndOffsets(ctx, c.cfg.Topic)
	admCl.Close()
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return fmt.Errorf("follow %s: end offsets: %w", c.cfg.Topic, err)
	}
	from := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) { from[o.Partition] = kgo.NewOffset().At(o.Offset) })
	if len(from) == 0 {
		return fmt.Errorf("follow %s: the topic has no partitions", c.cfg.Topic)
	}
	cl, err := kgo.NewClient(append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.cfg.Topic: from}))...)
	if err != nil {
		return fmt.Errorf("follow %s: %w", c.cfg.Topic, err)
	}
	defer cl.Close()
	if err := start(ctx); err != nil {
		return err
	}
	for {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("follow %s: %w", c.cfg.Topic, err)
		}
		var ferr error
		fetches.EachError(func(_ string, _ int32, err error) { ferr = errors.Join(ferr, err) })
		if ferr != nil {
			return fmt.Errorf("follow %s: fetch: %w", c.cfg.Topic, ferr)
		}
		for it := fetches.RecordIter(); !it.Done(); {
			r := it.Next()
			if r.Attrs.IsControl() {
				continue
			}
			if fn(r.Key, r.Value) {
				return nil
			}
		}
	}
}

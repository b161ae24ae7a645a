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

// Tail reads the changelog from its start, every partition, calling fn with each record, and
// goes on with what is written later until ctx ends (returning nil then). caughtUp is called
// once, when every record written before the call was read (at once for an empty topic), so a
// caller can hold back work that needs all of it: run's stages wait for the forgotten shoppers
// read from the control topic.
func (c *Changelog) Tail(ctx context.Context, fn func(key, value []byte), caughtUp func()) error {
	opts := c.clientOpts()
	admCl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("tail %s: %w", c.cfg.Topic, err)
	}
	adm := kadm.NewClient(admCl)
	starts, err := adm.ListStartOffsets(ctx, c.cfg.Topic)
	if err == nil {
		err = starts.Error()
	}
	var ends kadm.ListedOffsets
	if err == nil {
		ends, err = adm.ListEndOffsets(ctx, c.cfg.Topic)
		if err == nil {
			err = ends.Error()
		}
	}
	admCl.Close()
	if err != nil {
		return fmt.Errorf("tail %s: offsets: %w", c.cfg.Topic, err)
	}
	behind := map[int32]int64{} // partition -> end offset still to reach
	from := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		from[o.Partition] = kgo.NewOffset().AtStart()
		if s, ok := starts.Lookup(c.cfg.Topic, o.Partition); !ok || s.Offset < o.Offset {
			behind[o.Partition] = o.Offset
		}
	})
	caught := false
	check := func() {
		if !caught && len(behind) == 0 {
			caught = true
			caughtUp()
		}
	}
	check()
	cl, err := kgo.NewClient(append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{c.cfg.Topic: from}))...)
	if err != nil {
		return fmt.Errorf("tail %s: %w", c.cfg.Topic, err)
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ferr error
		fetches.EachError(func(_ string, _ int32, err error) { ferr = errors.Join(ferr, err) })
		if ferr != nil {
			return fmt.Errorf("tail %s: fetch: %w", c.cfg.Topic, ferr)
		}
		for it := fetches.RecordIter(); !it.Done(); {
			r := it.Next()
			if end, ok := behind[r.Partition]; ok && r.Offset+1 >= end {
				delete(behind, r.Partition)
			}
			if !r.Attrs.IsControl() {
				fn(r.Key, r.Value)
			}
		}
		check()
	}
}

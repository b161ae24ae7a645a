package archive

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// ErrClosed is returned by Process on a processor that was closed.
var ErrClosed = errors.New("archive: processor closed")

// processor archives one partition of one topic. It is used by one goroutine at a time.
type processor struct {
	stage     *Stage
	kind      schemas.ArchiveKind
	topic     string
	partition int32

	applied int64    // offset after the last record taken into a segment
	open    *segment // being filled, or nil
	cut     *segment // cut but not all its files published yet: published before anything else
	closed  bool
}

var _ pipeline.Holder = (*processor)(nil)

// Process takes the batch into the open segment, cutting and publishing segments as their rules
// say (see the package documentation). A failed publish is returned, and the batch comes again:
// records already taken in are skipped and the cut segment is published first.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	if p.closed {
		return ErrClosed
	}
	if err := p.publish(ctx); err != nil {
		return err
	}
	cfg := p.stage.cfg
	if p.open != nil && p.stage.now().Sub(p.open.opened) >= cfg.RollInterval {
		if err := p.cutOpen(ctx, cutRoll); err != nil {
			return err
		}
	}
	for i := range batch {
		rec := &batch[i]
		if rec.Offset < p.applied {
			continue
		}
		if p.stage.forgotten.Names(rec.Key, rec.Headers, rec.Value) {
			p.stage.metrics.forgotten.Inc()
			p.applied = rec.Offset + 1
			continue
		}
		r, n := row(p.kind, rec), size(rec)
		if p.open != nil {
			if why := p.open.cutBefore(r.EventTime, n, cfg); why != "" {
				if err := p.cutOpen(ctx, why); err != nil {
					return err
				}
			}
		}
		if p.open == nil {
			p.open = newSegment(rec.Offset, r.EventTime.Truncate(time.Hour), p.stage.now())
		}
		if err := p.take(r, n); err != nil {
			return err
		}
		p.applied = rec.Offset + 1
	}
	if p.open == nil {
		return nil
	}
	if err := p.open.write(); err != nil {
		return fmt.Errorf("archive %s partition %d: %w", p.topic, p.partition, err)
	}
	return nil
}

// Held implements pipeline.Holder: the first offset of the oldest segment not yet published.
func (p *processor) Held() (int64, bool) {
	switch {
	case p.cut != nil:
		return p.cut.first, true
	case p.open != nil:
		return p.open.first, true
	}
	return 0, false
}

// Close publishes what the partition holds. When that fails, the files are dropped and their
// records, never committed, go to the partition's next owner.
func (p *processor) Close(ctx context.Context) error {
	if p.closed {
		return nil
	}
	p.closed = true
	err := p.publish(ctx)
	if err == nil && p.open != nil {
		err = p.cutOpen(ctx, cutClose)
	}
	if err != nil {
		for _, s := range []*segment{p.cut, p.open} {
			if s != nil {
				s.discard()
				p.stage.metrics.held.Sub(float64(s.bytes))
			}
		}
		p.cut, p.open = nil, nil
		return err
	}
	return nil
}

// take adds a row to the open segment's file of its hour, starting that file if needed.
func (p *processor) take(r schemas.ArchiveRow, n int64) error {
	s := p.open
	hour := r.EventTime.Truncate(time.Hour)
	pt := s.byHour[hour]
	if pt == nil {
		f, err := p.stage.files.Create(schemas.ArchiveFile{
			Kind: p.kind, Topic: p.topic, Hour: hour, Partition: p.partition, FirstOffset: r.Offset,
		})
		if err != nil {
			return fmt.Errorf("archive %s partition %d offset %d: %w", p.topic, p.partition, r.Offset, err)
		}
		pt = &part{file: f, hour: hour}
		s.parts = append(s.parts, pt)
		s.byHour[hour] = pt
	}
	pt.pending = append(pt.pending, r)
	pt.rows++
	s.bytes += n
	p.stage.metrics.held.Add(float64(n))
	return nil
}

// cutOpen cuts the open segment for the reason why and publishes it.
func (p *processor) cutOpen(ctx context.Context, why string) error {
	if err := p.open.write(); err != nil {
		return fmt.Errorf("archive %s partition %d: %w", p.topic, p.partition, err)
	}
	p.cut, p.open = p.open, nil
	p.cut.cut = why
	return p.publish(ctx)
}

// publish publishes the files of the cut segment not published yet.
func (p *processor) publish(ctx context.Context) error {
	s := p.cut
	if s == nil {
		return nil
	}
	m := p.stage.metrics
	for _, pt := range s.parts {
		if pt.published {
			continue
		}
		if err := pt.file.Publish(ctx); err != nil {
			m.publishErrors.WithLabelValues(string(p.kind)).Inc()
			return fmt.Errorf("archive %s partition %d: publish the %s file of offsets from %d: %w",
				p.topic, p.partition, pt.hour.Format("2006-01-02T15"), s.first, err)
		}
		pt.published = true
		m.files.WithLabelValues(string(p.kind), s.cut).Inc()
		m.records.WithLabelValues(string(p.kind)).Add(float64(pt.rows))
	}
	m.held.Sub(float64(s.bytes))
	p.stage.log.Debug("segment published", "topic", p.topic, "partition", p.partition,
		"first_offset", s.first, "next_offset", p.applied, "files", len(s.parts), "cut", s.cut)
	p.cut = nil
	return nil
}

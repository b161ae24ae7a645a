package replay

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// Opener opens a fresh Source over the same input, and the function that closes it. Order reads
// the input more than once.
type Opener func() (Source, func() error, error)

// Ordered is a Source in event-time order, as Order found or made it.
type Ordered struct {
	Source  Source         // yields the records in event-time order, then io.EOF
	Records int            // records Source yields
	Skipped map[string]int // rows the first read skipped, by reason; complete when Records is 0
	Sorted  bool           // the input was out of order and is sorted in memory
	close   func() error
}

// Close closes the input Source reads.
func (o *Ordered) Close() error {
	if o.close == nil {
		return nil
	}
	return o.close()
}

// Order returns the input open gives in event-time order, so that a replay does not leave the
// pipeline's watermarks ahead of the events still to come (the features stage dead-letters those
// as late_event). It reads the input once to check: an input already in order is opened again and
// streamed; one that is not (a dataset sorted by user) is read into memory and sorted by event
// time, input order breaking ties so a shopper's events keep their order.
func Order(open Opener) (*Ordered, error) {
	src, closeSrc, err := open()
	if err != nil {
		return nil, err
	}
	n, skipped, inOrder, err := scan(src)
	err = errors.Join(err, closeSrc())
	if err != nil {
		return nil, err
	}
	src, closeSrc, err = open()
	if err != nil {
		return nil, err
	}
	if inOrder {
		return &Ordered{Source: src, Records: n, Skipped: skipped, close: closeSrc}, nil
	}
	sorted, err := sortAll(src)
	err = errors.Join(err, closeSrc())
	if err != nil {
		return nil, err
	}
	return &Ordered{Source: sorted, Records: len(sorted.recs), Skipped: skipped, Sorted: true}, nil
}

// scan reads src until its end or its first record older than the one before, counting records
// and skipped rows on the way.
func scan(src Source) (records int, skipped map[string]int, inOrder bool, err error) {
	skipped = map[string]int{}
	var last pipeline.Record
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			return records, skipped, true, nil
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			skipped[rowErr.Reason]++
			continue
		}
		if err != nil {
			return records, skipped, false, err
		}
		if records > 0 && rec.Timestamp.Before(last.Timestamp) {
			return records, skipped, false, nil
		}
		records++
		last = rec
	}
}

// sortAll reads src to its end into a sortedSource.
func sortAll(src Source) (*sortedSource, error) {
	s := &sortedSource{}
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			s.skips = append(s.skips, rowErr)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %d records to sort: %w", len(s.recs), err)
		}
		s.recs = append(s.recs, rec)
	}
	slices.SortStableFunc(s.recs, func(a, b pipeline.Record) int { return a.Timestamp.Compare(b.Timestamp) })
	return s, nil
}

// sortedSource yields the skipped rows of its input first, so a replay counts them as it would
// have, then the records in their sorted order.
type sortedSource struct {
	skips []*dataset.RowError
	recs  []pipeline.Record
}

func (s *sortedSource) Next() (pipeline.Record, error) {
	if len(s.skips) > 0 {
		e := s.skips[0]
		s.skips = s.skips[1:]
		return pipeline.Record{}, e
	}
	if len(s.recs) == 0 {
		return pipeline.Record{}, io.EOF
	}
	r := s.recs[0]
	s.recs[0] = pipeline.Record{} // let the sent value go
	s.recs = s.recs[1:]
	return r, nil
}

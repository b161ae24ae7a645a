package replay

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
)

// rows is a Source over fixed items: a record at second ts keyed k, or a skipped row when k is "".
type rows struct{ items []item }

type item struct {
	k  string
	ts int64
}

func (r *rows) open() (Source, func() error, error) {
	s := &rowSource{items: r.items}
	return s, func() error { return nil }, nil
}

type rowSource struct{ items []item }

func (s *rowSource) Next() (pipeline.Record, error) {
	if len(s.items) == 0 {
		return pipeline.Record{}, io.EOF
	}
	it := s.items[0]
	s.items = s.items[1:]
	if it.k == "" {
		return pipeline.Record{}, &dataset.RowError{Reason: "bad_timestamp", Err: errors.New("x")}
	}
	return pipeline.Record{Key: []byte(it.k), Timestamp: time.Unix(it.ts, 0)}, nil
}

func drain(t *testing.T, src Source) (keys string, skipped int) {
	t.Helper()
	for {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			return keys, skipped
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			skipped++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		keys += string(rec.Key)
	}
}

func TestOrder(t *testing.T) {
	f := func(items []item, wantKeys string, wantSorted bool, wantRecords, wantSkipped int) {
		t.Helper()
		in := &rows{items: items}
		o, err := Order(in.open)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		keys, skipped := drain(t, o.Source)
		if keys != wantKeys || o.Sorted != wantSorted || o.Records != wantRecords || skipped != wantSkipped {
			t.Errorf("%v: replayed %q (sorted %v, %d records, %d skipped), want %q (sorted %v, %d records, %d skipped)",
				items, keys, o.Sorted, o.Records, skipped, wantKeys, wantSorted, wantRecords, wantSkipped)
		}
	}
	// In order, ties included: streamed as it is.
	f([]item{{"a", 1}, {"b", 1}, {"", 0}, {"c", 5}}, "abc", false, 3, 1)
	// Sorted by user, as Taobao ships: sorted by time, a user's tied events in file order.
	f([]item{{"a", 3}, {"b", 9}, {"", 0}, {"x", 1}, {"y", 3}, {"z", 3}}, "xayzb", true, 5, 1)
	// Nothing readable: no records, every skip counted.
	f([]item{{"", 0}, {"", 0}}, "", false, 0, 2)
	f(nil, "", false, 0, 0)
}

// The Taobao sample ships sorted by user; ordered, it replays in event time, every event once.
func TestOrderTaobao(t *testing.T) {
	const file = "../../../shared/data/taobao/UserBehavior_first815users.csv"
	open := func() (Source, func() error, error) {
		r, err := dataset.Open(dataset.FormatTaobao, file)
		if err != nil {
			return nil, nil, err
		}
		return Events(r), r.Close, nil
	}
	o, err := Order(open)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if !o.Sorted {
		t.Fatal("the Taobao sample is sorted by user, yet Order found it in event-time order")
	}
	seen := map[string]bool{}
	var last time.Time
	for {
		rec, err := o.Source.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *dataset.RowError
		if errors.As(err, &rowErr) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Timestamp.Before(last) {
			t.Fatalf("event at %s after one at %s", rec.Timestamp, last)
		}
		last = rec.Timestamp
		seen[string(rec.Value)] = true
	}
	if len(seen) != o.Records || o.Records < 80000 {
		t.Errorf("%d distinct events replayed of %d records", len(seen), o.Records)
	}
}

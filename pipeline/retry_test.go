package pipeline

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// Retry.Process skipping apply when no record is fresh ("len(fresh) > 0") is not observable: an
// apply given no records applies none and fails at none, so ">= 0" behaves the same.
func TestRetry(t *testing.T) {
	batch := func(offsets ...int64) []Record {
		var b []Record
		for _, o := range offsets {
			b = append(b, Record{Offset: o})
		}
		return b
	}
	var r Retry
	var applied []int64
	var sends int
	failApplyAt, failSend := int64(-1), false
	apply := func(fresh []Record) (int, error) {
		for i, rec := range fresh {
			if rec.Offset == failApplyAt {
				return i, errors.New("apply failed")
			}
			applied = append(applied, rec.Offset)
		}
		return len(fresh), nil
	}
	send := func(context.Context) error {
		sends++
		if failSend {
			return errors.New("send failed")
		}
		return nil
	}
	ctx := context.Background()

	failSend = true
	if err := r.Process(ctx, batch(0, 1, 2), apply, send); err == nil {
		t.Fatal("a failed send was not returned")
	}
	failSend = false
	if err := r.Process(ctx, batch(0, 1, 2), apply, send); err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 1, 2}; !slices.Equal(applied, want) || sends != 2 {
		t.Fatalf("after a retried send: applied %v, sends %d; want %v, 2", applied, sends, want)
	}

	failApplyAt = 4
	if err := r.Process(ctx, batch(3, 4, 5), apply, send); err == nil {
		t.Fatal("a failed apply was not returned")
	}
	if sends != 2 || r.Applied != 4 {
		t.Fatalf("after a failed apply: sends %d, applied to %d; want 2, 4", sends, r.Applied)
	}
	// A failure at the first fresh record applies nothing: the offset stays, nothing is sent.
	if err := r.Process(ctx, batch(3, 4, 5), apply, send); err == nil {
		t.Fatal("a failed apply at the first fresh record was not returned")
	}
	if sends != 2 || r.Applied != 4 {
		t.Fatalf("after a failed apply of the first fresh record: sends %d, applied to %d; want 2, 4", sends, r.Applied)
	}
	failApplyAt = -1
	if err := r.Process(ctx, batch(3, 4, 5), apply, send); err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 1, 2, 3, 4, 5}; !slices.Equal(applied, want) || r.Applied != 6 {
		t.Fatalf("applied %v up to %d; want %v up to 6", applied, r.Applied, want)
	}
}

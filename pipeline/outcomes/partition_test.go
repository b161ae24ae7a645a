package outcomes

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

func TestPartitionLandsDecodedEventsAsTheirRecords(t *testing.T) {
	batch := []pipeline.Record{
		viewed(1, "u1", "m1", "ad-1", t0),
		clicked(2, "u1", "m2", "ad-1", t0.Add(time.Minute)),
		ordered(3, "u1", "m3", "o-1", 59.9, t0.Add(3*24*time.Hour), "ad-1"),
		viewed(4, "u2", "m4", "ad-2", t0),
		ordered(5, "u2", "m5", "o-2", 20, t0.Add(2*time.Hour)),
		ordered(6, "u4", "m6", "o-4", 5, t0),
		event(7, schemas.ProductViewed, "u1", "m7", t0, map[string]any{"product_id": "p1"}),
		event(8, schemas.PromotionViewed, "u1", "m8", t0, map[string]any{}), // names no ad: rejected
	}
	records := &pipelinetest.RowWriter{}
	rs, rp := newTestStage(t, records)
	if err := rp.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}

	events := make([]schemas.Event, len(batch))
	for i, rec := range batch[:len(batch)-1] {
		e, err := schemas.DecodeEvent(rec.Value, schemas.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		events[i] = e
	}
	events[len(batch)-1] = schemas.Event{Type: schemas.TypeTrack, Event: schemas.PromotionViewed, UserID: "u1", MessageID: "m8", Timestamp: t0}
	decoded := &pipelinetest.RowWriter{}
	ds, err := New(Config{}, pipeline.DefaultTopics(), decoded, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	dp, err := ds.OpenPartition(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := dp.ProcessEvents(context.Background(), 1, events); err != nil {
		t.Fatal(err)
	}
	// A retry of the same events applies nothing again.
	if err := dp.ProcessEvents(context.Background(), 1, events); err != nil {
		t.Fatal(err)
	}

	if len(records.Writes) != 1 || len(decoded.Writes) != 1 || !reflect.DeepEqual(decoded.Writes[0], records.Writes[0]) {
		t.Fatalf("decoded events wrote %+v\nwant what their records wrote, once: %+v", decoded.Writes, records.Writes)
	}
	for _, result := range []string{resultImpression, resultClick, resultConversion, resultUnattributed, resultIgnored, resultUndecodable} {
		if got, want := count(ds, result), count(rs, result); got != want {
			t.Errorf("%s = %v for decoded events, %v for their records", result, got, want)
		}
	}
}

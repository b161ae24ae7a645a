package outcomes

import (
	"context"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
)

// An order dated 2099 (a client with a wrong clock) is ignored: it does not move the partition's
// event time ahead, so a real order after it still waits out its lateness, and nothing holds the
// partition's commits back at the bad order.
func TestAnOrderFromTheFutureIsIgnored(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, p := newTestStage(t, w)
	batch := []pipeline.Record{
		{Topic: "clickstream", Partition: 1, Offset: 1, Value: []byte(`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","timestamp":"2099-01-01T00:00:00Z","properties":{"order_id":"o-bad","revenue":10,"currency":"USD","products":[{"product_id":"p1"}]}}`)},
		{Topic: "clickstream", Partition: 1, Offset: 2, Value: []byte(`{"type":"track","event":"Order Completed","userId":"u1","messageId":"m2","timestamp":"2019-10-01T12:00:00Z","properties":{"order_id":"o-1","revenue":10,"currency":"USD","products":[{"product_id":"p1"}]}}`)},
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	h, ok := p.(pipeline.Holder)
	if !ok {
		t.Fatal("the outcomes processor is no Holder")
	}
	held, holding := h.Held()
	if !holding || held != 2 {
		t.Errorf("Held() = %d, %v: want the real order (offset 2) waiting, not the one from 2099", held, holding)
	}
}

package outcomes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

var t0 = time.Date(2019, 10, 1, 12, 0, 0, 0, time.UTC)

// event is one clickstream record as a Segment tracker sends it.
func event(offset int64, name, user, messageID string, at time.Time, props map[string]any) pipeline.Record {
	v, err := json.Marshal(map[string]any{
		"type": "track", "event": name, "userId": user, "messageId": messageID,
		"timestamp": at.Format(time.RFC3339Nano), "properties": props,
	})
	if err != nil {
		panic(err)
	}
	return pipeline.Record{Topic: "clickstream", Partition: 1, Offset: offset, Key: []byte(user), Value: v}
}

// viewed and clicked are the delivery system's events for an ad advertising product "p-" + ad.
func viewed(offset int64, user, msg, ad string, at time.Time) pipeline.Record {
	return event(offset, schemas.PromotionViewed, user, msg, at, map[string]any{"promotion_id": ad, "product_id": "p-" + ad})
}

func clicked(offset int64, user, msg, ad string, at time.Time) pipeline.Record {
	return event(offset, schemas.PromotionClicked, user, msg, at, map[string]any{"promotion_id": ad, "product_id": "p-" + ad})
}

// ordered is an order of the products advertised by ads.
func ordered(offset int64, user, msg, order string, revenue float64, at time.Time, ads ...string) pipeline.Record {
	var items []map[string]any
	for _, ad := range ads {
		items = append(items, map[string]any{"product_id": "p-" + ad, "price": revenue / float64(len(ads)), "quantity": 1})
	}
	return event(offset, schemas.OrderCompleted, user, msg, at, map[string]any{"order_id": order, "revenue": revenue, "currency": "USD", "products": items})
}

func newTestStage(t *testing.T, w pipeline.RowWriter) (*Stage, pipeline.Processor) {
	t.Helper()
	s, err := New(Config{}, pipeline.DefaultTopics(), w, nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "clickstream", 1)
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// events closes p, writing the orders still waiting out their lateness, and returns every
// ad_events row w was given.
func events(t *testing.T, p pipeline.Processor, w *pipelinetest.RowWriter) []schemas.AdEvent {
	t.Helper()
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []schemas.AdEvent
	for _, rows := range w.Writes {
		out = append(out, rows.Events...)
	}
	return out
}

func count(s *Stage, result string) float64 {
	var m dto.Metric
	if err := s.metrics.records.WithLabelValues(result).Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

// describe writes an ad_events row as "kind id ad impression attribution revenue".
func describe(e schemas.AdEvent) string {
	product := ""
	if e.Kind == schemas.Conversion {
		product = e.ProductID
	}
	return strings.Join(strings.Fields(fmt.Sprintf("%s %s ad=%s %s imp=%s %s %g%s", e.Kind, e.EventID, e.AdID, product, e.ImpressionID, e.Attribution, e.Revenue, e.Currency)), " ")
}

func TestStageTopics(t *testing.T) {
	s, _ := newTestStage(t, &pipelinetest.RowWriter{})
	if s.Name() != "outcomes" || !slices.Equal(s.Topics(), []string{"ads.ready", "clickstream", "clickstream.dlq"}) {
		t.Fatalf("Name %q Topics %v", s.Name(), s.Topics())
	}
}

func TestStageMapsOutcomesToRows(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	batch := []pipeline.Record{
		viewed(1, "u1", "m1", "ad-1", t0),
		clicked(2, "u1", "m2", "ad-1", t0.Add(time.Minute)),
		ordered(3, "u1", "m3", "o-1", 59.9, t0.Add(3*24*time.Hour), "ad-1"), // click 3 days ago: last click
		viewed(4, "u2", "m4", "ad-2", t0),
		ordered(5, "u2", "m5", "o-2", 20, t0.Add(2*time.Hour), "ad-2"), // no click, view 2 hours ago: last view
		viewed(6, "u3", "m6", "ad-3", t0),
		ordered(7, "u3", "m7", "o-3", 5, t0.Add(25*time.Hour)), // view 25 hours ago: not attributed
		ordered(8, "u4", "m8", "o-4", 5, t0),                   // never saw an ad
		event(9, schemas.ProductViewed, "u1", "m9", t0, map[string]any{"product_id": "p1"}),
		event(10, schemas.PromotionViewed, "u1", "m10", t0, map[string]any{}), // names no ad: rejected
		{Topic: "clickstream", Partition: 1, Offset: 11, Value: []byte(`{"event": "Promotion Viewed", "userId": `)},
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if len(w.Writes) != 1 {
		t.Fatalf("%d writes, want one per batch", len(w.Writes))
	}
	var got []string
	rows := events(t, p, w)
	for _, e := range rows {
		got = append(got, describe(e))
	}
	// o-2 has waited out its lateness when it is read (o-1 is 3 days later in event time); o-1
	// waits until the partition closes.
	want := []string{
		"impression imp:m1 ad=ad-1 imp= 0",
		"click clk:m2 ad=ad-1 imp=imp:m1 0",
		"impression imp:m4 ad=ad-2 imp= 0",
		"conversion conv:o-2 ad=ad-2 p-ad-2 imp=imp:m4 last_view 20USD",
		"impression imp:m6 ad=ad-3 imp= 0",
		"conversion conv:o-1 ad=ad-1 p-ad-1 imp=imp:m1 last_click 59.9USD",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	conv := rows[len(rows)-1]
	if conv.User != "u1" || conv.OrderID != "o-1" || !conv.EventTime.Equal(t0.Add(3*24*time.Hour)) {
		t.Errorf("conversion %+v", conv)
	}
	for result, want := range map[string]float64{
		resultImpression: 3, resultClick: 1, resultConversion: 2, resultUnattributed: 2, resultIgnored: 1, resultUndecodable: 2,
	} {
		if got := count(s, result); got != want {
			t.Errorf("%s = %v, want %v", result, got, want)
		}
	}
}

func TestStageAttributionWindowsAndOrder(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, p := newTestStage(t, w)
	ctx := context.Background()
	// A click 8 days before the order is out of its window; a later view within a day wins.
	if err := p.Process(ctx, []pipeline.Record{
		clicked(1, "u1", "m1", "ad-old", t0),
		viewed(2, "u1", "m2", "ad-new", t0.Add(8*24*time.Hour-time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
	// In the next batch: the order, and a click that happens after it (so gets no credit for it).
	if err := p.Process(ctx, []pipeline.Record{
		ordered(3, "u1", "m3", "o-1", 10, t0.Add(8*24*time.Hour), "ad-new"),
		clicked(4, "u1", "m4", "ad-late", t0.Add(9*24*time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
	var conv []string
	for _, e := range w.Writes[1].Events {
		if e.Kind == schemas.Conversion {
			conv = append(conv, describe(e))
		}
	}
	if want := []string{"conversion conv:o-1 ad=ad-new p-ad-new imp=imp:m2 last_view 10USD"}; !slices.Equal(conv, want) {
		t.Errorf("conversions %v, want %v", conv, want)
	}

	// An order waits out its lateness (1h of event time) for touches that arrive late, and is
	// attributed by event time; rows never depend on where batches are cut: the same records in
	// one batch or in two give the same rows.
	records := []pipeline.Record{
		viewed(1, "u9", "m1", "ad-8", t0),
		viewed(2, "u9", "m2", "ad-9", t0.Add(time.Second)),
		ordered(3, "u9", "m3", "o-9", 7, t0.Add(time.Hour), "ad-9"),
		clicked(4, "u9", "m4", "ad-9", t0.Add(time.Minute)), // read after the order, clicked before it
		ordered(5, "u9", "m5", "o-10", 7, t0.Add(2*time.Hour), "ad-9"),
	}
	rowsOf := func(batches ...[]pipeline.Record) []string {
		w := &pipelinetest.RowWriter{}
		_, p := newTestStage(t, w)
		for _, b := range batches {
			if err := p.Process(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		var out []string
		for _, e := range events(t, p, w) {
			out = append(out, describe(e))
		}
		return out
	}
	whole := rowsOf(records)
	want := []string{
		"impression imp:m1 ad=ad-8 imp= 0",
		"impression imp:m2 ad=ad-9 imp= 0",
		"click clk:m4 ad=ad-9 imp=imp:m2 0",
		"conversion conv:o-9 ad=ad-9 p-ad-9 imp=imp:m2 last_click 7USD",
		"conversion conv:o-10 ad=ad-9 p-ad-9 imp=imp:m2 last_click 7USD",
	}
	if !slices.Equal(whole, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(whole, "\n"), strings.Join(want, "\n"))
	}
	for cut := 1; cut < len(records); cut++ {
		if got := rowsOf(records[:cut], records[cut:]); !slices.Equal(got, whole) {
			t.Errorf("batches cut at %d give rows:\n%s\nwant:\n%s", cut, strings.Join(got, "\n"), strings.Join(whole, "\n"))
		}
	}
}

func TestStageAdsAndDeadLetters(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	ad := schemas.Ad{AdID: "ad-1", User: "u1", ProfileVersion: 4, Product: schemas.Product{ID: "p1", Price: 9.5, Currency: "USD"},
		Creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"}, Strategy: schemas.Strategy{Arm: "value", Group: schemas.GroupTreatment, Propensity: 0.2}, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
	adJSON, _ := json.Marshal(ad)
	bad := pipeline.Record{Topic: "clickstream", Partition: 3, Offset: 77, Key: []byte("u5"), Value: []byte(strings.Repeat("x", 5000)), Timestamp: t0}
	f := schemas.Failf(schemas.MalformedJSON, "", "invalid character 'x'")
	batch := []pipeline.Record{
		{Topic: "ads.ready", Partition: 0, Offset: 1, Key: []byte("u1"), Value: adJSON},
		{Topic: "ads.ready", Partition: 0, Offset: 2, Key: []byte("u1"), Value: []byte("{")},
		pipeline.DeadLetter("clickstream.dlq", "features", bad, f),
	}
	batch[2].Offset = 3
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	rows := w.Writes[0]
	if len(rows.Ads) != 1 || rows.Ads[0].AdID != "ad-1" || rows.Ads[0].Product.ID != "p1" || !rows.Ads[0].CreatedAt.Equal(t0) {
		t.Errorf("ads %+v", rows.Ads)
	}
	if len(rows.Failures) != 1 {
		t.Fatalf("failures %+v", rows.Failures)
	}
	fe := rows.Failures[0]
	if fe.FailureID != "clickstream/3/77" || fe.Kind != schemas.MalformedJSON || fe.Stage != "features" || len(fe.Payload) != 4096 {
		t.Errorf("failed event %+v (payload %d bytes)", fe, len(fe.Payload))
	}
	if count(s, resultAd) != 1 || count(s, resultFailure) != 1 || count(s, resultUndecodable) != 1 {
		t.Errorf("ad %v failure %v undecodable %v", count(s, resultAd), count(s, resultFailure), count(s, resultUndecodable))
	}
}

func TestStageWriteErrorFailsTheBatchAndRetryWritesTheSameRows(t *testing.T) {
	w := &pipelinetest.RowWriter{Err: errors.New("clickhouse: connection refused")}
	s, p := newTestStage(t, w)
	batch := []pipeline.Record{
		viewed(1, "u1", "m1", "ad-1", t0),
		ordered(2, "u1", "m2", "o-1", 12, t0.Add(time.Hour), "ad-1"),
	}
	if err := p.Process(context.Background(), batch); !errors.Is(err, w.Err) {
		t.Fatalf("Process with a failing writer = %v, want the write error", err)
	}
	if count(s, resultImpression) != 0 {
		t.Error("rows of a failed batch were counted")
	}
	w.Err = nil
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events(t, p, w) {
		got = append(got, describe(e))
	}
	want := []string{"impression imp:m1 ad=ad-1 imp= 0", "conversion conv:o-1 ad=ad-1 p-ad-1 imp=imp:m1 last_view 12USD"}
	if !slices.Equal(got, want) {
		t.Errorf("retried rows %v, want %v", got, want)
	}
}

func TestStageSkipsEmptyWrites(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, p := newTestStage(t, w)
	batch := []pipeline.Record{event(1, schemas.ProductViewed, "u1", "m1", t0, map[string]any{"product_id": "p"})}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if len(w.Writes) != 0 {
		t.Errorf("wrote %v for a batch with no outcomes", w.Writes)
	}
}

func TestNewValidates(t *testing.T) {
	sharedDLQ := pipeline.DefaultTopics()
	sharedDLQ.DLQ = sharedDLQ.Clickstream
	if _, err := New(Config{}, pipeline.DefaultTopics(), nil, nil, nil); err == nil {
		t.Error("nil writer accepted")
	}
	if _, err := New(Config{}, sharedDLQ, &pipelinetest.RowWriter{}, nil, nil); err == nil {
		t.Error("clickstream as the DLQ accepted")
	}
	if _, err := New(Config{ViewScope: "brand"}, pipeline.DefaultTopics(), &pipelinetest.RowWriter{}, nil, nil); err == nil || !strings.Contains(err.Error(), "view_scope") {
		t.Errorf("view scope brand: error %v, want one naming view_scope", err)
	}
	reg := prometheus.NewRegistry()
	for range 2 {
		if _, err := New(Config{}, pipeline.DefaultTopics(), &pipelinetest.RowWriter{}, nil, reg); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStageAnOrderConvertsOnce(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	// The tracker retried the order with a new message id: both rows carry the order's id, so the
	// store keeps one.
	// Read between the two but clicked before the order, a click on another ad the order also
	// contains: the order, attributed once its lateness has passed, goes to that later click in
	// event time, crediting only its product's line; the retry writes no second row.
	batch := []pipeline.Record{
		viewed(1, "u1", "m0", "ad-1", t0),
		clicked(2, "u1", "m1", "ad-1", t0.Add(time.Second)),
		ordered(3, "u1", "m2", "o-1", 30, t0.Add(time.Hour), "ad-1", "ad-2"),
		viewed(4, "u1", "m3", "ad-2", t0.Add(time.Minute)),
		clicked(5, "u1", "m4", "ad-2", t0.Add(2*time.Minute)),
		ordered(6, "u1", "m2-retry", "o-1", 30, t0.Add(time.Hour), "ad-1", "ad-2"),
	}
	s, p := newTestStage(t, w)
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var conv []string
	for _, e := range events(t, p, w) {
		if e.Kind == schemas.Conversion {
			conv = append(conv, describe(e))
		}
	}
	if want := []string{"conversion conv:o-1 ad=ad-2 p-ad-2 imp=imp:m3 last_click 15USD"}; !slices.Equal(conv, want) {
		t.Errorf("conversions %v, want %v", conv, want)
	}
	if count(s, resultDuplicateOrder) != 1 || count(s, resultConversion) != 1 {
		t.Errorf("duplicate orders %v conversions %v, want 1 and 1", count(s, resultDuplicateOrder), count(s, resultConversion))
	}
}

func TestStageCountsClicksThatCannotEarnCredit(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	noProduct := event(3, schemas.PromotionClicked, "u2", "m3", t0.Add(time.Minute), map[string]any{"promotion_id": "ad-2"})
	batch := []pipeline.Record{
		clicked(1, "u1", "m1", "ad-1", t0), // never shown
		viewed(2, "u2", "m2", "ad-2", t0),
		noProduct,
		ordered(4, "u1", "m4", "o-1", 9, t0.Add(time.Hour), "ad-1"),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events(t, p, w) {
		got = append(got, describe(e))
	}
	// Both clicks land (ClickHouse counts the orphan apart and leaves it out of CTR); neither is
	// credited with the order.
	want := []string{"click clk:m1 ad=ad-1 imp= 0", "impression imp:m2 ad=ad-2 imp= 0", "click clk:m3 ad=ad-2 imp=imp:m2 0"}
	if !slices.Equal(got, want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	for result, want := range map[string]float64{resultClick: 2, resultClickNoImpression: 1, resultClickNoProduct: 1, resultUnattributed: 1} {
		if got := count(s, result); got != want {
			t.Errorf("%s = %v, want %v", result, got, want)
		}
	}
}

// Segment's own Promotion Viewed/Clicked carry the promotion, not the product: the product comes
// from the ad, read on the ads topic by another partition of the same stage.
func TestStageTakesTheProductFromTheAd(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, p := newTestStage(t, w)
	ads, err := s.Open(context.Background(), "ads.ready", 0)
	if err != nil {
		t.Fatal(err)
	}
	ad := schemas.Ad{AdID: "ad-1", User: "u1", Product: schemas.Product{ID: "p1", Category: "toys", Price: 9.5, Currency: "USD"},
		Creative: schemas.Creative{Headline: "h", Body: "b", CTA: "c", Locale: "en"}, Strategy: schemas.Strategy{Arm: "value", Group: schemas.GroupTreatment, Propensity: 0.2}, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
	adJSON, _ := json.Marshal(ad)
	if err := ads.Process(context.Background(), []pipeline.Record{{Topic: "ads.ready", Offset: 1, Key: []byte("u1"), Value: adJSON}}); err != nil {
		t.Fatal(err)
	}
	promo := map[string]any{"promotion_id": "ad-1", "creative": "value", "name": "autumn"}
	if err := p.Process(context.Background(), []pipeline.Record{
		event(1, schemas.PromotionViewed, "u1", "m1", t0, promo),
		event(2, schemas.PromotionClicked, "u1", "m2", t0.Add(time.Minute), promo),
		event(3, schemas.OrderCompleted, "u1", "m3", t0.Add(time.Hour), map[string]any{"order_id": "o-1", "currency": "USD",
			"products": []map[string]any{{"product_id": "p1", "price": 9.5, "quantity": 2}, {"product_id": "p7", "price": 100, "quantity": 1}}}),
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events(t, p, w) {
		got = append(got, describe(e)+" "+e.ProductID)
	}
	// The order of two products credits the advertised one's lines only: 2 × 9.5.
	want := []string{"impression imp:m1 ad=ad-1 imp= 0 p1", "click clk:m2 ad=ad-1 imp=imp:m1 0 p1",
		"conversion conv:o-1 ad=ad-1 p1 imp=imp:m1 last_click 19USD p1"}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An order without an order id (which the decoder rejects today, but a tracker may send) is
// deduplicated by its message id: a redelivery of the same event converts once, another order of
// the same products converts again.
func TestStageAnOrderWithoutIDIsDeduplicatedByMessageID(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	s, pr := newTestStage(t, w)
	p := pr.(*processor)
	order := func(msg string, at time.Time) schemas.Event {
		return schemas.Event{Type: schemas.TypeTrack, Event: schemas.OrderCompleted, UserID: "u1", MessageID: msg, Timestamp: at,
			Properties: schemas.Properties{Currency: "USD", Products: []schemas.LineItem{{ProductID: "p-ad-1", Price: 5, Quantity: 1}}}}
	}
	view := schemas.Event{Type: schemas.TypeTrack, Event: schemas.PromotionViewed, UserID: "u1", MessageID: "m1", Timestamp: t0,
		Properties: schemas.Properties{PromotionID: "ad-1", ProductID: "p-ad-1"}}
	for i, e := range []schemas.Event{view, order("m2", t0.Add(time.Minute)), order("m2", t0.Add(time.Minute)), order("m4", t0.Add(2*time.Minute))} {
		p.outcome(e, pipeline.Record{Topic: "clickstream", Partition: 1, Offset: int64(i)})
	}
	var conv []string
	for _, e := range events(t, p, w) {
		if e.Kind == schemas.Conversion {
			conv = append(conv, describe(e))
		}
	}
	want := []string{"conversion conv:msg:m2 ad=ad-1 p-ad-1 imp=imp:m1 last_view 5USD", "conversion conv:msg:m4 ad=ad-1 p-ad-1 imp=imp:m1 last_view 5USD"}
	if !slices.Equal(conv, want) {
		t.Errorf("conversions %v, want %v", conv, want)
	}
	if n := count(s, resultDuplicateOrder); n != 1 {
		t.Errorf("%v duplicate orders, want 1", n)
	}
}

// An order waiting out its lateness holds its offset back from commit, so a crash reads it again.
func TestStageHoldsTheOffsetOfAWaitingOrder(t *testing.T) {
	w := &pipelinetest.RowWriter{}
	_, pr := newTestStage(t, w)
	h := pr.(pipeline.Holder)
	if err := pr.Process(context.Background(), []pipeline.Record{
		viewed(10, "u1", "m1", "ad-1", t0),
		ordered(11, "u1", "m2", "o-1", 5, t0.Add(time.Minute), "ad-1"),
		viewed(12, "u2", "m3", "ad-2", t0.Add(30*time.Minute)),
	}); err != nil {
		t.Fatal(err)
	}
	if off, ok := h.Held(); !ok || off != 11 {
		t.Fatalf("Held() = %d, %v; want the waiting order's offset 11", off, ok)
	}
	// Another shopper's event an hour after the order in event time: it is attributed and written.
	if err := pr.Process(context.Background(), []pipeline.Record{viewed(13, "u2", "m4", "ad-2", t0.Add(61*time.Minute))}); err != nil {
		t.Fatal(err)
	}
	if off, ok := h.Held(); ok {
		t.Errorf("Held() = %d after the lateness passed, want nothing held", off)
	}
	last := w.Writes[len(w.Writes)-1].Events
	if len(last) != 2 || last[0].Kind != schemas.Impression || last[1].EventID != "conv:o-1" {
		t.Errorf("second write %v, want the impression and o-1's conversion", last)
	}
}

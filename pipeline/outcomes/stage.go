package outcomes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Name is the stage's name; its consumer group is adshift-outcomes.
const Name = "outcomes"

// Stage lands ads and their outcomes as rows. See the package documentation.
type Stage struct {
	cfg     Config
	topics  pipeline.Topics
	w       pipeline.RowWriter
	log     *slog.Logger
	metrics *metrics
}

var _ pipeline.Stage = (*Stage)(nil)

// New returns the outcomes stage reading the topics named and writing through w; logger and
// reg may be nil to discard logs and metrics.
func New(cfg Config, topics pipeline.Topics, w pipeline.RowWriter, logger *slog.Logger, reg prometheus.Registerer) (*Stage, error) {
	cfg = cfg.withDefaults()
	if w == nil {
		return nil, errors.New("outcomes: no row writer")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	if err := topics.Validate(); err != nil {
		return nil, fmt.Errorf("outcomes topics: %w", err)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("outcomes: register metrics: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Stage{cfg: cfg, topics: topics, w: w, log: logger.With("stage", Name), metrics: m}, nil
}

// Name implements pipeline.Stage.
func (s *Stage) Name() string { return Name }

// Topics implements pipeline.Stage: ads, clickstream and dead letters.
func (s *Stage) Topics() []string {
	return []string{s.topics.Ads, s.topics.Clickstream, s.topics.DLQ}
}

// Open implements pipeline.Stage. A clickstream partition starts with no touches: an order
// placed right after a rebalance or restart is attributed only to touches read since.
func (s *Stage) Open(_ context.Context, _ string, _ int32) (pipeline.Processor, error) {
	return s.open(), nil
}

func (s *Stage) open() *processor {
	return &processor{stage: s, attr: newAttributor(s.cfg.ClickWindow, s.cfg.ViewWindow), tally: make(map[string]int)}
}

// processor owns one partition of one of the stage's topics.
type processor struct {
	stage *Stage
	attr  *attributor

	// retry keeps how far the partition was turned into rows; pending holds the rows (and tally
	// their counts) not yet acknowledged: a retried batch writes pending again instead of
	// attributing its orders a second time.
	retry   pipeline.Retry
	pending schemas.Rows
	tally   map[string]int
	split   schemas.Splitter // unwraps clickstream records that hold envelopes of events
}

// Process turns the batch into rows and writes them in one call. Records are taken strictly in
// partition order, orders attributed to the touches read before them, so the rows depend only on
// the partition's contents, never on where batches happen to be cut: a redelivery writes the
// same rows again. A write error is returned: the batch is not committed and comes again.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	return p.retry.Process(ctx, batch, p.apply, p.send)
}

// apply turns records into pending rows; it cannot fail.
func (p *processor) apply(fresh []pipeline.Record) (int, error) {
	for _, rec := range fresh {
		p.add(rec)
	}
	p.attr.prune()
	return len(fresh), nil
}

// send writes the pending rows and then counts them.
func (p *processor) send(ctx context.Context) error {
	s := p.stage
	if p.pending.Len() > 0 {
		if err := s.w.Write(ctx, p.pending); err != nil {
			return fmt.Errorf("write %d outcome rows: %w", p.pending.Len(), err)
		}
	}
	for result, n := range p.tally {
		s.metrics.add(result, n)
	}
	p.pending = schemas.Rows{}
	clear(p.tally)
	return nil
}

// add turns one record into its row, if any, and tallies what it was: a dispatch on the topic.
func (p *processor) add(rec pipeline.Record) {
	switch rec.Topic {
	case p.stage.topics.Ads:
		p.ad(rec)
	case p.stage.topics.DLQ:
		p.pending.Failures = append(p.pending.Failures, pipeline.FailedEvent(rec, p.stage.cfg.PayloadMax))
		p.tally[resultFailure]++
	case p.stage.topics.Clickstream:
		p.event(rec)
	default:
		p.tally[resultIgnored]++
	}
}

// ad lands a published ad.
func (p *processor) ad(rec pipeline.Record) {
	ad, err := schemas.DecodeAd(rec.Value)
	if err != nil {
		p.tally[resultUndecodable]++
		p.stage.log.Warn("unreadable ad", "partition", rec.Partition, "offset", rec.Offset, "err", err)
		return
	}
	p.pending.Ads = append(p.pending.Ads, ad)
	p.tally[resultAd]++
}

// event lands the clickstream events of rec that are outcomes: attributed orders, impressions
// and clicks. A record that is no event may hold an envelope of events, landed in order.
func (p *processor) event(rec pipeline.Record) {
	// Most of the clickstream is no outcome: its head is read (and checked, as a full decode
	// would), and only promotions and orders are decoded whole.
	head, err := schemas.DecodeEventHead(rec.Value, schemas.Limits{})
	if err != nil && schemas.MayBeEnvelope(err) {
		if env, values, serr := p.split.Split(rec.Value, schemas.Limits{}); serr == nil && env != schemas.NoEnvelope {
			for _, v := range values {
				h, err := schemas.DecodeEventHead(v, schemas.Limits{})
				p.eventValue(v, h, err, rec)
			}
			return
		}
	}
	p.eventValue(rec.Value, head, err, rec)
}

// eventValue lands one event of rec, value, whose head decoded as head or failed with err, if
// it is an outcome.
func (p *processor) eventValue(value []byte, head schemas.EventHead, err error, rec pipeline.Record) {
	if err != nil {
		p.tally[resultUndecodable]++
		return
	}
	if !isOutcome(head.Event) {
		p.tally[resultIgnored]++
		return
	}
	e, err := schemas.DecodeEvent(value, schemas.Limits{})
	if err != nil { // cannot happen: the head decoded
		p.tally[resultUndecodable]++
		return
	}
	p.outcome(e, rec)
}

// isOutcome reports whether events named name can be outcomes: orders and promotions.
func isOutcome(name string) bool {
	return name == schemas.OrderCompleted || name == schemas.PromotionViewed || name == schemas.PromotionClicked
}

// outcome lands e, read from rec and an order or a promotion: an attributed order, an
// impression or a click.
func (p *processor) outcome(e schemas.Event, rec pipeline.Record) {
	if e.Event == schemas.OrderCompleted {
		row, result := p.conversion(e)
		p.tally[result]++
		if result == resultConversion {
			p.pending.Events = append(p.pending.Events, row)
		}
		return
	}
	row, ok := p.touch(e, rec)
	if !ok {
		p.tally[resultIgnored]++
		return
	}
	p.pending.Events = append(p.pending.Events, row)
	p.tally[row.Kind]++
}

// touch records an impression or click and returns its row; false for any other event. The
// decoder guarantees a promotion names its ad.
func (p *processor) touch(e schemas.Event, rec pipeline.Record) (schemas.AdEvent, bool) {
	adID := e.Properties.PromotionID
	row := schemas.AdEvent{AdID: adID, ProductID: e.Properties.ProductID, User: e.User(), EventTime: e.Timestamp.UTC()}
	t := touch{adID: adID, productID: row.ProductID, at: row.EventTime}
	switch e.Event {
	case schemas.PromotionViewed:
		row.Kind, row.EventID = schemas.Impression, "imp:"+messageID(e, rec)
		t.eventID = row.EventID
		p.attr.impression(row.User, t)
	case schemas.PromotionClicked:
		row.Kind, row.EventID = schemas.Click, "clk:"+messageID(e, rec)
		t.eventID = row.EventID
		t, kind := p.attr.click(row.User, t)
		row.ImpressionID = t.impressionID
		// Every click lands, so ClickHouse can count those without an impression exactly even
		// across restarts (which forget this partition's touches); the report drops them.
		switch kind {
		case clickNoImpression:
			p.tally[resultClickNoImpression]++
		case clickNoProduct:
			p.tally[resultClickNoProduct]++
		}
	default:
		return schemas.AdEvent{}, false
	}
	return row, true
}

// conversion attributes an order and returns its row; false when no ad is credited with it or
// the order was already attributed (a tracker's retry under a new message id): conversions are
// unique by order id, and the first attribution stands.
func (p *processor) conversion(e schemas.Event) (schemas.AdEvent, string) {
	at := e.Timestamp.UTC()
	orderID := e.Properties.OrderID
	if orderID != "" && p.attr.seenOrder(orderID, at) {
		return schemas.AdEvent{}, resultDuplicateOrder
	}
	t, rule, ok := p.attr.attribute(e.User(), at, orderProducts(e.Properties))
	if !ok {
		return schemas.AdEvent{}, resultUnattributed
	}
	id := orderID
	if id == "" {
		id = "msg:" + e.MessageID
	}
	return schemas.AdEvent{
		EventID:      "conv:" + id,
		Kind:         schemas.Conversion,
		AdID:         t.adID,
		ImpressionID: t.impressionID,
		ProductID:    t.productID,
		User:         e.User(),
		Revenue:      revenue(e.Properties),
		Currency:     e.Properties.Currency,
		OrderID:      orderID,
		Attribution:  rule,
		EventTime:    at,
	}, resultConversion
}

// orderProducts lists the product ids and SKUs of an order's line items (and of the order itself
// when a tracker sent a single product flat).
func orderProducts(p schemas.Properties) []string {
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				out = append(out, id)
			}
		}
	}
	for _, li := range p.Products {
		add(li.ProductID, li.SKU)
	}
	add(p.ProductID, p.SKU)
	return out
}

// revenue is the order's revenue, or the sum of its line items when the tracker sent none.
func revenue(p schemas.Properties) float64 {
	if p.Revenue != 0 {
		return p.Revenue
	}
	var sum float64
	for _, li := range p.Products {
		sum += li.Price * float64(max(li.Quantity, 1))
	}
	return sum
}

// messageID is the event's dedup key; an event without one is keyed by where it was read, which
// is as stable under redelivery.
func messageID(e schemas.Event, rec pipeline.Record) string {
	if e.MessageID != "" {
		return e.MessageID
	}
	return rec.Topic + "/" + strconv.FormatInt(int64(rec.Partition), 10) + "/" + strconv.FormatInt(rec.Offset, 10)
}

// Close implements pipeline.Processor; attribution state lives only in memory and is dropped.
func (p *processor) Close(context.Context) error { return nil }

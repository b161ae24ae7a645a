package outcomes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Name is the stage's name; its consumer group is adshift-outcomes.
const Name = "outcomes"

// Stage lands ads and their outcomes as rows. See the package documentation.
type Stage struct {
	cfg       Config
	topics    pipeline.Topics
	w         pipeline.RowWriter
	ads       *adIndex
	log       *slog.Logger
	metrics   *metrics
	forgotten *pipeline.Forgotten // shoppers whose rows are not landed; nil: none
}

var (
	_ pipeline.Stage  = (*Stage)(nil)
	_ pipeline.Holder = (*processor)(nil)
)

// heldOrder is an order waiting out its lateness window, and the offset it was read at: the
// source commits no offset from it on until it is attributed and written.
type heldOrder struct {
	e      schemas.Event
	offset int64
}

// New returns the outcomes stage reading the topics named and writing through w; logger and
// reg may be nil to discard logs and metrics.
func New(cfg Config, topics pipeline.Topics, w pipeline.RowWriter, logger *slog.Logger, reg prometheus.Registerer, opts ...Option) (*Stage, error) {
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
	s := &Stage{cfg: cfg, topics: topics, w: w, ads: newAdIndex(max(cfg.ClickWindow, cfg.ViewWindow) + max(cfg.Lateness, 0)),
		log: logger.With("stage", Name), metrics: m}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Option configures a Stage beyond its Config.
type Option func(*Stage)

// WithForgotten makes the stage land no row of a shopper in f: no ad, impression, click,
// conversion or dead letter of theirs reaches ClickHouse once they were forgotten.
func WithForgotten(f *pipeline.Forgotten) Option {
	return func(s *Stage) { s.forgotten = f }
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
	return &processor{stage: s, attr: newAttributor(s.cfg, s.ads), tally: make(map[string]int)}
}

// processor owns one partition of one of the stage's topics.
type processor struct {
	stage *Stage
	attr  *attributor
	held  []heldOrder // orders waiting out the lateness window, by event time

	// retry keeps how far the partition was turned into rows; pending holds the rows (and tally
	// their counts) not yet acknowledged: a retried batch writes pending again instead of
	// attributing its orders a second time.
	retry   pipeline.Retry
	pending schemas.Rows
	tally   map[string]int
	split   schemas.Splitter // unwraps clickstream records that hold envelopes of events
}

// Process turns the batch into rows and writes them in one call. Records are taken strictly in
// partition order, and an order is attributed, to the touches read by then, right after the
// record that carries the partition's event time past its lateness window, so the rows depend
// only on the partition's contents, never on where batches happen to be cut: a redelivery writes
// the same rows again. A write error is returned: the batch is not committed and comes again.
func (p *processor) Process(ctx context.Context, batch []pipeline.Record) error {
	return p.retry.Process(ctx, batch, p.apply, p.send)
}

// apply turns records into pending rows; it cannot fail.
func (p *processor) apply(fresh []pipeline.Record) (int, error) {
	for _, rec := range fresh {
		p.add(rec)
		p.release(false) // after every record, so the rows never depend on where batches are cut
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
		if p.stage.forgotten.Names(rec.Key, rec.Headers, rec.Value) {
			p.tally[resultForgotten]++
			return
		}
		p.pending.Failures = append(p.pending.Failures, pipeline.FailedEvent(rec, p.stage.cfg.PayloadMax))
		p.tally[resultFailure]++
	case p.stage.topics.Clickstream:
		p.event(rec)
	default:
		p.tally[resultIgnored]++
	}
}

// limits bounds the outcome events decoded now: none dated past the wall clock by more than
// future_skew.
func (s *Stage) limits() schemas.Limits {
	return schemas.Limits{MaxTime: time.Now().Add(s.cfg.FutureSkew)}
}

// ad lands a published ad.
func (p *processor) ad(rec pipeline.Record) {
	ad, err := schemas.DecodeAd(rec.Value)
	if err != nil {
		p.tally[resultUndecodable]++
		p.stage.log.Warn("unreadable ad", "partition", rec.Partition, "offset", rec.Offset, "err", err)
		return
	}
	if p.stage.forgotten.Has(ad.User) {
		p.tally[resultForgotten]++
		return
	}
	p.stage.ads.put(ad)
	p.pending.Ads = append(p.pending.Ads, ad)
	p.tally[resultAd]++
}

// event lands the clickstream events of rec that are outcomes: attributed orders, impressions
// and clicks. A record that is no event may hold an envelope of events, landed in order.
func (p *processor) event(rec pipeline.Record) {
	// Most of the clickstream is no outcome: its head is read (and checked, as a full decode
	// would), and only promotions and orders are decoded whole.
	limits := p.stage.limits()
	head, err := schemas.DecodeEventHead(rec.Value, limits)
	if err != nil && schemas.MayBeEnvelope(err) {
		if env, values, serr := p.split.Split(rec.Value, limits); serr == nil && env != schemas.NoEnvelope {
			for _, v := range values {
				h, err := schemas.DecodeEventHead(v, limits)
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
	e, err := schemas.DecodeEvent(value, p.stage.limits())
	if err != nil { // cannot happen: the head decoded
		p.tally[resultUndecodable]++
		return
	}
	if e.Context.Consent.Refused() {
		p.tally[resultConsentRefused]++
		return
	}
	if p.stage.forgotten.Has(e.UserID) || p.stage.forgotten.Has(e.AnonymousID) {
		p.tally[resultForgotten]++
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
		p.hold(e, rec)
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
		row.ProductID = p.attr.impression(row.User, t).productID
	case schemas.PromotionClicked:
		row.Kind, row.EventID = schemas.Click, "clk:"+messageID(e, rec)
		t.eventID = row.EventID
		t, kind := p.attr.click(row.User, t)
		row.ImpressionID, row.ProductID = t.impressionID, t.productID
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

// hold keeps an order until its lateness window has passed, unless it was seen before (a
// tracker's retry): conversions are unique by order id, or by message id for an order without
// one, and the first attribution stands.
func (p *processor) hold(e schemas.Event, rec pipeline.Record) {
	e.Timestamp = e.Timestamp.UTC()
	if e.MessageID == "" {
		e.MessageID = messageID(e, rec)
	}
	if p.attr.seenOrder(orderKey(e), e.Timestamp) {
		p.tally[resultDuplicateOrder]++
		return
	}
	i := len(p.held)
	for i > 0 && p.held[i-1].e.Timestamp.After(e.Timestamp) {
		i--
	}
	p.held = slices.Insert(p.held, i, heldOrder{e: e, offset: rec.Offset})
}

// Held implements pipeline.Holder: the offset of the first order still waiting, so that a crash
// reads it again instead of losing it.
func (p *processor) Held() (int64, bool) {
	if len(p.held) == 0 {
		return 0, false
	}
	first := p.held[0].offset
	for _, h := range p.held[1:] {
		first = min(first, h.offset)
	}
	return first, true
}

// orderKey is what an order is deduplicated by: its order id, else its message id.
func orderKey(e schemas.Event) string {
	if e.Properties.OrderID != "" {
		return e.Properties.OrderID
	}
	return "msg:" + e.MessageID
}

// release attributes the orders held whose lateness window has passed, or all of them.
func (p *processor) release(all bool) {
	n := 0
	for n < len(p.held) && (all || p.attr.due(p.held[n].e.Timestamp)) {
		if e := p.held[n].e; p.stage.forgotten.Has(e.UserID) || p.stage.forgotten.Has(e.AnonymousID) {
			p.tally[resultForgotten]++ // forgotten while the order waited
			n++
			continue
		}
		row, result := p.conversion(p.held[n].e)
		p.tally[result]++
		if result == resultConversion {
			p.pending.Events = append(p.pending.Events, row)
		}
		n++
	}
	p.held = slices.Delete(p.held, 0, n)
}

// conversion attributes an order and returns its row; false when no ad is credited with it. The
// row's revenue is that of the advertised product's lines only (of its category's, or the whole
// order, as the view scope allows).
func (p *processor) conversion(e schemas.Event) (schemas.AdEvent, string) {
	o := order{at: e.Timestamp, lines: orderLines(e.Properties)}
	t, rule, ok := p.attr.attribute(e.User(), o)
	if !ok {
		return schemas.AdEvent{}, resultUnattributed
	}
	return schemas.AdEvent{
		EventID:      "conv:" + orderKey(e),
		Kind:         schemas.Conversion,
		AdID:         t.adID,
		ImpressionID: t.impressionID,
		ProductID:    t.productID,
		User:         e.User(),
		Revenue:      creditedRevenue(e.Properties, o, t, p.attr.scope),
		Currency:     e.Properties.Currency,
		OrderID:      e.Properties.OrderID,
		Attribution:  rule,
		EventTime:    e.Timestamp,
	}, resultConversion
}

// orderLines lists an order's line items, and the order itself as one line when a tracker sent a
// single product flat.
func orderLines(p schemas.Properties) []schemas.LineItem {
	lines := slices.Clone(p.Products)
	if p.ProductID != "" || p.SKU != "" {
		lines = append(lines, schemas.LineItem{ProductID: p.ProductID, SKU: p.SKU, Category: p.Category, Price: p.Price, Quantity: p.Quantity})
	}
	return lines
}

// creditedRevenue is the revenue of the lines of o that t advertised: the advertised product's,
// else (by view-through in a wider scope) its category's, else, in scope any, the whole order's.
// An order of one flat product, or whose lines carry no prices, credits its revenue whole.
func creditedRevenue(p schemas.Properties, o order, t touch, scope string) float64 {
	if len(p.Products) == 0 {
		return revenue(p)
	}
	match := func(l schemas.LineItem) bool {
		return t.productID != "" && (l.ProductID == t.productID || l.SKU == t.productID)
	}
	if !o.has(t.productID) {
		switch scope {
		case ScopeAny:
			if !o.hasCategory(t.category) {
				return revenue(p)
			}
			fallthrough
		case ScopeCategory:
			match = func(l schemas.LineItem) bool { return t.category != "" && l.Category == t.category }
		}
	}
	var sum, all float64
	for _, l := range o.lines {
		v := l.Price * float64(max(l.Quantity, 1))
		all += v
		if match(l) {
			sum += v
		}
	}
	if all == 0 {
		return revenue(p)
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

// Close implements pipeline.Processor: the orders still waiting out their lateness are
// attributed to the touches read so far and written (their offsets were held back from commit
// until then); the rest of the attribution state lives only in memory and is dropped.
// The write gets closeWrite even when ctx is already done (the stage is stopping): a failure
// leaves their offsets uncommitted, so they are read again on the next start.
func (p *processor) Close(ctx context.Context) error {
	if len(p.held) == 0 {
		return nil
	}
	p.release(true)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), closeWrite)
	defer cancel()
	return p.send(ctx)
}

// closeWrite bounds the write of the orders a closing partition still held.
const closeWrite = 10 * time.Second

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

package features

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// otherEvent labels the events adshift does not read, so arbitrary names cannot blow up the
// series count.
const otherEvent = "other"

// metrics are the stage's counters, shared by all its partitions. Every label value but failure
// kinds is resolved up front: dashboards see zeros rather than gaps, and the hot path does a map
// lookup instead of hashing label values.
type metrics struct {
	events   map[string]prometheus.Counter // by event name
	skipped  map[string]prometheus.Counter // by reason
	shifts   map[string]prometheus.Counter // by reason
	failures *prometheus.CounterVec        // by failure kind
	// rewritten counts the events the decoder rewrote to accept them, by rewrite kind;
	// envelopes the records that held several events, by envelope.
	rewritten map[schemas.Rewrites]prometheus.Counter
	envelopes map[schemas.Envelope]prometheus.Counter
	profiles  prometheus.Gauge
	expired   prometheus.Counter
	restored  prometheus.Counter
	corrupt   prometheus.Counter
	// merges counts anonymous profiles sent to a known user's partition and merged there.
	merges *prometheus.CounterVec
	// forwarded counts events of a joined anonymous id sent on to the known user's partition.
	forwarded prometheus.Counter
	// forgotten counts the shoppers forgotten on a deletion request (once each); dropped the
	// profiles deleted because an event refused advertising.
	forgotten prometheus.Counter
	dropped   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_features_events_total",
		Help: "Clickstream events decoded by the features stage, by event name (other: names adshift does not read).",
	}, []string{"event"})
	skipped := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_features_skipped_total",
		Help: "Decoded events that carry no interest, by reason.",
	}, []string{"reason"})
	shifts := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_features_shifts_total",
		Help: "Profile shifts published, by reason.",
	}, []string{"reason"})
	m := &metrics{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_failures_total",
			Help: "Clickstream records sent to the dead-letter topic, by failure kind.",
		}, []string{"kind"}),
		profiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "adshift_features_profiles",
			Help: "Shopper profiles held in memory by this instance.",
		}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_profiles_expired_total",
			Help: "Profiles dropped after profile_ttl of event time without an event (tombstoned in the changelog).",
		}),
		restored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_profiles_restored_total",
			Help: "Profiles read back from the changelog when partitions were assigned.",
		}),
		corrupt: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_changelog_corrupt_total",
			Help: "Changelog values skipped on restore because they did not decode.",
		}),
		merges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "adshift_features_identity_merges_total",
			Help: "Anonymous profiles merged into a known user's after identify or alias: sent (from the anonymous id's partition) and received (merged).",
		}, []string{"direction"}),
		forwarded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_forwarded_total",
			Help: "Events of an anonymous id that reached its partition after the id was joined to a known user, forwarded to the user's profile.",
		}),
		forgotten: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_forgotten_total",
			Help: "Shoppers forgotten on a deletion request: profile tombstoned, no profile or shift for them again.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "adshift_features_consent_dropped_total",
			Help: "Profiles deleted because an event of their shopper refused advertising in its consent preferences.",
		}),
	}
	rewritten := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_events_rewritten_total",
		Help: "Clickstream events the decoder rewrote to accept them, by what it rewrote (field_dropped: a bad optional field dropped).",
	}, []string{"kind"})
	envelopes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "adshift_features_envelopes_total",
		Help: "Clickstream records that held an envelope of events (a Segment batch, RudderStack's form), unwrapped, by envelope.",
	}, []string{"envelope"})
	r := pipeline.NewRegistration(reg)
	events = pipeline.Add(r, events)
	rewritten = pipeline.Add(r, rewritten)
	envelopes = pipeline.Add(r, envelopes)
	skipped = pipeline.Add(r, skipped)
	shifts = pipeline.Add(r, shifts)
	m.failures = pipeline.Add(r, m.failures)
	m.profiles = pipeline.Add(r, m.profiles)
	m.expired = pipeline.Add(r, m.expired)
	m.restored = pipeline.Add(r, m.restored)
	m.corrupt = pipeline.Add(r, m.corrupt)
	m.merges = pipeline.Add(r, m.merges)
	m.forwarded = pipeline.Add(r, m.forwarded)
	m.forgotten = pipeline.Add(r, m.forgotten)
	m.dropped = pipeline.Add(r, m.dropped)
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("register features metrics: %w", err)
	}
	// Resolved from the registered vectors, which a second stage on the registry shares.
	m.events = resolve(events, otherEvent, schemas.PromotionViewed, schemas.PromotionClicked)
	m.skipped = resolve(skipped, skipNotTrack, skipUnknown, skipOutcome, skipDup, skipForgotten, skipConsent)
	m.shifts = resolve(shifts, schemas.ReasonFirstProfile, schemas.ReasonIntentEscalation, schemas.ReasonNewInterest, schemas.ReasonIdentified)
	m.merges.WithLabelValues("sent")
	m.merges.WithLabelValues("received")
	for name := range interestKinds(Weights{}) {
		m.events[name] = events.WithLabelValues(name)
	}
	m.rewritten = make(map[schemas.Rewrites]prometheus.Counter)
	for _, k := range schemas.RewriteKinds() {
		m.rewritten[k] = rewritten.WithLabelValues(k.String())
	}
	m.envelopes = map[schemas.Envelope]prometheus.Counter{
		schemas.SegmentBatch:   envelopes.WithLabelValues(string(schemas.SegmentBatch)),
		schemas.RudderEnvelope: envelopes.WithLabelValues(string(schemas.RudderEnvelope)),
	}
	// Error counters exist from the start, so an alert on their rate sees 0 before the first one.
	for _, kind := range []schemas.FailureKind{schemas.MalformedJSON, schemas.SchemaViolation, schemas.MissingUser,
		schemas.TimestampOutOfRange, schemas.TooLarge, schemas.UnsupportedEvent, schemas.LateEvent, schemas.InvalidUTF8} {
		m.failures.WithLabelValues(string(kind))
	}
	return m, nil
}

// rewrote counts one event by each kind of rewrite in rw.
func (m *metrics) rewrote(rw schemas.Rewrites) {
	if rw == 0 {
		return
	}
	for k, c := range m.rewritten {
		if rw.Has(k) {
			c.Inc()
		}
	}
}

// resolve returns the counters of vec for each label value.
func resolve(vec *prometheus.CounterVec, values ...string) map[string]prometheus.Counter {
	m := make(map[string]prometheus.Counter, len(values))
	for _, v := range values {
		m[v] = vec.WithLabelValues(v)
	}
	return m
}

// event counts one decoded event by its name.
func (m *metrics) event(name string) {
	c, ok := m.events[name]
	if !ok {
		c = m.events[otherEvent]
	}
	c.Inc()
}

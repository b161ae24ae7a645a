package main

import (
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
)

// buildInfo is adshift_build_info{version,goversion} 1, the series dashboards join on to show
// which build runs where.
func buildInfo() prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "adshift_build_info",
		Help:        "Always 1; its labels name the running build.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	}, func() float64 { return 1 })
}

// lintClean serves a gatherer's families with promtool's naming rules applied to those adshift
// does not name itself: franz-go's kprom names two gauges *_records_total, served here without
// the _total that only counters may carry.
type lintClean struct{ prometheus.Gatherer }

func (g lintClean) Gather() ([]*dto.MetricFamily, error) {
	mfs, err := g.Gatherer.Gather()
	for _, mf := range mfs {
		if mf.GetType() != dto.MetricType_COUNTER && strings.HasSuffix(mf.GetName(), "_total") {
			name := strings.TrimSuffix(mf.GetName(), "_total")
			mf.Name = &name
		}
	}
	slices.SortFunc(mfs, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return mfs, err
}

// adLatency wraps the creatives stage's emitter so that every ad acknowledged on the ads topic
// observes the time since the clickstream event behind it (the ad's created_at).
func (a *app) adLatency(out pipeline.Emitter) (pipeline.Emitter, error) {
	return sinkkafka.NewLatencyEmitter(out, a.cfg.Topics.Ads.Name, func(r pipeline.Record) (time.Time, bool) {
		ad, err := schemas.DecodeAd(r.Value)
		if err != nil || ad.CreatedAt.IsZero() {
			return time.Time{}, false
		}
		return ad.CreatedAt, true
	}, a.reg)
}

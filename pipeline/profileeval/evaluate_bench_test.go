package profileeval

import (
	"context"
	"testing"

	"github.com/adshift/adshift/pipeline/features"
)

// BenchmarkEvaluate scores the REES46 sample on a 70% split with every baseline and the
// default 1000 bootstrap resamples: what one `profile-eval --train-share 0.7` costs.
func BenchmarkEvaluate(b *testing.B) {
	events := read(b, "rees46", rees46)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate(context.Background(), features.DefaultConfig(), events, Options{Confirm: 5, TrainShare: 0.7}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}

package features

import (
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/rekey"
)

// BenchmarkRekeyRatio is what the rekey stage costs per event over what the features stage
// costs, both in process on the same REES46 events (records with no key, so every one is keyed
// anew), timed in turn in one run (the target is 0.5 or less). The broker's extra write and read
// of every event are not in it.
func BenchmarkRekeyRatio(b *testing.B) {
	values, _ := readRees46(b, 17434)
	batches := recordsOf(values, 0, 500)
	rk, err := rekey.New(rekey.Config{KeyFrom: rekey.KeyFromUser}, pipeline.DefaultTopics(), pipelinetest.Discard{}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var took [2]time.Duration
	for b.Loop() {
		b.StopTimer()
		p := benchProcessor(b)
		rp, err := rk.Open(b.Context(), "clickstream", 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i, proc := range []pipeline.Processor{p, rp} {
			start := time.Now()
			for _, batch := range batches {
				if err := proc.Process(b.Context(), batch); err != nil {
					b.Fatal(err)
				}
			}
			took[i] += time.Since(start)
		}
	}
	b.ReportMetric(took[1].Seconds()/took[0].Seconds(), "rekey/features")
}

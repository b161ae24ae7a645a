package creatives

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
)

// A shift the features stage wrote before it applied a deletion request becomes no ad once the
// shopper is forgotten; another shopper's shift gets its ad as ever.
func TestStageMakesNoAdForAForgottenShopper(t *testing.T) {
	f := pipeline.NewForgotten()
	f.Add("gone")
	out := &pipelinetest.Emitter{}
	s, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), creative.NewTemplate(creative.Guard{}),
		mustAssigner(t, strategy.Config{Salt: "test", Experiment: "exp"}), out, nil, prometheus.NewRegistry(), WithForgotten(f))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "adshift.shifts", 2)
	if err != nil {
		t.Fatal(err)
	}
	batch := []pipeline.Record{
		shiftRecord(t, 10, "gone", 1, "electronics.audio.headphone", "sony", ""),
		shiftRecord(t, 11, "kept", 1, "electronics.audio.headphone", "sony", ""),
	}
	if err := p.Process(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, rs := range out.Acked {
		for _, ad := range adList(t, rs) {
			users = append(users, ad.User)
		}
	}
	if len(users) != 1 || users[0] != "kept" {
		t.Fatalf("ads for %v, want for kept only", users)
	}
	if n := count(s, resultForgotten); n != 1 {
		t.Errorf("forgotten = %v, want 1", n)
	}
}

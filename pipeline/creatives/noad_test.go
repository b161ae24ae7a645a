package creatives

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

// failingGenerator writes no copy, as a generator whose fallback failed too.
type failingGenerator struct{}

func (failingGenerator) Generate(context.Context, creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	return schemas.Creative{}, schemas.GeneratorInfo{}, errors.New("model down and template refused")
}

// Shifts whose copy could not be written are warned about as shifts without an ad: at once, then
// once a minute with how many went the same way and the fix, never once per shift.
func TestStageSaysWhyShiftsGetNoCopy(t *testing.T) {
	var logs bytes.Buffer
	now := t0
	s, err := New(Config{}, pipeline.DefaultTopics(), testCatalog(), failingGenerator{}, mustAssigner(t, strategy.Config{Salt: "test"}),
		&pipelinetest.Emitter{}, slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry(), withClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(context.Background(), "adshift.shifts", 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, user := range []string{"u1", "u2", "u3"} {
		if err := p.Process(context.Background(), []pipeline.Record{record(t, int64(i+1), rankShift(user, "appliances.kitchen.kettle"))}); err != nil {
			t.Fatal(err)
		}
	}
	warnings := func() int { return strings.Count(logs.String(), "shifts get no ad: the generator wrote no copy") }
	if n := warnings(); n != 1 || !strings.Contains(logs.String(), "hint=") || !strings.Contains(logs.String(), "model down") {
		t.Errorf("%d warnings for 3 shifts within a minute, want 1 with the error and a hint:\n%s", n, logs.String())
	}
	now = now.Add(time.Minute)
	if err := p.Process(context.Background(), []pipeline.Record{record(t, 4, rankShift("u4", "appliances.kitchen.kettle"))}); err != nil {
		t.Fatal(err)
	}
	if n := warnings(); n != 2 || !strings.Contains(logs.String(), "shifts=3") {
		t.Errorf("after a minute, want a second warning counting the 3 shifts since the first:\n%s", logs.String())
	}
	if got := count(s, resultGenerateError); got != 4 {
		t.Errorf("shifts_total{result=generate_error} = %v, want 4", got)
	}
}

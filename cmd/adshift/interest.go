package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/schemas"
)

// progressEvery is how many events pass between progress lines.
const progressEvery = 1 << 20

// learnInterest trains the interest model on the interest events of events (in event-time
// order) up to until (zero: all of them), writing a progress line to progress now and then.
func learnInterest(ctx context.Context, events []schemas.Event, until time.Time, progress io.Writer) (*interest.Model, error) {
	tr, err := interest.NewTrainer(interest.DefaultConfig())
	if err != nil {
		return nil, err
	}
	in := features.NewInterest()
	n := 0
	for i := range events {
		ev := &events[i]
		if !until.IsZero() && ev.Timestamp.After(until) {
			break
		}
		cat := in.Category(ev)
		if cat == "" {
			continue
		}
		tr.Add(ev.User(), cat, ev.Timestamp)
		if n++; n%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train: %w", err)
			}
			fmt.Fprintf(progress, "train: %d interest events learned, %d of %d events read, up to %s\n",
				n, i+1, len(events), ev.Timestamp.Format(time.RFC3339))
		}
	}
	return tr.Model(), nil
}

// readInterest reads the interest model file at path.
func readInterest(path string) (*interest.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("interest model: %w", err)
	}
	defer f.Close()
	m, err := interest.Read(f)
	if err != nil {
		return nil, fmt.Errorf("interest model %s: %w", path, err)
	}
	return m, nil
}

// evalModel is m as profile-eval scores it: never on events at or before the last it learned.
func evalModel(m *interest.Model) profileeval.Model {
	return profileeval.Model{Ranker: ranker{m}, Until: m.Card().Until, Version: m.Version(), Interest: m}
}

// ranker is an interest model seen through profile-eval's Ranker seam.
type ranker struct{ m *interest.Model }

func (r ranker) Rank(recent []string, k int, exclude func(string) bool) []profileeval.Scored {
	got := r.m.Rank(recent, k, exclude)
	out := make([]profileeval.Scored, len(got))
	for i, s := range got {
		out[i] = profileeval.Scored{Category: s.Category, Score: s.Score}
	}
	return out
}

// interestModel reads the model file features.model names, logging what it loaded; nil when
// none is configured.
func (a *app) interestModel() (*interest.Model, error) {
	path := a.cfg.Features.Model
	if path == "" {
		return nil, nil
	}
	m, err := readInterest(path)
	if err != nil {
		return nil, fmt.Errorf("features.model: %w", err)
	}
	c := m.Card()
	a.log.Info("interest model loaded", "path", path, "version", m.Version(), "categories", m.Vocabulary(),
		"trained_on_events", c.Events, "data_from", c.From, "data_until", c.Until)
	return m, nil
}

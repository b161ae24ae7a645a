package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/schemas"
)

// progressEvery is how many events pass between progress lines.
const progressEvery = 1 << 20

// learner trains the interest model on events in event-time order, over as many calls as its
// caller needs (adshift train scores a holdout between two), and times the learning alone.
type learner struct {
	tr       *interest.Trainer
	in       features.Interest
	progress io.Writer
	learned  int           // interest events learned
	read     int           // events read
	took     time.Duration // spent learning and taking models
}

// newLearner returns a learner whose model carries groups, the categories of products without
// one (nil: the events' categories alone).
func newLearner(progress io.Writer, groups *interest.Groups) (*learner, error) {
	tr, err := interest.NewTrainer(interest.DefaultConfig(), interest.WithGroups(groups))
	if err != nil {
		return nil, err
	}
	return &learner{tr: tr, in: features.NewInterest().WithGroups(groups), progress: progress}, nil
}

// learn learns from the interest events of events, which come after every event learned from
// before, writing a progress line to progress now and then.
func (l *learner) learn(ctx context.Context, events []schemas.Event) error {
	start := time.Now()
	defer func() { l.took += time.Since(start) }()
	for i := range events {
		ev := &events[i]
		l.read++
		took := false
		l.in.Categories(ev, func(cat string) {
			l.tr.Add(ev.User(), cat, ev.Timestamp)
			took = true
		})
		if !took {
			continue
		}
		if l.learned++; l.learned%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("train: %w", err)
			}
			fmt.Fprintf(l.progress, "train: %d interest events learned of %d events read, up to %s\n",
				l.learned, l.read, ev.Timestamp.Format(time.RFC3339))
		}
	}
	return nil
}

// model is what has been learned so far.
func (l *learner) model() *interest.Model {
	start := time.Now()
	m := l.tr.Model()
	l.took += time.Since(start)
	return m
}

// card is m's card with the time spent learning: not the trainer's since it started, which
// would count a holdout's scoring too.
func (l *learner) card(m *interest.Model) interest.Card {
	c := m.Card()
	c.TrainedIn, c.EventsPerSecond = l.took, 0
	if l.took > 0 {
		c.EventsPerSecond = float64(c.Events) / l.took.Seconds()
	}
	return c
}

// learnInterest trains the interest model on the interest events of events (in event-time
// order), reading products without a category as their group in groups (nil: none), writing a
// progress line to progress now and then.
func learnInterest(ctx context.Context, events []schemas.Event, groups *interest.Groups, progress io.Writer) (*interest.Model, error) {
	l, err := newLearner(progress, groups)
	if err != nil {
		return nil, err
	}
	if err := l.learn(ctx, events); err != nil {
		return nil, err
	}
	return l.model(), nil
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

// placeInGroups gives the catalogue's products without a category the interest group of the
// model features.model names (catalog.PlaceInGroups): a shop without a category tree is
// advertised from the groups its model learned. Without such a model, a catalogue with no
// category at all is an error saying how to get one.
func (a *app) placeInGroups(products []schemas.Product) ([]schemas.Product, error) {
	missing := 0
	for _, p := range products {
		if catalog.NormCategory(p.Category) == "" {
			missing++
		}
	}
	if missing == 0 {
		return products, nil
	}
	path := a.cfg.Features.Model
	var g *interest.Groups
	if path != "" {
		m, err := readInterest(path)
		if err != nil {
			return nil, fmt.Errorf("features.model: %w", err)
		}
		g = m.Groups()
	}
	if g == nil {
		if missing < len(products) {
			a.log.Warn("catalog products without a category are left out", "products", missing)
			return products, nil
		}
		return nil, fmt.Errorf("catalog %s: none of its %d products has a category: train an interest model on the shop's events "+
			"(adshift train --format F --file F --out FILE learns interest groups from titles and baskets) and set features.model to it%s",
			a.cfg.Catalog.Path, len(products), noGroupsNote(path))
	}
	out, placed, unplaced := catalog.PlaceInGroups(products, g)
	a.log.Info("catalog products placed in interest groups", "model", path, "groups", g.Len(), "placed", placed, "unplaced", unplaced)
	return out, nil
}

func noGroupsNote(path string) string {
	if path == "" {
		return ""
	}
	return " (" + path + " has no interest groups: it was trained on events with categories)"
}

package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/schemas"
)

// sessionGap ends a shopper's session of single-product events (views, cart adds) for the
// baskets groups are learned from, as the features stage's default session does.
const sessionGap = 30 * time.Minute

// uncategorised reports whether events need interest groups: no interest event among them
// names a category.
func uncategorised(events []schemas.Event) bool {
	in := features.NewInterest()
	for i := range events {
		named := false
		in.Categories(&events[i], func(string) { named = true })
		if named {
			return false
		}
	}
	return true
}

// learnGroups learns the interest groups of the products of events (in event-time order):
// the products of one order, list or checkout are a basket, and so are a shopper's
// single-product events until a gap of sessionGap. It writes what it learned to progress.
func learnGroups(events []schemas.Event, count int, progress io.Writer) (*interest.Groups, error) {
	l := interest.NewGroupLearner()
	type session struct {
		items []interest.Item
		last  time.Time
	}
	open := make(map[string]*session)
	for i := range events {
		ev := &events[i]
		items := eventItems(ev)
		switch {
		case len(items) == 0:
		case len(items) > 1:
			l.AddBasket(items)
		default:
			s := open[ev.User()]
			if s == nil {
				s = &session{}
				open[ev.User()] = s
			} else if ev.Timestamp.Sub(s.last) > sessionGap {
				l.AddBasket(s.items)
				s.items = nil
			}
			s.items, s.last = append(s.items, items...), ev.Timestamp
		}
	}
	for _, user := range slices.Sorted(maps.Keys(open)) {
		l.AddBasket(open[user].items)
	}
	cfg := interest.DefaultGroupConfig()
	cfg.Groups = count
	g, err := l.Groups(cfg)
	if err != nil {
		return nil, err
	}
	names := g.Names()
	fmt.Fprintf(progress, "interest groups: %d groups of %d products, for events without categories: %s\n",
		len(names), g.Products(), strings.Join(names[:min(len(names), 12)], ", "))
	return g, nil
}

// eventItems are the products an interest event names, with their titles; none for ad outcomes
// and refunds.
func eventItems(ev *schemas.Event) []interest.Item {
	switch {
	case ev.Type != schemas.TypeTrack:
		return nil
	case ev.Event == schemas.PromotionViewed, ev.Event == schemas.PromotionClicked, ev.Event == schemas.OrderRefunded:
		// An ad outcome says nothing of what goes together, and a refund takes a purchase back.
		return nil
	}
	var items []interest.Item
	if p := ev.Properties; p.ProductID != "" {
		items = append(items, interest.Item{ID: p.ProductID, Title: p.Name})
	}
	for _, it := range ev.Properties.Products {
		if it.ProductID != "" {
			items = append(items, interest.Item{ID: it.ProductID, Title: it.Name})
		}
	}
	return items
}

// groupsFor learns count groups (0: by the product count) from the events of learn when events
// need them (uncategorised), and gives every product of events without a category its group
// (features.FillGroups); nil groups when the events have categories.
func groupsFor(events, learn []schemas.Event, count int, progress io.Writer) (*interest.Groups, error) {
	if !uncategorised(events) {
		return nil, nil
	}
	g, err := learnGroups(learn, count, progress)
	if err != nil {
		return nil, err
	}
	for i := range events {
		features.FillGroups(&events[i], g)
	}
	return g, nil
}

// What profile-eval scores for events without categories.
const (
	byGroup   = "group"
	byProduct = "product"
)

// evalCategories gives the events of a dataset without categories the categories profile-eval
// scores (events with categories come back as they are): by group, the interest groups of the
// model file modelFile when given, else learned from the first share of the events by event
// time (the training span, so no scored event shapes them), else from all of them; by product,
// each product's id. Each order then becomes one event per category it buys.
func evalCategories(events []schemas.Event, by, modelFile string, share float64, progress io.Writer) ([]schemas.Event, error) {
	if by != byGroup && by != byProduct {
		return nil, fmt.Errorf("profile-eval: --by %q: want %s or %s", by, byGroup, byProduct)
	}
	if !uncategorised(events) {
		return events, nil
	}
	switch {
	case by == byProduct:
		for i := range events {
			byProductID(&events[i])
		}
	case modelFile != "":
		m, err := readInterest(modelFile)
		if err != nil {
			return nil, err
		}
		if m.Groups() == nil {
			return nil, fmt.Errorf("profile-eval: the events name no category and %s has no interest groups", modelFile)
		}
		for i := range events {
			features.FillGroups(&events[i], m.Groups())
		}
	default:
		learn := events
		if share > 0 {
			learn = events[:int(share*float64(len(events)))]
		}
		if _, err := groupsFor(events, learn, 0, progress); err != nil {
			return nil, fmt.Errorf("profile-eval: %w", err)
		}
	}
	return perCategory(events), nil
}

// byProductID makes each product of ev its own category.
func byProductID(ev *schemas.Event) {
	if ev.Properties.ProductID != "" {
		ev.Properties.Category = ev.Properties.ProductID
	}
	for i := range ev.Properties.Products {
		ev.Properties.Products[i].Category = ev.Properties.Products[i].ProductID
	}
}

// perCategory splits every event whose products are in several categories into one event per
// category, in the order the products first name them, each with that category's products and
// the event's time, and a message id of its own.
func perCategory(events []schemas.Event) []schemas.Event {
	out := make([]schemas.Event, 0, len(events))
	for _, ev := range events {
		var cats []string
		for _, it := range ev.Properties.Products {
			if it.Category != "" && !slices.Contains(cats, it.Category) {
				cats = append(cats, it.Category)
			}
		}
		if len(cats) < 2 || ev.Properties.Category != "" {
			out = append(out, ev)
			continue
		}
		for k, c := range cats {
			part := ev
			part.MessageID = fmt.Sprintf("%s#%d", ev.MessageID, k)
			part.Properties.Products = nil
			for _, it := range ev.Properties.Products {
				if it.Category == c {
					part.Properties.Products = append(part.Properties.Products, it)
				}
			}
			out = append(out, part)
		}
	}
	return out
}

package catalog_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// agreement is how the products chosen at shifts compare with what the shoppers viewed next.
type agreement struct {
	name    string
	shifts  int // shifts followed by a view of the same shopper
	chosen  int // of those, shifts that got a product
	matched int // of those, products of the next viewed category
	recent  map[string][]string
}

func (a *agreement) String() string {
	return fmt.Sprintf("%-22s shifts %d, with a product %d, of the next-viewed category %d: %.3f of shifts, %.3f of products",
		a.name, a.shifts, a.chosen, a.matched, float64(a.matched)/float64(max(a.shifts, 1)), float64(a.matched)/float64(max(a.chosen, 1)))
}

// add counts a shift and the product chosen for it, remembered as the stage's last 5.
func (a *agreement) add(user string, p schemas.Product, ok bool, next []string) {
	a.shifts++
	if !ok {
		return
	}
	a.chosen++
	if slices.Equal(catalog.PathLevels(p.Category), next) {
		a.matched++
	}
	a.recent[user] = append(a.recent[user], p.ID)
	if n := len(a.recent[user]); n > 5 {
		a.recent[user] = a.recent[user][n-5:]
	}
}

// TestRankAgreesWithTheNextView replays REES46 with its own catalogue through the features
// stage and, at every shift of the last 30% of the events by time, compares three choices
// with the category the shopper viewed next: Pick (the top category's product, as before),
// the ranking over the profile's categories (no interest model), and the ranking over an
// interest model's prediction, the model trained on the first 70% and fed the shopper's
// interest events up to the shift, as the features stage predicts. Each remembers the
// shopper's last 5 products as the stage does. The figures are printed:
//
//	go test -count=1 -v -run TestRankAgreesWithTheNextView ./pipeline/catalog/
//
// Without a model the ranking must cover at least the shifts Pick covers; the figures
// themselves are the measurement, not a threshold.
func TestRankAgreesWithTheNextView(t *testing.T) {
	for _, file := range []string{
		filepath.Join("..", "..", "..", "shared", "data", "rees46", "2019-Oct_head17434.csv"),
		filepath.Join("..", "..", "data", "sample", "rees46-sample.csv"),
	} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			events, _, err := dataset.ReadAll(dataset.FormatREES46, file)
			if err != nil {
				t.Fatal(err)
			}
			products, _, err := dataset.LoadCatalog(dataset.FormatREES46, file)
			if err != nil {
				t.Fatal(err)
			}
			cat := catalog.NewCatalog(products)
			ranker := catalog.NewRanker(cat, catalog.RankConfig{})

			// The model learns from the first 70% of the events; only later shifts are scored.
			split := events[len(events)*7/10].Timestamp
			tr, err := interest.NewTrainer(interest.DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			in := features.NewInterest()
			type seen struct {
				at       time.Time
				category string
			}
			history := map[string][]seen{} // per shopper, interest events in time order
			views := map[string][]schemas.Event{}
			for i := range events {
				ev := &events[i]
				if c := in.Category(ev); c != "" {
					history[ev.User()] = append(history[ev.User()], seen{ev.Timestamp, c})
					if ev.Timestamp.Before(split) {
						tr.Add(ev.User(), c, ev.Timestamp)
					}
				}
				if ev.Event == schemas.ProductViewed && ev.Properties.Category != "" {
					views[ev.User()] = append(views[ev.User()], *ev)
				}
			}
			model := tr.Model()

			pick := &agreement{name: "Pick (before)", recent: map[string][]string{}}
			profile := &agreement{name: "Rank, profile", recent: map[string][]string{}}
			predicted := &agreement{name: "Rank, interest model", recent: map[string][]string{}}
			err = runner.Shifts(t.Context(), runner.Config{Features: features.DefaultConfig()}, events, func(sh schemas.Shift) {
				if sh.EventTime.Before(split) {
					return
				}
				vs := views[sh.User]
				i := slices.IndexFunc(vs, func(ev schemas.Event) bool { return ev.Timestamp.After(sh.EventTime) })
				if i < 0 {
					return
				}
				next := catalog.PathLevels(vs[i].Properties.Category)

				p, ok := cat.Pick(sh.Summary, pick.recent[sh.User])
				pick.add(sh.User, p, ok, next)
				c, err := ranker.Rank(&sh, profile.recent[sh.User])
				profile.add(sh.User, c.Product, err == nil, next)

				var recent []string
				for _, s := range history[sh.User] {
					if s.at.After(sh.EventTime) {
						break
					}
					recent = append(recent, s.category)
				}
				withModel := sh
				withModel.InterestModel = model.Version()
				for _, s := range model.Rank(recent, 5, nil) {
					withModel.Predicted = append(withModel.Predicted, schemas.Weighted{Name: s.Category, Weight: s.Score})
				}
				c, err = ranker.Rank(&withModel, predicted.recent[sh.User])
				predicted.add(sh.User, c.Product, err == nil, next)
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range []*agreement{pick, profile, predicted} {
				t.Logf("%s, %d products: %v", filepath.Base(file), cat.Len(), a)
			}
			if pick.shifts < 50 {
				t.Fatalf("only %d scored shifts followed by a view", pick.shifts)
			}
			if profile.chosen < pick.chosen {
				t.Errorf("the ranking gave %d shifts a product, Pick %d", profile.chosen, pick.chosen)
			}
		})
	}
}

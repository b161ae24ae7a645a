package features

import (
	"slices"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

const (
	first    = schemas.ReasonFirstProfile
	escalate = schemas.ReasonIntentEscalation
	newInt   = schemas.ReasonNewInterest
)

// views returns views by u of category at each of the given minutes.
func views(u, category string, minutes ...int) [][]byte {
	out := make([][]byte, len(minutes))
	for i, m := range minutes {
		out[i] = view(u, time.Duration(m)*time.Minute, category)
	}
	return out
}

func TestShiftRules(t *testing.T) {
	const u = "u1"
	tests := []struct {
		name   string
		cfg    func(*Config)
		events [][]byte
		want   []string // reasons, in order
	}{{
		name:   "fewer than min_events: no profile",
		events: views(u, "a", 0, 1),
		want:   nil,
	}, {
		name:   "min_events reached: first profile, once",
		events: views(u, "a", 0, 1, 2, 3, 4),
		want:   []string{first},
	}, {
		name:   "min_events is configurable",
		cfg:    func(c *Config) { c.MinEvents = 5 },
		events: views(u, "a", 0, 1, 2, 3),
		want:   nil,
	}, {
		name: "searches count towards min_events",
		events: append(views(u, "a", 0, 1),
			track(u, schemas.ProductsSearched, 2*time.Minute, schemas.Properties{Query: "headphones"})),
		want: []string{first},
	}, {
		name: "cart add into a new category escalates, inside the cooldown too",
		events: slices.Concat(views(u, "a", 0, 1, 2), [][]byte{
			add(u, 3*time.Minute, "a"),
			add(u, 4*time.Minute, "a"), // same category: no news
			add(u, 5*time.Minute, "b"),
		}),
		want: []string{first, escalate, escalate},
	}, {
		name: "cart adds before the first profile do not escalate later",
		events: slices.Concat([][]byte{add(u, 0, "a")}, views(u, "a", 1, 2), [][]byte{
			add(u, 3*time.Minute, "a"),
		}),
		want: []string{first},
	}, {
		name:   "new interest waits for the cooldown",
		events: slices.Concat(views(u, "a", 0, 1, 2), views(u, "b", 3, 4, 5, 6, 7, 8, 9, 10, 11)),
		want:   []string{first},
	}, {
		name:   "new interest after the cooldown",
		events: slices.Concat(views(u, "a", 0, 1, 2), views(u, "b", 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
		want:   []string{first, newInt},
	}, {
		name:   "a shorter cooldown fires sooner",
		cfg:    func(c *Config) { c.Cooldown = time.Minute },
		events: slices.Concat(views(u, "a", 0, 1, 2), views(u, "b", 3, 4, 5, 6, 7, 8)),
		want:   []string{first, newInt},
	}, {
		name:   "a side glance stays below the threshold",
		events: slices.Concat(views(u, "a", 0, 1, 2, 20), views(u, "b", 21, 22)),
		want:   []string{first},
	}, {
		name:   "a lower threshold counts the side glance",
		cfg:    func(c *Config) { c.ShiftThreshold = 0.1 },
		events: slices.Concat(views(u, "a", 0, 1, 2, 20), views(u, "b", 21, 22)),
		want:   []string{first, newInt},
	}, {
		name:   "after a shift the new mix is the reference",
		events: slices.Concat(views(u, "a", 0, 1, 2), views(u, "b", 13, 14, 15, 16, 17, 18, 30, 40, 50)),
		want:   []string{first, newInt},
	}, {
		name: "a third interest is new again",
		events: slices.Concat(views(u, "a", 0, 1, 2), views(u, "b", 13, 14, 15, 16, 17, 18),
			views(u, "c", 40, 41, 42, 43, 44, 45)),
		want: []string{first, newInt, newInt},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			h := newHarness(t, cfg)
			h.process(tc.events...)
			var got []string
			for i, s := range h.out.shifts(t) {
				got = append(got, s.Reason)
				if s.ProfileVersion != uint64(i+1) {
					t.Errorf("shift %d has profile version %d, want %d", i, s.ProfileVersion, i+1)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("shifts = %q, want %q", got, tc.want)
			}
			if n := h.counter("adshift_features_shifts_total", "reason", newInt); int(n) != count(tc.want, newInt) {
				t.Errorf("new_interest counter = %v, want %d", n, count(tc.want, newInt))
			}
		})
	}
}

func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// A shift carries what a writer needs: the user, the event time, the distance that fired it and
// the summary of the profile at that moment.
func TestShiftContent(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.process(slices.Concat(
		views("u1", "electronics.audio.headphone", 0, 1, 2),
		views("u1", "books.fiction", 13),
		[][]byte{track("u1", schemas.ProductAdded, 14*time.Minute, schemas.Properties{
			ProductID: "b-7", Category: "books.fiction", Brand: "penguin", Price: 12.5, Currency: "USD",
		})},
	)...)
	shifts := h.out.shifts(t)
	if len(shifts) != 2 {
		t.Fatalf("got %d shifts, want first_profile and intent_escalation: %+v", len(shifts), shifts)
	}
	fp, esc := shifts[0], shifts[1]
	if fp.User != "u1" || !fp.EventTime.Equal(t0.Add(2*time.Minute)) || fp.Distance != 1 {
		t.Errorf("first profile = %+v, want u1 at +2m, distance 1 from nothing", fp)
	}
	if got := fp.Summary.Categories; len(got) != 1 || got[0] != (schemas.Weighted{Name: "electronics.audio.headphone", Weight: 1}) {
		t.Errorf("first profile categories = %+v, want the headphone leaf alone", got)
	}
	if esc.Reason != escalate || !esc.EventTime.Equal(t0.Add(14*time.Minute)) || esc.Distance <= 0.5 {
		t.Errorf("escalation = %+v, want at +14m, far from the headphone mix", esc)
	}
	s := esc.Summary
	if len(s.Categories) != 2 || s.Categories[0].Name != "books.fiction" {
		t.Errorf("escalation categories = %+v, want books.fiction first", s.Categories)
	}
	if len(s.Brands) != 1 || s.Brands[0] != (schemas.Weighted{Name: "penguin", Weight: 1}) {
		t.Errorf("brands = %+v, want penguin alone", s.Brands)
	}
	if s.IntentStage != "cart" || s.PriceBand != (schemas.PriceBand{Min: 12.5, Max: 12.5, Currency: "USD"}) {
		t.Errorf("intent %q, band %+v; want cart, 12.5 USD", s.IntentStage, s.PriceBand)
	}
}

// Shoppers are independent: one's shift does not depend on another's events.
func TestShiftPerUser(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.process(view("u1", 0, "a"), view("u2", 0, "b"), view("u1", time.Minute, "a"), view("u2", time.Minute, "b"), view("u1", 2*time.Minute, "a"))
	shifts := h.out.shifts(t)
	if len(shifts) != 1 || shifts[0].User != "u1" {
		t.Errorf("shifts = %+v, want u1's first profile only", shifts)
	}
}

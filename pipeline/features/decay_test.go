package features

import (
	"math"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

func TestDecay(t *testing.T) {
	f := func(age, halfLife time.Duration, want float64) {
		t.Helper()
		if got := decay(age, halfLife); math.Abs(got-want) > 1e-12 {
			t.Errorf("decay(%v, %v) = %v, want %v", age, halfLife, got, want)
		}
	}
	f(0, 30*time.Minute, 1)
	f(30*time.Minute, 30*time.Minute, 0.5)
	f(time.Hour, 30*time.Minute, 0.25)
	f(15*time.Minute, 30*time.Minute, 1/math.Sqrt2)
	f(-30*time.Minute, 30*time.Minute, 2)
}

// A category's weight halves after one half-life of event time, however much wall time passes.
func TestProfileWeightHalvesAfterOneHalfLife(t *testing.T) {
	const halfLife = 30 * time.Minute
	w := DefaultConfig().Weights
	kinds := interestKinds(w)
	p := new(profile)
	apply := func(at time.Duration, name, category string) {
		ev := schemas.Event{Type: "track", Event: name, Timestamp: t0.Add(at), Properties: schemas.Properties{Category: category}}
		p.apply(&ev, kinds[name], halfLife)
	}
	apply(0, schemas.ProductAdded, "electronics.audio.headphone")
	apply(halfLife, schemas.ProductViewed, "books")

	if got, want := p.categoryWeight("electronics.audio.headphone"), w.Add/2; math.Abs(got-want) > 1e-12 {
		t.Errorf("headphone weight after one half-life = %v, want %v", got, want)
	}
	if got, want := p.categoryWeight("books"), w.View; got != want {
		t.Errorf("books weight = %v, want %v undecayed", got, want)
	}
	apply(3*halfLife, schemas.ProductViewed, "books")
	if got, want := p.categoryWeight("electronics.audio.headphone"), w.Add/8; math.Abs(got-want) > 1e-12 {
		t.Errorf("headphone weight after three half-lives = %v, want %v", got, want)
	}
}

// categoryWeight returns the weight of a category path at any level.
func (p *profile) categoryWeight(path string) float64 {
	for _, c := range p.cats {
		if c.path == path {
			return c.all
		}
	}
	return 0
}

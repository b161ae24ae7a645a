package interest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// The card's span is that of the events trained on, whatever their order, and its weights are
// the ranker's.
func TestCardSpanAndWeights(t *testing.T) {
	tr, err := NewTrainer(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2017, 11, 25, 9, 0, 0, 0, time.UTC)
	tr.Add("u1", "books", first.Add(time.Hour))
	tr.Add("u1", "toys", first.Add(2*time.Hour))
	tr.Add("u2", "books", first) // earlier than the ones before it
	tr.Add("u2", "toys", first.Add(30*time.Minute))
	tr.Add("u1", "books", first.Add(3*time.Hour))
	m := tr.Model()
	c := m.Card()
	if !c.From.Equal(first) || !c.Until.Equal(first.Add(3*time.Hour)) {
		t.Errorf("span %v to %v, want %v to %v", c.From, c.Until, first, first.Add(3*time.Hour))
	}
	if c.Events != 5 {
		t.Errorf("%d events, want 5", c.Events)
	}
	nonzero := 0
	for d, n := range featureNames() {
		if c.Weights[n] != m.w[d] || c.MoveWeights[n] != m.wMove[d] {
			t.Errorf("%s: card weights %v and %v, the ranker's %v and %v", n, c.Weights[n], c.MoveWeights[n], m.w[d], m.wMove[d])
		}
		if m.w[d] != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("training moved no weight")
	}
}

// A model file whose settings could not have trained a model is refused, even with a good
// checksum.
func TestReadRefusesAnInvalidConfig(t *testing.T) {
	tr, err := NewTrainer(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	tr.Add("u1", "books", time.Date(2017, 11, 25, 9, 0, 0, 0, time.UTC))
	m := tr.Model()
	m.cfg.SuccessorSlots = m.cfg.Successors - 1
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	_, err = Read(&buf)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "successor_slots") {
		t.Errorf("error %v, want ErrCorrupt naming successor_slots", err)
	}
}

// A model file whose groups are damaged (a product in a group that does not exist, products out
// of order) is refused, even with a good checksum.
func TestReadRefusesDamagedGroups(t *testing.T) {
	for name, damage := range map[string]func(g *Groups){
		"product in no group":   func(g *Groups) { g.group[0] = uint32(len(g.names)) },
		"products out of order": func(g *Groups) { g.products[0], g.products[1] = g.products[1], g.products[0] },
		"centre words out of order": func(g *Groups) {
			for _, c := range g.centres {
				if len(c) > 1 {
					c[0], c[1] = c[1], c[0]
					return
				}
			}
			panic("no centre of two words")
		},
	} {
		gl := NewGroupLearner()
		gl.AddBasket([]Item{{"85123A", "WHITE HANGING HEART T-LIGHT HOLDER"}, {"71053", "WHITE METAL LANTERN"}, {"22633", "HAND WARMER UNION JACK"}})
		gl.AddBasket([]Item{{"22632", "HAND WARMER RED POLKA DOT"}, {"21754", "HOME BUILDING BLOCK WORD"}})
		groups, err := gl.Groups(GroupConfig{Groups: 2, CoPurchase: 0.5, Iterations: 10})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(DefaultConfig(), WithGroups(groups))
		if err != nil {
			t.Fatal(err)
		}
		tr.Add("u1", "books", time.Date(2017, 11, 25, 9, 0, 0, 0, time.UTC))
		m := tr.Model()
		var good bytes.Buffer
		if err := Write(&good, m); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(&good); err != nil {
			t.Fatalf("undamaged: %v", err)
		}
		damage(m.groups)
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(&buf); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v, want ErrCorrupt", name, err)
		}
	}
}

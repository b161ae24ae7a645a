package interest

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// A shopper's state holds the documented 8 distinct categories: the ninth pushes out the one
// seen longest ago, and a restore stops at 8.
func TestStateHoldsEightCategories(t *testing.T) {
	var s State
	for id := uint32(1); id <= 9; id++ {
		s.Observe(id, 0.5)
	}
	if s.Len() != 8 {
		t.Fatalf("len %d after 9 distinct categories, want 8", s.Len())
	}
	if id, _, _ := s.Entry(7); id != 2 {
		t.Errorf("least recent %d, want 2 (1 was pushed out)", id)
	}
	var r State
	for id := uint32(1); id <= 8; id++ {
		if !r.Append(id, 1, 1) {
			t.Fatalf("append %d refused below 8 entries", id)
		}
	}
	if r.Append(9, 1, 1) {
		t.Error("a ninth entry was appended")
	}
}

// An event on a category already held moves it to the front with one more event and a decayed
// count of decay·old + 1; the counts of the others decay.
func TestStateObserveCounts(t *testing.T) {
	var s State
	s.Observe(7, 0.5)
	s.Observe(3, 0.5)
	s.Observe(7, 0.5)
	id, d, c := s.Entry(0)
	if id != 7 || c != 2 || math.Abs(float64(d)-1.25) > 1e-3 {
		t.Errorf("front (%d, %v, %d), want (7, 1.25, 2)", id, d, c)
	}
	id, d, c = s.Entry(1)
	if id != 3 || c != 1 || math.Abs(float64(d)-0.5) > 1e-3 {
		t.Errorf("second (%d, %v, %d), want (3, 0.5, 1)", id, d, c)
	}
}

// ranked keeps entries by count, highest first, ties in the order they reached their count.
func TestRankedKeepsCountOrder(t *testing.T) {
	var r ranked
	r.push(1, 1)
	r.push(2, 3)
	r.push(3, 2)
	r.push(4, 2) // ties with 3, which got there first
	if got, want := r.ids, []uint32{2, 3, 4, 1}; !slices.Equal(got, want) {
		t.Fatalf("ids %v, want %v", got, want)
	}
	r.set(r.find(1), 5)
	if got, want := r.ids, []uint32{1, 2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("after 1 reaches 5: ids %v, want %v", got, want)
	}
	if got, want := r.counts, []float64{5, 3, 2, 2}; !slices.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	r.replaceLast(9, 4)
	if got, want := r.ids, []uint32{1, 9, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("after replacing the last by 9 at 4: ids %v, want %v", got, want)
	}
	if r.find(4) != -1 {
		t.Error("the replaced entry is still found")
	}
}

func TestSparseTopAndFromMap(t *testing.T) {
	s := fromMap(map[int]float64{5: 1, 2: 3, 9: 0, 7: 3, 1: 2})
	if want := (sparse{{1, 2}, {2, 3}, {5, 1}, {7, 3}}); !slices.Equal(s, want) {
		t.Fatalf("fromMap %v, want %v (zeros dropped, by index)", s, want)
	}
	if got, want := s.top(3), (sparse{{1, 2}, {2, 3}, {7, 3}}); !slices.Equal(got, want) {
		t.Errorf("top 3 %v, want %v", got, want)
	}
	if got := s.top(4); !slices.Equal(got, s) {
		t.Errorf("top 4 of 4 %v, want all", got)
	}
	n := sparse{{0, 3}, {4, 4}}
	n.normalise()
	if want := (sparse{{0, 0.6}, {4, 0.8}}); math.Abs(n[0].w-0.6) > 1e-12 || math.Abs(n[1].w-0.8) > 1e-12 {
		t.Errorf("normalised %v, want %v", n, want)
	}
}

// Both sides of every validated range of GroupConfig, including the documented 4096 groups.
func TestGroupConfigValidateEdges(t *testing.T) {
	if err := DefaultGroupConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		cfg GroupConfig
		key string // "" when valid
	}{
		{GroupConfig{Groups: 0, CoPurchase: 0, Iterations: 1}, ""},
		{GroupConfig{Groups: 4096, CoPurchase: 4, Iterations: 1000}, ""},
		{GroupConfig{Groups: -1, CoPurchase: 0.5, Iterations: 30}, "groups"},
		{GroupConfig{Groups: 4097, CoPurchase: 0.5, Iterations: 30}, "groups"},
		{GroupConfig{CoPurchase: -0.01, Iterations: 30}, "co_purchase"},
		{GroupConfig{CoPurchase: 4.01, Iterations: 30}, "co_purchase"},
		{GroupConfig{CoPurchase: math.NaN(), Iterations: 30}, "co_purchase"},
		{GroupConfig{CoPurchase: 0.5, Iterations: 0}, "iterations"},
		{GroupConfig{CoPurchase: 0.5, Iterations: 1001}, "iterations"},
	} {
		err := c.cfg.Validate()
		switch {
		case c.key == "" && err != nil:
			t.Errorf("%+v: %v", c.cfg, err)
		case c.key != "" && (err == nil || !strings.HasPrefix(err.Error(), c.key+":")):
			t.Errorf("%+v: error %v, want one on %s", c.cfg, err, c.key)
		}
	}
}

// A group with no distinctive word is numbered; a taken name gets the next word, then a number.
func TestUniqueName(t *testing.T) {
	taken := map[string]bool{"group 3": true}
	if got := uniqueName(nil, taken, 2); got != "group 3 2" {
		t.Errorf("no words, group 3 taken: %q, want %q", got, "group 3 2")
	}
	if got := uniqueName(nil, map[string]bool{}, 0); got != "group 1" {
		t.Errorf("no words: %q, want %q", got, "group 1")
	}
	w := func(s string, score float64, pos int) scoredWord {
		return scoredWord{score: score, stats: &wordStats{products: 1, surfaces: map[string]int{s: 1}, posSum: pos}}
	}
	words := []scoredWord{w("mug", 10, 1), w("red", 1, 0), w("tea", 0.5, 2)}
	if got := uniqueName(words, map[string]bool{}, 0); got != "mug" {
		t.Errorf("%q, want %q (red scores below a quarter of mug)", got, "mug")
	}
	if got := uniqueName(words, map[string]bool{"mug": true}, 0); got != "red mug" {
		t.Errorf("mug taken: %q, want %q", got, "red mug")
	}
	if got := uniqueName(words, map[string]bool{"mug": true, "red mug": true}, 0); got != "red mug tea" {
		t.Errorf("mug, red mug taken: %q, want %q", got, "red mug tea")
	}
	if got := uniqueName(words, map[string]bool{"mug": true, "red mug": true, "red mug tea": true}, 0); got != "red mug 2" {
		t.Errorf("all taken: %q, want %q", got, "red mug 2")
	}
}

// Two products with a title are enough to form groups; one is not.
func TestGroupsNeedTwoProducts(t *testing.T) {
	gl := NewGroupLearner()
	gl.AddBasket([]Item{{"85123A", "WHITE HANGING HEART T-LIGHT HOLDER"}})
	if _, err := gl.Groups(DefaultGroupConfig()); err == nil {
		t.Error("groups of one product")
	}
	gl.AddBasket([]Item{{"22633", "HAND WARMER UNION JACK"}})
	g, err := gl.Groups(DefaultGroupConfig())
	if err != nil {
		t.Fatalf("two products: %v", err)
	}
	if g.Len() != 2 || g.Products() != 2 {
		t.Errorf("%d groups of %d products, want 2 of 2", g.Len(), g.Products())
	}
	a, okA := g.Of("85123A")
	b, okB := g.Of("22633")
	if !okA || !okB || a == b || !slices.Contains(g.Names(), a) || !slices.Contains(g.Names(), b) {
		t.Errorf("Of: %q %v, %q %v, want two of the groups %q", a, okA, b, okB, g.Names())
	}
	if name, ok := g.Of("99999"); ok {
		t.Errorf("an unknown product is in group %q", name)
	}
	var none *Groups
	if _, ok := none.Of("85123A"); ok || none.Len() != 0 || none.Products() != 0 || none.Names() != nil {
		t.Error("no groups know a product")
	}
	if _, ok := none.Place("85123A", "WHITE HEART"); ok {
		t.Error("no groups place a product")
	}
}

// An emptied group takes the vector least like its own group's centre.
func TestRecentreRefillsAnEmptyGroup(t *testing.T) {
	b := sparse{{0, 0.9}, {1, 0.1}}
	b.normalise()
	vecs := []sparse{{{0, 1}}, b, {{1, 1}}}
	centres := [][]float64{make([]float64, 2), make([]float64, 2)}
	assign := []int{0, 0, 0}
	recentre(vecs, 2, centres, assign)
	if want := []int{0, 0, 1}; !slices.Equal(assign, want) {
		t.Errorf("assign %v, want %v (the third vector is least like the first centre)", assign, want)
	}
	if want := []float64{0, 1}; !slices.Equal(centres[1], want) {
		t.Errorf("second centre %v, want %v", centres[1], want)
	}
}

// A group is named by two of its distinctive words, in the order its titles put them.
func TestNameGroupsInTitleOrder(t *testing.T) {
	titles := map[string]string{"1": "CERAMIC TEA MUG", "2": "BLUE CERAMIC TEA MUG", "3": "WOOL WINTER SCARF", "4": "GREY WOOL WINTER SCARF"}
	names := nameGroups([]string{"1", "2", "3", "4"}, []int{0, 0, 1, 1}, 2, func(id string) string { return titles[id] })
	if want := []string{"ceramic mug", "winter scarf"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
}

// k-means++ seeding stops at the distinct vectors when there are fewer than k.
func TestSeedCentresStopAtDistinctVectors(t *testing.T) {
	vecs := []sparse{{{0, 1}}, {{0, 1}}, {{1, 1}}, {{0, 1}}}
	if got := seedCentres(vecs, 2, 3); len(got) != 2 {
		t.Errorf("%d centres of 2 distinct vectors, want 2", len(got))
	}
}

// One move from a to b makes each the other's related category, with the smoothed share
// 1/(1+2) of the formula in relatedness.
func TestRelatednessOfOneCooccurrence(t *testing.T) {
	tr, err := NewTrainer(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2017, 11, 25, 9, 0, 0, 0, time.UTC)
	tr.Add("u", "a", t0)
	tr.Add("u", "b", t0.Add(time.Minute))
	m := tr.Model()
	a, _ := m.ID("a")
	b, _ := m.ID("b")
	for _, c := range []struct{ from, to uint32 }{{a, b}, {b, a}} {
		if got := m.stats.co[c.from].ids; !slices.Equal(got, []uint32{c.to}) {
			t.Fatalf("related to %d: %v, want [%d]", c.from, got, c.to)
		}
		if got := m.stats.relatedness(c.from, 0); math.Abs(got-1.0/3) > 1e-12 {
			t.Errorf("relatedness of %d to %d: %v, want 1/3", c.from, c.to, got)
		}
	}
}

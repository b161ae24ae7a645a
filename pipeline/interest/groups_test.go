package interest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// onlineRetailDays is UCI Online Retail's invoice lines of December 2010, a file a day; see
// /work/shared/data/README.md (CC BY 4.0).
const onlineRetailDays = "../../../shared/data/online-retail/by-day"

// retailBaskets reads the invoices of the first days files of Online Retail as baskets, in
// file order, leaving out cancellations.
func retailBaskets(t testing.TB, days int) [][]Item {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(onlineRetailDays, "*.csv"))
	if err != nil || len(files) < days {
		t.Fatalf("online retail files: %v (%d)", err, len(files))
	}
	var out [][]Item
	for _, f := range files[:days] {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		last := ""
		for _, r := range recs[1:] {
			if strings.HasPrefix(r[0], "C") {
				continue
			}
			if r[0] != last {
				out = append(out, nil)
				last = r[0]
			}
			out[len(out)-1] = append(out[len(out)-1], Item{ID: r[1], Title: r[2]})
		}
	}
	return out
}

func learnGroups(t testing.TB, baskets [][]Item) *Groups {
	t.Helper()
	l := NewGroupLearner()
	for _, b := range baskets {
		l.AddBasket(b)
	}
	g, err := l.Groups(DefaultGroupConfig())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Two trainings on the same invoices give the same groups, names and members, and so the same
// model bytes; the names are words of the titles, each used once.
func TestGroupsStableOnOnlineRetail(t *testing.T) {
	baskets := retailBaskets(t, 5)
	a, b := learnGroups(t, baskets), learnGroups(t, baskets)
	if !slices.Equal(a.Names(), b.Names()) || !slices.Equal(a.group, b.group) || !slices.Equal(a.products, b.products) {
		t.Fatalf("two trainings differ:\n%q\n%q", a.Names(), b.Names())
	}
	names := a.Names()
	if len(names) < 10 {
		t.Fatalf("%d groups for %d products", len(names), a.Products())
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] || strings.TrimSpace(n) == "" {
			t.Errorf("group name %q empty or twice", n)
		}
		seen[n] = true
	}
	t.Logf("%d groups of %d products: %q", len(names), a.Products(), names)
}

// trainGrouped trains a model whose categories are the groups of the invoices' products.
func trainGrouped(t testing.TB, baskets [][]Item, g *Groups) *Model {
	t.Helper()
	tr, err := NewTrainer(DefaultConfig(), WithGroups(g))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2010, 12, 1, 0, 0, 0, 0, time.UTC)
	for i, b := range baskets {
		for _, it := range b {
			if name, ok := g.Place(it.ID, it.Title); ok {
				tr.Add(fmt.Sprint("shopper", i%40), name, at.Add(time.Duration(i)*time.Minute))
			}
		}
	}
	return tr.Model()
}

// The groups travel in the model file: written and read back, every product is in the same
// group, a title never seen is placed by its words, and the bytes are the same for the same data.
func TestGroupsTravelWithTheModel(t *testing.T) {
	baskets := retailBaskets(t, 2)
	g := learnGroups(t, baskets)
	m := trainGrouped(t, baskets, g)
	var a, b bytes.Buffer
	if err := Write(&a, m); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, trainGrouped(t, baskets, learnGroups(t, baskets))); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same invoices wrote two different model files")
	}
	back, err := Read(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Groups().Names(), g.Names()) || back.Version() != m.Version() {
		t.Fatalf("groups read back %q, want %q", back.Groups().Names(), g.Names())
	}
	for _, id := range g.products {
		want, _ := g.Of(id)
		if got, ok := back.Groups().Of(id); !ok || got != want {
			t.Fatalf("product %s read back in %q, want %q", id, got, want)
		}
	}
	if _, ok := m.ID(g.names[0]); !ok && m.Vocabulary() > 0 {
		t.Logf("group %q has no event", g.names[0])
	}
	hearts, _ := g.Of("85123A") // WHITE HANGING HEART T-LIGHT HOLDER
	if got, ok := back.Groups().Place("NEW1", "RED HANGING HEART T-LIGHT HOLDER"); !ok || got != hearts {
		t.Errorf("a new heart t-light holder placed in %q (%v), its twin is in %q", got, ok, hearts)
	}
	if _, ok := back.Groups().Place("NEW2", "QQQ ZZZ"); ok {
		t.Error("a title without a known word was placed")
	}
}

// A file of format 3, before groups, still reads: a model without groups.
func TestReadFormat3(t *testing.T) {
	m := train(t, DefaultConfig(), readEvents(t, "rees46", rees46))
	payload := encodePayload(m)
	payload = payload[:len(payload)-1] // format 3 ends before the groups' count
	head := binary.BigEndian.AppendUint32([]byte(magic), 3)
	head = binary.BigEndian.AppendUint64(head, uint64(len(payload)))
	sum := sha256.Sum256(payload)
	back, err := Read(bytes.NewReader(slices.Concat(head, payload, sum[:])))
	if err != nil {
		t.Fatal(err)
	}
	if back.Groups() != nil || back.Vocabulary() != m.Vocabulary() || m.Vocabulary() == 0 {
		t.Fatalf("format 3 read with %d groups and %d categories, want 0 and %d", back.Groups().Len(), back.Vocabulary(), m.Vocabulary())
	}
}

func TestTitleWords(t *testing.T) {
	f := func(title string, want ...string) {
		t.Helper()
		var got []string
		for _, w := range titleWords(title) {
			got = append(got, w.key)
		}
		if !slices.Equal(got, want) {
			t.Errorf("titleWords(%q) = %q, want %q", title, got, want)
		}
	}
	f("WHITE HANGING HEART T-LIGHT HOLDER", "hanging", "heart", "light", "holder")
	f("SET OF 3 CERAMIC BOWLS", "ceramic", "bowl")
	f("PACK OF 12 PAPER DOILIES, 3 BOXES", "paper", "doily", "box")
	f("GLASS STAR FROSTED T-LIGHT HOLDER", "glass", "star", "frosted", "light", "holder")
	f("RED WOOLLY HOTTIE WHITE HEART.", "woolly", "hottie", "heart")
	f("", []string(nil)...)
}

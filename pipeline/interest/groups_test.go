package interest

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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

package creative

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// corpusProducts are the records the corpus's answers advertise, with the headline and call to
// action every answer of that product shares.
var corpusProducts = map[string]struct {
	p             schemas.Product
	headline, cta string
	locale        string
}{
	"phone": {schemas.Product{ID: "phone", Title: "Galaxy A50 128 GB", Brand: "Samsung", Category: "electronics.smartphone", Price: 199, ListPrice: 249, Currency: "USD"}, "Galaxy A50", "Shop now", LocaleEN},
	"tee":   {schemas.Product{ID: "tee", Title: "100% Cotton Crew T-Shirt", Brand: "Hanes", Category: "apparel.tshirt", Price: 12.5, Currency: "USD"}, "Cotton crew tee", "Shop now", LocaleEN},
	"case":  {schemas.Product{ID: "case", Title: "Clear Case for iPhone 15", Brand: "Spigen", Category: "electronics.phone_case", Price: 9, Currency: "USD"}, "Clear case", "Shop now", LocaleEN},
	"tea":   {schemas.Product{ID: "tea", Title: "西湖龙井绿茶 250g", Brand: "西湖", Category: "food.tea", Price: 199, ListPrice: 249, Currency: "CNY"}, "西湖龙井", "立即购买", LocaleZH},
	"phonezh": {schemas.Product{ID: "phonezh", Title: "华为 Mate 60 全网通", Brand: "Huawei", Category: "electronics.smartphone", Price: 5999, Currency: "CNY"},
		"华为 Mate 60", "立即购买", LocaleZH},
	"juice": {schemas.Product{ID: "juice", Title: "Fuji Apple Juice 1L", Category: "food.juice", Price: 3, Currency: "USD"}, "富士苹果汁", "立即购买", LocaleZH},
}

// corpusBrands are the catalogue's brands the corpus's guard is grounded in.
var corpusBrands = []string{"Samsung", "Huawei", "Anker", "Logitech", "Hanes", "Spigen", "西湖"}

// kindRules are the rules that catch an answer of each kind for the right reason; spelling
// tricks hide words from any of them.
var kindRules = map[string][]string{
	"spelling": {RuleSchema, RuleClaim, RulePrice, RuleCaps, RuleBrand},
	"claim_en": {RuleClaim},
	"claim_zh": {RuleClaim},
	"price":    {RulePrice},
	"brand":    {RuleBrand},
}

type corpusCase struct {
	line               int
	verdict, kind, key string
	body               string
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	f, err := os.Open("testdata/guard_corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("line %d: %d columns, want 4", n, len(cols))
		}
		body, err := strconv.Unquote(`"` + cols[3] + `"`)
		if err != nil {
			t.Fatalf("line %d: body: %v", n, err)
		}
		if _, ok := corpusProducts[cols[2]]; !ok {
			t.Fatalf("line %d: no product %q", n, cols[2])
		}
		cases = append(cases, corpusCase{n, cols[0], cols[1], cols[2], body})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestGuardCorpus holds the guard to the labelled corpus: at least 95% of the answers policy
// rejects caught by the rule of their kind, and no allowed answer blocked. It logs the figures
// per kind (go test -run TestGuardCorpus -v ./pipeline/creative).
func TestGuardCorpus(t *testing.T) {
	g := Guard{}.WithBrands(corpusBrands)
	type tally struct{ total, caught, blocked int }
	kinds := map[string]*tally{}
	var misses []string
	passes, wrong := 0, 0
	for _, c := range readCorpus(t) {
		pr := corpusProducts[c.key]
		vs := g.Check(schemas.Creative{Headline: pr.headline, Body: c.body, CTA: pr.cta, Locale: pr.locale}, pr.p)
		switch c.verdict {
		case "pass":
			passes++
			if len(vs) > 0 {
				wrong++
				t.Errorf("line %d: allowed %q blocked: %v", c.line, c.body, vs)
			}
		case "block":
			k := kinds[c.kind]
			if k == nil {
				k = &tally{}
				kinds[c.kind] = k
			}
			k.total++
			if len(vs) > 0 {
				k.blocked++
			}
			if slices.ContainsFunc(vs, func(v Violation) bool { return slices.Contains(kindRules[c.kind], v.Rule) }) {
				k.caught++
			} else {
				misses = append(misses, strconv.Quote(c.body)+": "+strings.Join(violationStrings(vs), "; "))
			}
		default:
			t.Fatalf("line %d: verdict %q", c.line, c.verdict)
		}
	}
	var total, caught, blocked int
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := kinds[k]
		t.Logf("%-9s caught %3d of %3d by its rule (%.1f%%), blocked %3d", k, v.caught, v.total, 100*float64(v.caught)/float64(v.total), v.blocked)
		total, caught, blocked = total+v.total, caught+v.caught, blocked+v.blocked
	}
	t.Logf("all       caught %3d of %3d (%.1f%%), blocked %3d; allowed wrongly blocked %d of %d", caught, total, 100*float64(caught)/float64(total), blocked, wrong, passes)
	for _, m := range misses {
		t.Logf("missed: %s", m)
	}
	if total < 100 || passes < 11 {
		t.Errorf("corpus has %d cases to block and %d to pass, want at least 100 and 11", total, passes)
	}
	if float64(caught) < 0.95*float64(total) {
		t.Errorf("caught %d of %d, below 95%%", caught, total)
	}
}

func violationStrings(vs []Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

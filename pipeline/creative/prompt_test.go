package creative

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
)

var sonyMDR = schemas.Product{ID: "h1", Title: "Sony MDR", Brand: "Sony", Category: "electronics.audio.headphone", Price: 80, Currency: "USD"}

func modelRequest(user string) Request {
	return Request{Shift: schemas.Shift{User: user, Summary: schemas.Summary{Categories: []schemas.Weighted{{Name: "electronics.audio.headphone"}}}},
		Product: sonyMDR, Arm: strategy.ArmValue, Locale: LocaleEN}
}

func TestPromptsOverrideAndVersion(t *testing.T) {
	emb := EmbeddedPrompts()
	if !strings.HasPrefix(emb.Version(), "v1-") {
		t.Fatalf("embedded version %q", emb.Version())
	}
	dir := t.TempDir()
	for _, loc := range promptLocales {
		for _, file := range append([]string{"system", "user"}, promptArms...) {
			body, _ := embeddedPrompts.ReadFile("prompts/v1/" + loc + "/" + file + ".tmpl")
			if file == "system" && loc == LocaleEN {
				body = append([]byte("House style: warm.\n"), body...)
			}
			writeFile(t, dir+"/"+loc+"/"+file+".tmpl", body)
		}
	}
	custom, err := LoadPrompts(dir)
	if err != nil {
		t.Fatal(err)
	}
	if custom.Version() == emb.Version() {
		t.Error("an edited prompt set has the embedded version: the cache would serve stale copy")
	}
	p, err := custom.Render(modelRequest("u"), Guard{})
	if err != nil || !strings.HasPrefix(p.System, "House style: warm.") || p.Version != custom.Version() {
		t.Errorf("custom prompt %+v, %v", p, err)
	}
	// Each locale and arm renders, in its language, with the limits and the price.
	for _, loc := range promptLocales {
		for _, arm := range promptArms {
			r := modelRequest("u")
			r.Arm, r.Locale = arm, loc
			p, err := emb.Render(r, Guard{HeadlineMax: 33})
			if err != nil {
				t.Fatalf("%s/%s: %v", loc, arm, err)
			}
			if !strings.Contains(p.System, "33") || !strings.Contains(p.System, "$80") || strings.Contains(p.User, "<no value>") {
				t.Errorf("%s/%s: prompt lacks the limit or price:\n%s\n%s", loc, arm, p.System, p.User)
			}
			if (loc == LocaleZH) != hasHan(p.User) {
				t.Errorf("%s/%s: user prompt in the wrong language", loc, arm)
			}
		}
	}
	// A set missing a template is refused, naming it.
	if _, err := LoadPrompts(t.TempDir()); err == nil || !strings.Contains(err.Error(), "system.tmpl") {
		t.Errorf("empty prompt dir: %v", err)
	}
}

func writeFile(t *testing.T, path string, body []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The prompt names the shopper's interest in the product's own brand, never their other brands:
// those would invite the model to compare, which the guard rejects.
func TestPromptNamesNoOtherBrands(t *testing.T) {
	r := modelRequest("u")
	r.Shift.Summary.Brands = []schemas.Weighted{{Name: "apple", Weight: 0.6}, {Name: "Sony", Weight: 0.4}}
	p, err := EmbeddedPrompts().Render(r, Guard{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(p.User+p.System), "apple") {
		t.Errorf("the prompt names a brand the product is not:\n%s", p.User)
	}
	if !strings.Contains(p.User, `"brands":["Sony"]`) {
		t.Errorf("the prompt lost the shopper's interest in the product's own brand:\n%s", p.User)
	}
}

// A product without a known price is described to the model with no price at all, and the rules
// tell it to show none, in both locales and for the value arm that otherwise leads with the price.
func TestPromptForAProductWithoutAPrice(t *testing.T) {
	want := map[string]string{LocaleEN: "no known price", LocaleZH: "没有已知价格"}
	for locale, phrase := range want {
		r := Request{Product: schemas.Product{ID: "2268318", Category: "taobao:2520377"}, Arm: strategy.ArmValue, Locale: locale}
		p, err := EmbeddedPrompts().Render(r, Guard{})
		if err != nil {
			t.Fatalf("%s: %v", locale, err)
		}
		all := p.System + "\n" + p.User
		if !strings.Contains(p.System, phrase) || !strings.Contains(p.User, phrase) || strings.Contains(all, `"price"`) || strings.Contains(all, "¥0") {
			t.Errorf("%s prompt for a product without a price:\n%s", locale, all)
		}
	}
}

func TestPromptStatesOnlyTheRecordsDiscount(t *testing.T) {
	render := func(p schemas.Product) string {
		t.Helper()
		r := modelRequest("u")
		r.Product = p
		out, err := EmbeddedPrompts().Render(r, Guard{})
		if err != nil {
			t.Fatal(err)
		}
		return out.System
	}
	const none = "Do not state any discount or percentage."
	onSale := sonyMDR
	onSale.ListPrice = 100
	if s := render(onSale); !strings.Contains(s, "The only discount you may state is 20% off.") {
		t.Errorf("a product at 80 of 100 is not offered at 20%% off:\n%s", s)
	}
	// No list price above the price: no discount to state.
	for _, lp := range []float64{0, 80, 60} {
		p := sonyMDR
		p.ListPrice = lp
		if s := render(p); !strings.Contains(s, none) || strings.Contains(s, "only discount") {
			t.Errorf("list price %g: the prompt allows a discount:\n%s", lp, s)
		}
	}
	// No known price: neither a price nor a discount, even with a list price.
	unpriced := schemas.Product{ID: "t1", Title: "Silk scarf", Category: "apparel.scarf", ListPrice: 100}
	if s := render(unpriced); !strings.Contains(s, none) || !strings.Contains(s, "no known price") {
		t.Errorf("a product without a price is offered a discount:\n%s", s)
	}
}

package creative

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/strategy"
)

//go:embed prompts/v1
var embeddedPrompts embed.FS

// EmbeddedPromptSet names the prompt templates compiled into the binary.
const EmbeddedPromptSet = "v1"

// Prompt is what a language model is asked: a system message, a user message, and the version
// of the templates they were rendered from.
type Prompt struct {
	System  string
	User    string
	Version string
}

// Prompts renders the messages a model is asked to write an ad with. Its templates live in a
// folder per locale (en, zh-CN): system.tmpl (the rules), user.tmpl (the request) and one file
// per arm (value.tmpl, quality.tmpl, … baseline.tmpl: the style guide). Its Version is the set's
// name and a hash of every template, so an edited prompt is a new version in every ad's
// GeneratorInfo and in the cache key. Immutable and safe for concurrent use.
type Prompts struct {
	version string
	byLoc   map[string]*template.Template
}

// EmbeddedPrompts returns the prompt templates compiled into the binary.
func EmbeddedPrompts() *Prompts {
	sub, err := fs.Sub(embeddedPrompts, "prompts/"+EmbeddedPromptSet)
	if err != nil {
		panic(err) // the embedded tree is part of the binary
	}
	p, err := parsePrompts(EmbeddedPromptSet, sub)
	if err != nil {
		panic(fmt.Sprintf("embedded prompts: %v", err))
	}
	return p
}

// LoadPrompts reads prompt templates from dir, laid out like the embedded set; "" means the
// embedded set. Every locale and arm the embedded set has must be there.
func LoadPrompts(dir string) (*Prompts, error) {
	if dir == "" {
		return EmbeddedPrompts(), nil
	}
	p, err := parsePrompts(filepath.Base(filepath.Clean(dir)), os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("prompts in %s: %w", dir, err)
	}
	return p, nil
}

// promptLocales and promptArms are the templates every prompt set holds.
var (
	promptLocales = []string{LocaleEN, LocaleZH}
	promptArms    = strategy.Styles()
)

func parsePrompts(name string, fsys fs.FS) (*Prompts, error) {
	h := sha256.New()
	p := &Prompts{byLoc: make(map[string]*template.Template)}
	for _, loc := range promptLocales {
		t := template.New(loc).Option("missingkey=error")
		for _, file := range append([]string{"system", "user"}, promptArms...) {
			path := loc + "/" + file + ".tmpl"
			body, err := fs.ReadFile(fsys, path)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path, err)
			}
			if _, err := t.New(file).Parse(string(body)); err != nil {
				return nil, fmt.Errorf("parse %s: %w", path, err)
			}
			h.Write([]byte(path))
			h.Write([]byte{0})
			h.Write(body)
			h.Write([]byte{0})
		}
		p.byLoc[loc] = t
	}
	p.version = name + "-" + hex.EncodeToString(h.Sum(nil)[:4])
	return p, nil
}

// Version names this set of templates, e.g. "v1-3fa2c1d0".
func (p *Prompts) Version() string { return p.version }

// promptData is what the templates see. The shopper is described only by their segment,
// interests, price band and intent stage: no user key, no history, no personal data. Every
// string that comes from the catalogue or the shopper's events is JSON-encoded (which also
// escapes < and >, so no record can close the block it is quoted in).
type promptData struct {
	Arm           string
	ArmGuide      string
	Segment       string
	Intent        string
	InterestsJSON string
	ProductJSON   string
	Price         string
	Discount      string
	Limits        struct{ Headline, Body, CTA int }
	Feedback      []string
}

// recordView is the part of the catalogue record the model sees.
type recordView struct {
	Title     string `json:"title"`
	Brand     string `json:"brand,omitempty"`
	Category  string `json:"category"`
	Price     string `json:"price,omitempty"`
	ListPrice string `json:"list_price,omitempty"`
}

type interestsView struct {
	Categories []string `json:"categories"`
	Brands     []string `json:"brands,omitempty"`
	PriceBand  string   `json:"price_band,omitempty"`
}

// Render writes the prompt for req, with the placement limits of guard.
func (p *Prompts) Render(req Request, guard Guard) (Prompt, error) {
	locale := NormLocale(req.Locale)
	t := p.byLoc[locale]
	if !slices.Contains(promptArms, req.Arm) {
		return Prompt{}, fmt.Errorf("prompt: unknown arm %q", req.Arm)
	}
	// The model sees the record with every instruction to a model taken out of it.
	pr := SanitizeProduct(req.Product)
	d := promptData{
		Arm:      req.Arm,
		Segment:  strategy.Segment(req.Shift.Summary),
		Intent:   req.Shift.Summary.IntentStage,
		Feedback: req.Feedback,
	}
	// A product without a known price (Taobao's records) is advertised without one: the record
	// the model sees has no price and the rules tell it to show none.
	if PriceKnown(pr) {
		d.Price = FormatPrice(pr.Price, pr.Currency)
	}
	if d.Price != "" && Discount(pr) > 0 {
		d.Discount = discountText(pr)
	}
	d.Limits.Headline = or(guard.HeadlineMax, DefaultHeadlineMax)
	d.Limits.Body = or(guard.BodyMax, DefaultBodyMax)
	d.Limits.CTA = or(guard.CTAMax, DefaultCTAMax)

	rec := recordView{Title: pr.Title, Brand: pr.Brand, Category: strings.ReplaceAll(pr.Category, ".", " > "), Price: d.Price}
	if d.Price != "" && pr.ListPrice > pr.Price {
		rec.ListPrice = FormatPrice(pr.ListPrice, pr.Currency)
	}
	var in interestsView
	for _, c := range req.Shift.Summary.Categories {
		in.Categories = append(in.Categories, catalog.Leaf(c.Name))
	}
	// Of the shopper's brands only the product's own is named: naming the others invites the
	// model to compare the product with them, which the guard rejects.
	for _, b := range req.Shift.Summary.Brands {
		if pr.Brand != "" && strings.EqualFold(b.Name, pr.Brand) {
			in.Brands = append(in.Brands, b.Name)
		}
	}
	if band := req.Shift.Summary.PriceBand; band.Max > 0 {
		in.PriceBand = FormatPrice(band.Min, band.Currency) + " - " + FormatPrice(band.Max, band.Currency)
	}
	var err error
	if d.ProductJSON, err = quote(rec); err != nil {
		return Prompt{}, err
	}
	if d.InterestsJSON, err = quote(in); err != nil {
		return Prompt{}, err
	}
	if d.ArmGuide, err = execute(t, req.Arm, d); err != nil {
		return Prompt{}, err
	}
	d.ArmGuide = strings.TrimSpace(d.ArmGuide)
	system, err := execute(t, "system", d)
	if err != nil {
		return Prompt{}, err
	}
	user, err := execute(t, "user", d)
	if err != nil {
		return Prompt{}, err
	}
	return Prompt{System: strings.TrimSpace(system), User: strings.TrimSpace(user), Version: p.version}, nil
}

// quote JSON-encodes untrusted data for a prompt. encoding/json escapes <, > and & as \u003c …,
// so the data cannot forge the tag that closes its block.
func quote(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("quote prompt data: %w", err)
	}
	return string(b), nil
}

func execute(t *template.Template, name string, d promptData) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, d); err != nil {
		return "", fmt.Errorf("render prompt %s: %w", name, err)
	}
	return b.String(), nil
}

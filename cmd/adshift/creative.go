package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/pipeline/modelchain/llm"
	"github.com/adshift/adshift/pipeline/runner"
	"github.com/adshift/adshift/pipeline/strategy"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// generator builds the creatives' generator: the template alone with no llm.provider, else the
// model chain with the template as its fallback. guard must be grounded in the catalogue.
func (a *app) generator(guard creative.Guard) (creative.Generator, error) {
	return a.observedGenerator(guard, nil)
}

// observedGenerator is generator with the language model wrapped by observe, when not nil.
func (a *app) observedGenerator(guard creative.Guard, observe func(modelchain.Model) modelchain.Model) (creative.Generator, error) {
	tmpl := creative.NewTemplate(guard)
	if a.cfg.LLM.Provider == "" {
		return tmpl, nil
	}
	m, err := llm.New(a.cfg.LLM.Config, nil)
	if err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	prompts, err := creative.LoadPrompts(a.cfg.LLM.PromptsDir)
	if err != nil {
		return nil, fmt.Errorf("llm.prompts_dir: %w", err)
	}
	a.log.Info("ads written by a language model, templates as fallback", "provider", a.cfg.LLM.Provider,
		"model", a.cfg.LLM.Model, "prompts", prompts.Version())
	var model modelchain.Model = m
	if observe != nil {
		model = observe(m)
	}
	return modelchain.NewChain(a.cfg.LLM.Chain.Chain(a.cfg.LLM.Timeout, a.cfg.LLM.MaxTokens), model, m.Name(), prompts, guard, tmpl, a.reg)
}

// catalog loads the configured catalogue.
func (a *app) catalog() (*catalog.Catalog, error) {
	products, err := a.catalogProducts()
	if err != nil {
		return nil, err
	}
	return catalog.NewCatalog(products), nil
}

// catalogProducts loads the configured catalogue's products.
func (a *app) catalogProducts() ([]schemas.Product, error) {
	products, skipped, err := dataset.LoadCatalog(a.cfg.Catalog.Format, a.cfg.Catalog.Path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if len(products) == 0 {
		return nil, fmt.Errorf("catalog %s (%s) has no usable products", a.cfg.Catalog.Path, a.cfg.Catalog.Format)
	}
	a.log.Info("catalog loaded", "path", a.cfg.Catalog.Path, "products", len(products), "skipped", skipped.Total())
	// The catalogue's own landing pages win; catalog.url_template fills in the rest.
	for i := range products {
		if products[i].URL == "" {
			products[i].URL = a.cfg.Catalog.ProductURL(products[i].ID)
		}
	}
	return a.placeInGroups(products)
}

func newCreativeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "creative", Short: "Inspect how ads are written"}
	var o previewOptions
	preview := &cobra.Command{
		Use:   "preview (--profile FILE | --format F --file DATA --user U) [--product ID] [--arm A] [--locale L] [--json]",
		Short: "Write one ad and print the prompt, the model's raw answer, the guard's verdict and the creative",
		Long: `Preview writes the ad adshift would write for one shopper, with the configured generator
(the llm section; the template with no provider). The shopper is a JSON profile file (a shift
summary: categories, brands, price_band, intent_stage, locale), or a user of a dataset replayed
through the features stage here, in memory. The product is the one the stage would pick, or
--product. It prints every prompt sent, every raw answer, the guard's verdict and the creative;
with --json, one JSON object holding all of them, for scripts that review copy.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.preview(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := preview.Flags()
	f.StringVar(&o.profile, "profile", "", "JSON profile file: a shift summary")
	f.StringVar(&o.format, "format", "", "dataset format to replay a user from: rees46, taobao, online-retail, segment")
	f.StringVar(&o.file, "file", "", "dataset file to replay a user from")
	f.StringVar(&o.user, "user", "", "the user of the dataset")
	f.StringVar(&o.product, "product", "", "product id (default: the stage's pick)")
	f.StringVar(&o.arm, "arm", strategy.ArmValue, "arm: "+strings.Join(strategy.Styles(), ", "))
	f.StringVar(&o.locale, "locale", "", "locale: en, zh-CN (default: the profile's, else creatives.locale)")
	f.BoolVar(&o.json, "json", false, "print one JSON object: the shopper, the product, every prompt and raw answer, the verdict, the violations and the published creative")
	cmd.AddCommand(preview)
	return cmd
}

type previewOptions struct {
	profile, format, file, user, product, arm, locale string
	json                                              bool
}

// previewReport is what `creative preview --json` prints, for scripts that review copy.
type previewReport struct {
	Shopper    schemas.Summary       `json:"shopper"`
	Segment    string                `json:"segment"`
	Product    schemas.Product       `json:"product"`
	Arm        string                `json:"arm"`
	Locale     string                `json:"locale"`
	Attempts   []previewAttempt      `json:"attempts"`   // every request to the model, in order; none for the template
	Verdict    string                `json:"verdict"`    // pass, regenerated, fallback, or rejected by the final guard
	Fallback   string                `json:"fallback"`   // why the template wrote the ad, when it did
	Violations []string              `json:"violations"` // every rule broken on the way and at the end
	Published  *schemas.Creative     `json:"published"`  // the creative shoppers would see; null when rejected
	Generator  schemas.GeneratorInfo `json:"generator"`
}

// previewAttempt is one request to the model: the prompt and the raw answer or the failure.
type previewAttempt struct {
	PromptVersion    string `json:"prompt_version"`
	System           string `json:"system"`
	User             string `json:"user"`
	Answer           string `json:"answer"`
	Error            string `json:"error,omitempty"`
	Requests         int    `json:"requests"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	LatencyMS        int64  `json:"latency_ms"`
}

// preview writes the ad the creatives stage would publish for one shopper, with the production
// generator and the stage's own assembly (creatives.Stage.Compose), and prints every prompt and
// raw answer on the way, the guard's verdict and the creative.
func (a *app) preview(ctx context.Context, o previewOptions, w io.Writer) error {
	shift, err := a.previewShift(ctx, o)
	if err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	var product schemas.Product
	if o.product != "" {
		p, ok := cat.Product(o.product)
		if !ok {
			return fmt.Errorf("--product: %q is not in the catalogue %s", o.product, a.cfg.Catalog.Path)
		}
		product = p
	} else if c, err := catalog.NewRanker(cat, catalog.RankConfig{}).Rank(&shift, nil); err == nil {
		product = c.Product
	} else {
		var e *catalog.NoProductError
		hint := ""
		if errors.As(err, &e) {
			hint = " (" + e.Hint() + ")"
		}
		return fmt.Errorf("the catalogue has nothing for this profile's interests %v: %w%s: pass --product", names(catalog.Interests(&shift)), err, hint)
	}
	guard := a.cfg.Creatives.Guard.WithBrands(cat.Brands())
	var attempts []previewAttempt
	seen := func(at previewAttempt) {
		if o.json {
			attempts = append(attempts, at)
		} else {
			printAttempt(w, at)
		}
	}
	gen, err := a.observedGenerator(guard, func(m modelchain.Model) modelchain.Model { return observedModel{m, seen} })
	if err != nil {
		return err
	}
	// The stage's chooser is never asked: the preview names the arm.
	chooser, err := strategy.NewAssigner(a.cfg.Creatives.Strategy)
	if err != nil {
		return fmt.Errorf("creatives.strategy: %w", err)
	}
	st, err := creatives.New(a.cfg.Creatives, a.cfg.Topics.Names(), cat, gen, chooser, discard{}, a.log, nil)
	if err != nil {
		return err
	}
	locale := cmp.Or(o.locale, st.Locale(shift))
	if o.json {
		ad, vs, err := st.Compose(ctx, shift, product, schemas.Strategy{Arm: o.arm}, locale)
		if err != nil {
			return err
		}
		return printPreviewJSON(w, previewReport{Shopper: shift.Summary, Segment: strategy.Segment(shift.Summary), Product: product,
			Arm: o.arm, Locale: creative.NormLocale(locale), Attempts: attempts}, ad, vs)
	}

	fmt.Fprintf(w, "== shopper: segment %s, interests %s, price band %s, intent %s\n", strategy.Segment(shift.Summary),
		names(shift.Summary.Categories), band(shift.Summary.PriceBand), shift.Summary.IntentStage)
	fmt.Fprintf(w, "== product %s: %s (%s) %s, %s\n", product.ID, product.Title, product.Brand, product.Category,
		creative.FormatPrice(product.Price, product.Currency))
	fmt.Fprintf(w, "== arm %s, locale %s\n", o.arm, creative.NormLocale(locale))
	ad, vs, err := st.Compose(ctx, shift, product, schemas.Strategy{Arm: o.arm}, locale)
	if err != nil {
		return err
	}
	return printPreview(w, ad, vs)
}

// printPreview prints the guard's verdict on an ad and its creative.
func printPreview(w io.Writer, ad schemas.Ad, vs []creative.Violation) error {
	info := ad.Generator
	verdict := info.Verdict
	if len(vs) > 0 {
		verdict = "rejected"
		for _, v := range vs {
			info.Violations = append(info.Violations, v.String())
		}
	}
	fmt.Fprintf(w, "\n== guard verdict: %s", verdict)
	if info.Fallback != "" {
		fmt.Fprintf(w, " (template fallback: %s)", info.Fallback)
	}
	fmt.Fprintln(w)
	for _, v := range info.Violations {
		fmt.Fprintf(w, "   - %s\n", v)
	}
	fmt.Fprintf(w, "\n== creative (%s, prompt %s, %d tokens)\n", info.Kind, info.PromptVersion, info.Tokens)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ad.Creative)
}

// printPreviewJSON completes r with the verdict on ad and prints it as one JSON object.
func printPreviewJSON(w io.Writer, r previewReport, ad schemas.Ad, vs []creative.Violation) error {
	r.Generator = ad.Generator
	r.Verdict, r.Fallback = ad.Generator.Verdict, ad.Generator.Fallback
	r.Violations = append([]string{}, ad.Generator.Violations...)
	if r.Attempts == nil {
		r.Attempts = []previewAttempt{}
	}
	if len(vs) > 0 {
		r.Verdict = "rejected"
		for _, v := range vs {
			r.Violations = append(r.Violations, v.String())
		}
	} else {
		r.Published = &ad.Creative
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// printAttempt prints the prompt sent to the model and its raw answer or failure.
func printAttempt(w io.Writer, at previewAttempt) {
	fmt.Fprintf(w, "\n== prompt %s, system\n%s\n\n== prompt, user\n%s\n", at.PromptVersion, at.System, at.User)
	fmt.Fprintf(w, "\n== raw answer (%d model calls, %d prompt + %d completion tokens, %d ms)\n%s\n",
		at.Requests, at.PromptTokens, at.CompletionTokens, at.LatencyMS, at.Answer)
	if at.Error != "" {
		fmt.Fprintf(w, "== error: %s\n", at.Error)
	}
}

// observedModel hands every prompt sent to the model and its raw answer or failure to seen.
// The preview composes one ad, so seen is called from one goroutine at a time.
type observedModel struct {
	m    modelchain.Model
	seen func(previewAttempt)
}

func (o observedModel) Complete(ctx context.Context, pr creative.Prompt) (modelchain.Completion, error) {
	start := time.Now()
	c, err := o.m.Complete(ctx, pr)
	at := previewAttempt{PromptVersion: pr.Version, System: pr.System, User: pr.User, Answer: c.Text, Requests: c.Requests,
		PromptTokens: c.PromptTokens, CompletionTokens: c.CompletionTokens, LatencyMS: time.Since(start).Milliseconds()}
	if err != nil {
		at.Error = err.Error()
	}
	o.seen(at)
	return c, err
}

// discard is the emitter of a stage that only composes ads.
type discard struct{}

func (discard) Emit(context.Context, []pipeline.Record) error { return nil }

// previewShift is the shift a preview writes for: a profile file, or the newest shift of a
// dataset user replayed through the features stage.
func (a *app) previewShift(ctx context.Context, o previewOptions) (schemas.Shift, error) {
	switch {
	case o.profile != "":
		raw, err := os.ReadFile(o.profile)
		if err != nil {
			return schemas.Shift{}, fmt.Errorf("--profile: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.DisallowUnknownFields()
		var s schemas.Summary
		if err := dec.Decode(&s); err != nil {
			return schemas.Shift{}, fmt.Errorf("--profile %s: %w", o.profile, err)
		}
		return schemas.Shift{User: "preview", ProfileVersion: 1, Reason: schemas.ReasonNewInterest, Summary: s}, nil
	case o.format != "" && o.file != "" && o.user != "":
		var last *schemas.Shift
		m, err := a.interestModel()
		if err != nil {
			return schemas.Shift{}, err
		}
		err = replayShifts(ctx, runner.Config{Features: a.cfg.Features, Model: m}, o.format, o.file, func(user string) bool { return user == o.user },
			func(sh schemas.Shift) { last = &sh })
		if err != nil {
			return schemas.Shift{}, err
		}
		if last == nil {
			return schemas.Shift{}, fmt.Errorf("user %q has no profile shift in %s", o.user, o.file)
		}
		return *last, nil
	}
	return schemas.Shift{}, errors.New("name a shopper: --profile FILE, or --format, --file and --user")
}

// replayShifts runs the events of a dataset's users that keep accepts through the in-memory
// features stage, and calls fn with every profile shift, in order.
func replayShifts(ctx context.Context, cfg runner.Config, format, file string, keep func(user string) bool, fn func(schemas.Shift)) error {
	events, _, err := dataset.ReadAll(format, file)
	if err != nil {
		return err
	}
	events = slices.DeleteFunc(events, func(ev schemas.Event) bool { return !keep(ev.User()) })
	return runner.Shifts(ctx, cfg, events, fn)
}

func names(ws []schemas.Weighted) string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("%s (%.2g)", w.Name, w.Weight))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func band(b schemas.PriceBand) string {
	if b.Max <= 0 {
		return "none"
	}
	return creative.FormatPrice(b.Min, b.Currency) + "–" + creative.FormatPrice(b.Max, b.Currency)
}

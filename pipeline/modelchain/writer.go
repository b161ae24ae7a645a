package modelchain

import (
	"context"
	"fmt"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/schemas"
)

// Writer is the language-model generator: it renders the prompt for a request, asks its Model,
// and decodes the answer strictly. It does not check the guard, retry or fall back: compose it
// with Guarded, and its Model with Retrying, Breaker and Limiter (NewChain does). Safe for
// concurrent use.
type Writer struct {
	model   Model
	name    string // the model's name, for GeneratorInfo
	prompts *creative.Prompts
	guard   creative.Guard // placement limits told to the model
}

var _ creative.Generator = (*Writer)(nil)

// NewWriter returns a generator that has model, named name, write the copy from prompts.
func NewWriter(model Model, name string, prompts *creative.Prompts, guard creative.Guard) *Writer {
	return &Writer{model: model, name: name, prompts: prompts, guard: guard}
}

// Draft is one attempt of the model at a creative, with everything that went into it: the
// prompt, the raw answer and the creative read from it.
type Draft struct {
	Prompt   creative.Prompt
	Answer   Completion
	Creative schemas.Creative
	Info     schemas.GeneratorInfo
}

// Write renders the prompt, calls the model and decodes its answer. The draft holds what was
// done even when err is set (the prompt always; the answer and its cost once the model replied).
func (w *Writer) Write(ctx context.Context, req creative.Request) (Draft, error) {
	d := Draft{Info: schemas.GeneratorInfo{Kind: schemas.GeneratorLLM, Model: w.name, PromptVersion: w.prompts.Version()}}
	p, err := w.prompts.Render(req, w.guard)
	if err != nil {
		return d, err
	}
	d.Prompt = p
	start := time.Now()
	ans, err := w.model.Complete(ctx, p)
	d.Info.LatencyMS = time.Since(start).Milliseconds()
	d.Answer = ans
	d.Info.ModelCalls = ans.Requests
	d.Info.PromptTokens, d.Info.CompletionTokens, d.Info.Tokens = ans.PromptTokens, ans.CompletionTokens, ans.Tokens()
	if ans.Model != "" {
		d.Info.Model = ans.Model
	}
	if err != nil {
		return d, fmt.Errorf("model %s: %w", w.name, err)
	}
	d.Creative, err = creative.DecodeAnswer(ans.Text, req.Locale)
	return d, err
}

// Generate implements Generator.
func (w *Writer) Generate(ctx context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	d, err := w.Write(ctx, req)
	return d.Creative, d.Info, err
}

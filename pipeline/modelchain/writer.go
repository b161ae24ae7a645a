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
	// maxTokens is the completion bound asked of the model, held on this side too: an answer
	// reported or estimated beyond it is rejected (0: not held).
	maxTokens int
}

var _ creative.Generator = (*Writer)(nil)

// NewWriter returns a generator that has model, named name, write the copy from prompts, and
// rejects an answer of more than maxTokens completion tokens (0: any length).
func NewWriter(model Model, name string, prompts *creative.Prompts, guard creative.Guard, maxTokens int) *Writer {
	return &Writer{model: model, name: name, prompts: prompts, guard: guard, maxTokens: maxTokens}
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
	if err := w.overLength(ans); err != nil {
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

// overLength holds an answer to the completion bound, whether the server kept to it or not: by
// the tokens it reports, or, as servers may report none, by twice the cautious estimate of
// its text (EstimateTokens counts high by up to a third).
func (w *Writer) overLength(ans Completion) error {
	if w.maxTokens <= 0 {
		return nil
	}
	if ans.CompletionTokens > w.maxTokens {
		return fmt.Errorf("%w: %d completion tokens, max_tokens %d", ErrAnswerTooLarge, ans.CompletionTokens, w.maxTokens)
	}
	if est := EstimateTokens(ans.Text); est > 2*w.maxTokens {
		return fmt.Errorf("%w: about %d tokens of text, max_tokens %d", ErrAnswerTooLarge, est, w.maxTokens)
	}
	return nil
}

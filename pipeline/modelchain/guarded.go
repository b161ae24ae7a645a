package modelchain

import (
	"context"
	"errors"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/schemas"
)

// Why the template wrote a creative instead of the model, as in GeneratorInfo.Fallback and
// adshift_creatives_ads_total{fallback}.
const (
	FallbackModelError  = "model_error"  // the model failed after its retries
	FallbackBreakerOpen = "breaker_open" // the breaker is open: the model was not asked
	FallbackBudget      = "budget"       // the minute's budget is spent: the model was not asked
	FallbackGuard       = "guard"        // the model's copy broke guard rules twice
	FallbackMalformed   = "malformed"    // the model's answer was unreadable twice
)

// Guarded holds a primary generator (the model) to the guard: a creative that breaks rules, or
// an answer that cannot be read, is asked for once more with the violations as feedback; if the
// second attempt fails too, or the model fails or is not available, the fallback (the template)
// writes the creative. The verdict, the violations met on the way and the cost of every attempt
// are reported in GeneratorInfo. It fails only when ctx is done or the fallback fails. Safe for
// concurrent use if its generators are.
type Guarded struct {
	primary  creative.Generator
	fallback creative.Generator
	guard    creative.Guard
}

var _ creative.Generator = (*Guarded)(nil)

// NewGuarded composes primary and fallback under guard.
func NewGuarded(primary, fallback creative.Generator, guard creative.Guard) *Guarded {
	return &Guarded{primary: primary, fallback: fallback, guard: guard}
}

// Generate implements Generator.
func (g *Guarded) Generate(ctx context.Context, req creative.Request) (schemas.Creative, schemas.GeneratorInfo, error) {
	var spent schemas.GeneratorInfo
	var violations []string
	for attempt := 0; attempt < 2; attempt++ {
		r := req
		r.Feedback = violations
		c, info, err := g.primary.Generate(ctx, r)
		spent = addCost(spent, info)
		if ctx.Err() != nil {
			return schemas.Creative{}, spent, ctx.Err()
		}
		var found []string
		switch {
		case err == nil:
			for _, v := range g.guard.CheckRequest(c, req) {
				found = append(found, v.String())
			}
			if len(found) == 0 {
				info = withCost(info, spent)
				info.Verdict, info.Violations = schemas.VerdictPass, violations
				if attempt > 0 {
					info.Verdict = schemas.VerdictRegenerated
				}
				return c, info, nil
			}
		case errors.Is(err, creative.ErrMalformed):
			found = []string{"answer: " + creative.RuleSchema + ": " + err.Error()}
		default:
			return g.fall(ctx, req, spent, fallbackReason(err), violations)
		}
		violations = append(violations, found...)
	}
	reason := FallbackGuard
	if len(violations) > 0 && isMalformedOnly(violations) {
		reason = FallbackMalformed
	}
	return g.fall(ctx, req, spent, reason, violations)
}

// fall has the fallback write the creative, charging it what the model attempts cost.
func (g *Guarded) fall(ctx context.Context, req creative.Request, spent schemas.GeneratorInfo, reason string, violations []string) (schemas.Creative, schemas.GeneratorInfo, error) {
	c, info, err := g.fallback.Generate(ctx, req)
	info = withCost(info, spent)
	info.Verdict, info.Fallback, info.Violations = schemas.VerdictFallback, reason, violations
	return c, info, err
}

func fallbackReason(err error) string {
	switch {
	case errors.Is(err, ErrBreakerOpen):
		return FallbackBreakerOpen
	case errors.Is(err, ErrBudget):
		return FallbackBudget
	}
	return FallbackModelError
}

func isMalformedOnly(vs []string) bool {
	for _, v := range vs {
		if len(v) < 8 || v[:8] != "answer: " {
			return false
		}
	}
	return true
}

// addCost adds the model cost of info to sum.
func addCost(sum, info schemas.GeneratorInfo) schemas.GeneratorInfo {
	sum.Tokens += info.Tokens
	sum.PromptTokens += info.PromptTokens
	sum.CompletionTokens += info.CompletionTokens
	sum.LatencyMS += info.LatencyMS
	sum.ModelCalls += info.ModelCalls
	return sum
}

// withCost sets the cost fields of info to spent, plus info's own latency when it is not one of
// the attempts already counted (the fallback's).
func withCost(info, spent schemas.GeneratorInfo) schemas.GeneratorInfo {
	latency := spent.LatencyMS
	if info.Kind != schemas.GeneratorLLM {
		latency += info.LatencyMS
	}
	info.Tokens, info.PromptTokens, info.CompletionTokens = spent.Tokens, spent.PromptTokens, spent.CompletionTokens
	info.ModelCalls, info.LatencyMS = spent.ModelCalls, latency
	return info
}

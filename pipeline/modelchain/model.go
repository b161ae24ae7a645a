package modelchain

import (
	"context"
	"errors"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
)

// Completion is a model's answer and what it cost.
type Completion struct {
	Text             string
	Model            string
	PromptTokens     int
	CompletionTokens int
	// Requests counts the requests sent for this answer, retries included. Complete sets it
	// even when it fails, so the calls a failure cost are counted too.
	Requests int
}

// Tokens is the completion's total token count.
func (c Completion) Tokens() int { return c.PromptTokens + c.CompletionTokens }

// Model is a language model behind some provider's API (see pipeline/modelchain/llm). Complete
// sends one request (Requests = 1): it never retries, and reports failures wrapped around
// ErrRateLimited or ErrUnavailable when trying again may help. Implementations are safe for
// concurrent use.
type Model interface {
	Complete(ctx context.Context, p creative.Prompt) (Completion, error)
}

// Model failures the decorators branch on.
var (
	// ErrRateLimited: the provider said too many requests (HTTP 429); retryable.
	ErrRateLimited = errors.New("model rate limited")
	// ErrUnavailable: the provider failed or could not be reached (5xx, connection refused, a
	// timeout); retryable.
	ErrUnavailable = errors.New("model unavailable")
	// ErrBreakerOpen: the circuit breaker is open after repeated failures; the request was not sent.
	ErrBreakerOpen = errors.New("model circuit breaker open")
	// ErrBudget: the per-minute request or token budget is spent; the request was not sent.
	ErrBudget = errors.New("model budget for this minute spent")
	// ErrAnswerTooLarge: the answer ran over adshift's own caps (llm.max_answer_bytes on the
	// response, llm.max_tokens on the completion); reading stopped at the cap. Not retryable.
	ErrAnswerTooLarge = errors.New("model answer over the cap")
)

// retryAfterError is an error that knows how long the provider asked the caller to wait.
type retryAfterError interface {
	RetryAfter() time.Duration
}

// RetryAfterError wraps a retryable failure with the wait the provider asked for (Retry-After).
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string             { return e.Err.Error() }
func (e *RetryAfterError) Unwrap() error             { return e.Err }
func (e *RetryAfterError) RetryAfter() time.Duration { return e.After }

// retryable reports whether trying the request again may succeed.
func retryable(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrUnavailable)
}

// retryAfter returns the wait the provider asked for, or 0.
func retryAfter(err error) time.Duration {
	var ra retryAfterError
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

package creative

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// ErrMalformed means a model answered, but not with the creative asked for.
var ErrMalformed = errors.New("malformed model answer")

// answer is the only shape a model may answer in.
type answer struct {
	Headline *string `json:"headline"`
	Body     *string `json:"body"`
	CTA      *string `json:"cta"`
}

// DecodeAnswer reads a model's answer as a creative, strictly: one JSON object with exactly the
// string fields headline, body and cta, nothing else, nothing after it. A Markdown code fence
// around the object is the one liberty allowed, since models add one whatever they are told.
// Every rejection wraps ErrMalformed.
func DecodeAnswer(text, locale string) (schemas.Creative, error) {
	s := stripFence(strings.TrimSpace(text))
	if !strings.HasPrefix(s, "{") {
		return schemas.Creative{}, fmt.Errorf("%w: not a JSON object: %q", ErrMalformed, clip(s, 60))
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var a answer
	if err := dec.Decode(&a); err != nil {
		return schemas.Creative{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return schemas.Creative{}, fmt.Errorf("%w: text after the JSON object", ErrMalformed)
	}
	var missing []string
	for name, v := range map[string]*string{"headline": a.Headline, "body": a.Body, "cta": a.CTA} {
		if v == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return schemas.Creative{}, fmt.Errorf("%w: missing fields %s", ErrMalformed, strings.Join(slices.Sorted(slices.Values(missing)), ", "))
	}
	return schemas.Creative{
		Headline: strings.TrimSpace(*a.Headline),
		Body:     strings.TrimSpace(*a.Body),
		CTA:      strings.TrimSpace(*a.CTA),
		Locale:   NormLocale(locale),
	}, nil
}

// stripFence removes one Markdown code fence (```json … ```) around s.
func stripFence(s string) string {
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if i := strings.IndexByte(s, '\n'); i >= 0 && !bytes.ContainsAny([]byte(s[:i]), "{") {
		s = s[i+1:] // the info string: json, JSON, …
	}
	s = strings.TrimSpace(s)
	return strings.TrimSpace(strings.TrimSuffix(s, "```"))
}

// clip cuts s to n bytes for error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

package creative

import (
	"fmt"
	"strings"
	"sync"

	"github.com/adshift/adshift/schemas"
)

// grounding is what a catalogue record allows copy to say, read once per record for every rule
// and every field: its folded texts, its brand's family, the words of its title and brand, its
// price digits and the instructions injected in it. Immutable once built, but for the memory of
// verdicts and the template's vetted names, which lock.
type grounding struct {
	p            schemas.Product
	own          string          // familyOf(p.Brand)
	brandRecord  string          // title, category and brand, folded and lower-cased
	claimRecord  string          // title and brand, folded and lower-cased
	plainRecord  string          // title and category, lower-cased
	personRecord string          // title, brand and category as written
	titleWords   []string        // the words of the title as written
	brandWords   []string        // the words of the brand as written
	injections   []string        // the record's folded instructions to a model (see injected)
	recordHan    bool            // title, brand or category holds Chinese
	priceDigits  []string        // the price and list price written as whole digits
	sanitized    schemas.Product // SanitizeProduct(p)

	mu       sync.Mutex
	verdicts map[verdictKey]*judgement // the guard's judgements of creatives of the record (see verdict)

	vet    sync.Once
	names  []string // the template's vetted names of the record (see names)
	leaves []string // the template's vetted names of its category (see leaves)
}

// vetted returns the names the template may call the record and its category by, vetted once.
func (gr *grounding) vetted() ([]string, []string) {
	gr.vet.Do(func() { gr.names, gr.leaves = names(gr), leaves(gr) })
	return gr.names, gr.leaves
}

func newGrounding(p schemas.Product) *grounding {
	gr := &grounding{
		p:            p,
		own:          familyOf(p.Brand),
		brandRecord:  strings.ToLower(foldCopy(p.Title + " | " + p.Category + " | " + p.Brand)),
		claimRecord:  strings.ToLower(foldCopy(p.Title + " | " + p.Brand)),
		plainRecord:  strings.ToLower(p.Title + " " + p.Category),
		personRecord: p.Title + " " + p.Brand + " " + p.Category,
		titleWords:   wordsOf(p.Title),
		brandWords:   strings.Fields(p.Brand),
		recordHan:    hasHan(p.Title + p.Brand + p.Category),
	}
	gr.sanitized = p
	for _, f := range []*string{&gr.sanitized.Title, &gr.sanitized.Brand, &gr.sanitized.Category} {
		var removed []string
		*f, removed = sanitizeField(*f)
		gr.injections = append(gr.injections, removed...)
	}
	for _, v := range []float64{p.Price, p.ListPrice} {
		if v > 0 {
			gr.priceDigits = append(gr.priceDigits, fmt.Sprintf("%.0f", v))
		}
	}
	return gr
}

// groundingsMax bounds a guard's cache of groundings; a full cache starts again empty.
const groundingsMax = 2048

// groundings caches the grounding of the records a guard checks copy against: a stage advertises
// the same catalogue products again and again. Safe for concurrent use.
type groundings struct {
	mu sync.Mutex
	m  map[schemas.Product]*grounding
}

func newGroundings() *groundings {
	return &groundings{m: make(map[schemas.Product]*grounding)}
}

// of returns p's grounding, built on first use; a nil cache builds it every time.
func (c *groundings) of(p schemas.Product) *grounding {
	if c == nil {
		return newGrounding(p)
	}
	c.mu.Lock()
	gr, ok := c.m[p]
	c.mu.Unlock()
	if ok {
		return gr
	}
	gr = newGrounding(p)
	c.mu.Lock()
	if len(c.m) >= groundingsMax {
		clear(c.m)
	}
	c.m[p] = gr
	c.mu.Unlock()
	return gr
}

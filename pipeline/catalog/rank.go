package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// Why no product was chosen for a shopper, as NoProductError.Reason.
const (
	ReasonNoInterest       = "no_interest"        // the shift names no interest at all
	ReasonNoCandidates     = "no_candidates"      // nothing in the catalogue is close to any interest
	ReasonAllRecentlyShown = "all_recently_shown" // every close product was bought or advertised to the shopper lately
	ReasonOutsidePriceBand = "outside_price_band" // every close product the shopper may see is priced far outside their band
)

// NoProductError says why Rank found nothing to advertise, and for which interest.
type NoProductError struct {
	Reason     string // one of the Reason constants
	Interest   string // the shopper's top interest, as the shift wrote it
	Candidates int    // catalogue products close to some interest
}

func (e *NoProductError) Error() string {
	return fmt.Sprintf("no product for %q: %s (%d close products)", e.Interest, e.Reason, e.Candidates)
}

// Hint says what would let the interest find a product.
func (e *NoProductError) Hint() string {
	switch e.Reason {
	case ReasonNoInterest:
		return "the shift carries neither predicted interests nor summary categories"
	case ReasonNoCandidates:
		return "no catalogue category shares a level with it: pair the clickstream with its own catalogue, or write both taxonomies alike (levels split by '.', '/', '>' or '|')"
	case ReasonAllRecentlyShown:
		return "every close product was bought or advertised recently: a larger catalogue or a smaller creatives.recent_per_user"
	case ReasonOutsidePriceBand:
		return "every close product is priced beyond the shopper's band by more than the ranking's price ratio"
	}
	return ""
}

// ErrNoProduct is what every *NoProductError matches with errors.Is.
var ErrNoProduct = errors.New("no product")

// Is makes errors.Is(err, ErrNoProduct) hold.
func (e *NoProductError) Is(target error) bool { return target == ErrNoProduct }

// RankConfig tunes a Ranker. Zero fields take the defaults in their comments.
type RankConfig struct {
	// Closeness scores a product against an interest; default Taxonomy. Taxonomy's candidates
	// come from the catalogue's index; any other Closeness is asked about every product.
	Closeness Closeness
	// Interests is how many of the shopper's interests, best first, a product may serve;
	// default 5.
	Interests int
	// MaxPriceRatio excludes products priced more than this factor above the band's maximum or
	// below its minimum; default 4, negative for no limit.
	MaxPriceRatio float64
	// Popularity is a prior per product id in [0, 1] (say, a rating or review count scaled);
	// products without one, and every product when it is nil, get the neutral 0.5.
	Popularity map[string]float64
}

// The weights of a product's score: closeness to the interest weighs most; price fit, the
// shopper's top brand and popularity order products about equally close.
const (
	weightCloseness  = 0.7
	weightPrice      = 0.15
	weightBrand      = 0.1
	weightPopularity = 0.05
	neutral          = 0.5
)

// Ranker scores catalogue products for a shopper: closeness to their interests (each weighted
// by its score relative to the best), price fit to their band, their top brand and popularity, leaving out what
// they bought or were shown recently. It is immutable and safe for concurrent use.
type Ranker struct {
	cat       *Catalog
	cfg       RankConfig
	taxonomic bool
}

// NewRanker returns a Ranker over c.
func NewRanker(c *Catalog, cfg RankConfig) *Ranker {
	if cfg.Closeness == nil {
		cfg.Closeness = Taxonomy{}
	}
	cfg.Interests = cmp.Or(cfg.Interests, 5)
	cfg.MaxPriceRatio = cmp.Or(cfg.MaxPriceRatio, 4)
	_, taxonomic := cfg.Closeness.(Taxonomy)
	return &Ranker{cat: c, cfg: cfg, taxonomic: taxonomic}
}

// Choice is the product Rank chose and how it matched.
type Choice struct {
	Product schemas.Product
	Match   schemas.Match
}

// Interests are what a shift says the shopper wants next: the interest model's prediction when
// it made one, else the profile's top categories.
func Interests(sh *schemas.Shift) []schemas.Weighted {
	if len(sh.Predicted) > 0 {
		return sh.Predicted
	}
	return sh.Summary.Categories
}

// Rank chooses the product to advertise for sh: the best-scoring product the shopper may see,
// ties broken by the lower id, so the same shift and recent list always give the same product.
// Match.Rank is its place among every product scored, those left out as bought or recent
// included, so a rank above 1 says how many better ones the shopper had seen. When nothing fits
// it returns a *NoProductError.
func (r *Ranker) Rank(sh *schemas.Shift, recent []string) (Choice, error) {
	q := r.query(sh)
	if len(q.levels) == 0 || len(q.levels[0]) == 0 {
		return Choice{}, &NoProductError{Reason: ReasonNoInterest, Interest: q.top()}
	}
	var all []scored
	chosen := -1
	priceExcluded := 0
	for _, i := range r.candidates(q.levels) {
		p := &r.cat.products[i]
		rel, which := r.closest(&q, i)
		if which < 0 {
			continue
		}
		fit, ok := r.priceFit(p.Price, p.Currency, sh.Summary.PriceBand)
		if !ok {
			priceExcluded++
			continue
		}
		pop, ok := r.cfg.Popularity[p.ID]
		if !ok {
			pop = neutral
		}
		score := weightCloseness*rel + weightPrice*fit + weightPopularity*pop
		if q.brand != "" && NormName(p.Brand) == q.brand {
			score += weightBrand
		}
		s := scored{i: i, score: score, interest: which}
		all = append(all, s)
		if slices.Contains(sh.Summary.Purchased, p.ID) || slices.Contains(recent, p.ID) {
			continue
		}
		if chosen < 0 || better(s.score, p.ID, all[chosen].score, r.cat.products[all[chosen].i].ID) {
			chosen = len(all) - 1
		}
	}
	if chosen < 0 {
		return Choice{}, noProduct(q.top(), len(all), priceExcluded)
	}
	c := all[chosen]
	id := r.cat.products[c.i].ID
	rank := 1
	for _, s := range all {
		if better(s.score, r.cat.products[s.i].ID, c.score, id) {
			rank++
		}
	}
	return Choice{Product: r.cat.products[c.i], Match: schemas.Match{Rank: rank, Score: c.score, Interest: q.interests[c.interest].Name}}, nil
}

// scored is one product's score, with the interest it serves best.
type scored struct {
	i        int
	score    float64
	interest int
}

// query is what Rank asks of the catalogue for one shift: the interests it may serve, their
// levels and weights relative to the best, and the shopper's top brand.
type query struct {
	interests []schemas.Weighted
	levels    [][]string
	weights   []float64
	brand     string
}

func (q *query) top() string {
	if len(q.interests) == 0 {
		return ""
	}
	return q.interests[0].Name
}

// query reads sh's interests, at most cfg.Interests of them.
func (r *Ranker) query(sh *schemas.Shift) query {
	q := query{interests: Interests(sh)}
	if len(q.interests) > r.cfg.Interests {
		q.interests = q.interests[:r.cfg.Interests]
	}
	best := 0.0
	for _, in := range q.interests {
		best = max(best, in.Weight)
	}
	for _, in := range q.interests {
		q.levels = append(q.levels, PathLevels(in.Name))
		w := 1.0
		if best > 0 {
			w = max(in.Weight, 0) / best
		}
		q.weights = append(q.weights, w)
	}
	if len(sh.Summary.Brands) > 0 {
		q.brand = NormName(sh.Summary.Brands[0].Name)
	}
	return q
}

// closest returns product i's weighted closeness to the interest it serves best, and that
// interest's index (-1: none).
func (r *Ranker) closest(q *query, i int) (float64, int) {
	rel, which := 0.0, -1
	for k := range q.levels {
		var c float64
		if r.taxonomic {
			c = pathCloseness(q.levels[k], r.cat.levels[i])
		} else {
			c = r.cfg.Closeness.Closeness(q.interests[k].Name, &r.cat.products[i])
		}
		if v := q.weights[k] * c; v > rel {
			rel, which = v, k
		}
	}
	return rel, which
}

// noProduct says why no product was chosen: none close (candidates 0), none the shopper may see
// though some were close, or only ones priced outside the band.
func noProduct(top string, scored, priceExcluded int) *NoProductError {
	e := &NoProductError{Reason: ReasonNoCandidates, Interest: top, Candidates: scored + priceExcluded}
	switch {
	case scored > 0:
		e.Reason = ReasonAllRecentlyShown
	case priceExcluded > 0:
		e.Reason = ReasonOutsidePriceBand
	}
	return e
}

// better orders scored products: the higher score first, then the lower id.
func better(score float64, id string, thanScore float64, thanID string) bool {
	if score != thanScore {
		return score > thanScore
	}
	return id < thanID
}

// candidates returns the indices of the products that may be close to some interest, ascending
// and each once: under Taxonomy, those sharing an interest's first level (or, for a one-word
// interest, having that level anywhere); under any other Closeness, every product.
func (r *Ranker) candidates(levels [][]string) []int {
	if !r.taxonomic {
		out := make([]int, len(r.cat.products))
		for i := range out {
			out[i] = i
		}
		return out
	}
	var out []int
	for _, l := range levels {
		if len(l) > 0 {
			out = append(out, r.cat.byName[l[0]]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// priceFit is 1 for a price inside the band, falling linearly in the log of the ratio to the
// nearer edge to 0 at MaxPriceRatio, beyond which the product is excluded (false). A band that
// is unset or in another currency, or a product without a price, says nothing: neutral.
func (r *Ranker) priceFit(price float64, currency string, b schemas.PriceBand) (float64, bool) {
	if b.Max <= 0 || price <= 0 || (b.Currency != "" && currency != "" && !strings.EqualFold(b.Currency, currency)) {
		return neutral, true
	}
	var ratio float64
	switch {
	case price > b.Max:
		ratio = price / b.Max
	case price < b.Min:
		ratio = b.Min / price
	default:
		return 1, true
	}
	if r.cfg.MaxPriceRatio < 0 {
		return max(0, 1-math.Log(ratio)/math.Log(4)), true
	}
	if ratio > r.cfg.MaxPriceRatio {
		return 0, false
	}
	if r.cfg.MaxPriceRatio <= 1 {
		return 0, true
	}
	return 1 - math.Log(ratio)/math.Log(r.cfg.MaxPriceRatio), true
}

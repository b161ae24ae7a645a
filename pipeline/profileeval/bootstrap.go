package profileeval

import (
	"slices"

	"github.com/adshift/adshift/pipeline/seed"
)

// defaultResamples is how many bootstrap resamples give an interval: enough that the 2.5th
// and 97.5th percentiles move by well under a point between seeds.
const defaultResamples = 1000

// metricNames are the figures of a ranking task, in report order.
var metricNames = [metricCount]string{"hit_at_1", "hit_at_3", "hit_at_10", "mrr"}

const metricCount = 4

// figures is one predictor's metrics on one task.
type figures [metricCount]float64

// sums adds up tallies, each weighted.
type sums struct{ n, at1, at3, at10, rr float64 }

func (s *sums) add(t tally, w float64) {
	s.n += w * float64(t.n)
	s.at1 += w * float64(t.at1)
	s.at3 += w * float64(t.at3)
	s.at10 += w * float64(t.at10)
	s.rr += w * t.rr
}

func (s sums) figures() figures {
	if s.n == 0 {
		return figures{}
	}
	return figures{s.at1 / s.n, s.at3 / s.n, s.at10 / s.n, s.rr / s.n}
}

// resampled holds, for every task and predictor, its figures on each bootstrap resample of
// the shoppers: [task][predictor][resample].
type resampled [taskCount][][]figures

// bootstrap resamples shoppers with replacement — a shopper's events stay together, since one
// shopper's events are not independent of each other — from a fixed seed, so a report is
// reproducible, and computes every figure on every resample. Each figure pools the resample's
// events (a ratio of sums), as the point estimate does.
func bootstrap(shoppers []*shopper, preds, resamples int) resampled {
	var out resampled
	for t := range out {
		out[t] = make([][]figures, preds)
		for p := range out[t] {
			out[t][p] = make([]figures, resamples)
		}
	}
	if len(shoppers) == 0 {
		return out
	}
	acc := make([]sums, taskCount*preds)
	resample(len(shoppers), resamples, func(r int, w []float64) {
		clear(acc)
		for i, u := range shoppers {
			if w[i] == 0 {
				continue
			}
			for t := range u.tally {
				for p, tl := range u.tally[t] {
					acc[t*preds+p].add(tl, w[i])
				}
			}
		}
		for t := range out {
			for p := range out[t] {
				out[t][p][r] = acc[t*preds+p].figures()
			}
		}
	})
	return out
}

// resample draws n shoppers with replacement resamples times, from a fixed seed, and calls fn
// with each draw's weights: how many times each shopper was drawn. Every figure resamples the
// same draws, so a report is reproducible and differences are paired.
func resample(n, resamples int, fn func(r int, w []float64)) {
	rnd := seed.Rand("profileeval", "bootstrap")
	w := make([]float64, n)
	for r := range resamples {
		clear(w)
		for range n {
			w[rnd.IntN(n)]++
		}
		fn(r, w)
	}
}

// interval is the central 95% of values: their 2.5th and 97.5th percentiles, interpolated.
func interval(values []float64) [2]float64 {
	if len(values) == 0 {
		return [2]float64{}
	}
	s := slices.Sorted(slices.Values(values))
	q := func(p float64) float64 {
		x := p * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (x-float64(i))*(s[i+1]-s[i])
	}
	return [2]float64{q(0.025), q(0.975)}
}

// Package stats holds the statistics adshift's evaluation reports: Wilson score intervals for
// rates, the relative lift of treatment over holdout with a delta-method interval computed over
// per-shopper totals, the mixture sequential probability ratio test (mSPRT) that makes a p-value
// safe to look at every day and the confidence sequence that inverts it, Holm's step-down
// adjustment, CUPED variance reduction, minimum detectable effects and sample sizes, and
// inverse-propensity (IPS, SNIPS) estimates of what another policy
// would have earned from the propensities logged on every ad.
//
// Everything here is a pure function of its arguments: no state, no I/O, safe for concurrent use.
// Each estimator names the paper it follows and is tested against that paper's worked numbers or,
// where a paper gives none, against a property that only a correct implementation has.
package stats

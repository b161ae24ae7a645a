// Package strategy is the creatives stage's feedback loop: a Thompson-sampling bandit that picks
// the creative style (arm) of each ad per shopper segment, learning from the impressions and
// clicks the outcomes stage landed.
//
// Every (segment, arm) has a Beta posterior over its click-through rate. Its prior is empirical
// Bayes: centred on the segment's CTR times the arm's CTR ratio across all segments, weighted
// as PriorStrength impressions, so a small segment starts from what the arm does everywhere and a
// large one soon speaks for itself. Posteriors are rebuilt from a Stats source — ClickHouse in
// production (sinks/clickhouse), an in-memory Tally in the simulator — by Refresh, which Run
// calls on an interval.
//
// Choices are reproducible: the posterior draws for an ad are seeded by (user, profile version,
// salt), so a replayed or retried shift gets the same arm while the posteriors are unchanged. The
// persistent holdout is the uniform Assigner's (hash(user, salt)), so switching policy never
// moves a shopper in or out of it. Each ad logs the propensity of its arm: the probability that
// Thompson sampling picks it from the posteriors in force, estimated once per segment and
// refresh by Monte Carlo draws seeded by (segment, refresh generation).
//
// A Thompson is safe for concurrent use: Choose reads an immutable snapshot of the posteriors
// that Refresh swaps atomically.
package strategy

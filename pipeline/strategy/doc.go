// Package strategy decides who gets which arm: the creative styles of the experiment (the arm
// constants, and Styles, every style a prompt set writes), its configuration (Config, validated
// once by Config.Validate), the persistent holdout, and the Chooser the creatives stage asks for
// each ad's strategy. New is the one place that turns Config.Policy into a Chooser: the uniform
// Assigner, or the Thompson-sampling bandit that learns from the impressions and clicks the
// outcomes stage landed. Segment names the shopper segment both choose per.
//
// The Assigner's holdout is persistent: hash(user, salt) alone decides it, so a shopper stays in
// it across profile versions, and the bandit reuses it, so switching policy never moves a shopper
// in or out of it. Treated shoppers get an arm drawn uniformly by hash(user, version, salt).
//
// In the bandit every (segment, arm) has a Beta posterior over its click-through rate. Its prior
// is empirical Bayes: centred on the segment's CTR times the arm's CTR ratio across all
// segments, weighted as PriorStrength impressions, so a small segment starts from what the arm
// does everywhere and a large one soon speaks for itself. Posteriors are rebuilt from a Stats
// source — ClickHouse in production (sinks/clickhouse), an in-memory Tally in the simulator — by
// Refresh, which Run calls on an interval.
//
// Choices are reproducible: the posterior draws for an ad are seeded by (user, profile version,
// salt), so a replayed or retried shift gets the same arm while the posteriors are unchanged.
// Each ad logs the propensity of its arm: the probability that Thompson sampling picks it from
// the posteriors in force, integrated numerically over the Beta posteriors once per segment and
// refresh (deterministic; within 1e-8 absolute). That propensity is conditional on the group: the
// ad's unconditional propensity, the probability of its group and arm together, is logged
// beside it.
//
// Concurrency: an Assigner is immutable; a Thompson's Choose reads an immutable snapshot of the
// posteriors that Refresh swaps atomically. Both are safe for concurrent use.
package strategy

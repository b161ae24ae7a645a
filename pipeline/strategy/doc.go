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
// In the bandit every (segment, arm) has a Beta posterior over its click-through rate, and the
// cells share strength (shared.go): a cell's CTR is modelled as its segment's base rate times the
// arm's multiplier, learnt across all segments. Its prior is centred on that product, the
// multiplier fitted on every other segment, and is as strong as that evidence is (the
// multiplier's Gamma posterior), weakened by how much cells disagree with the model (method of
// moments); PriorStrength fixes it instead. So a small or new segment chooses as the whole
// experiment does, and a large one that differs soon speaks for itself. Counts decay with
// HalfLife, in the time the refreshes are given (RefreshAt), so the bandit follows drift.
// Posteriors are rebuilt from a Stats source — ClickHouse in production (sinks/clickhouse), an
// in-memory Tally in the simulator — by Refresh, which Run calls on an interval.
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

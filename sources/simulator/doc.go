// Package simulator closes adshift's loop offline, with known truth. It replays a real dataset
// through the same domain code the pipeline runs — the features stage's processor, the creatives
// stage with the template generator and the strategy (the Thompson bandit or the uniform
// assigner), the outcomes stage's attribution — and plays the world outside adshift in between:
//
//   - delivery: an ad is shown (an impression) at its shopper's next event in the data after the
//     ad was made, if that comes before the ad expires; a newer ad replaces one not yet shown;
//   - shoppers: an impression is clicked with probability base × effect(arm), where base grades
//     how well the ad's product matches what the shopper really does from then on in the data
//     (the same product, its category, its segment, or nothing) and effect is a configured
//     per-arm multiplier — the truth the bandit must find; a click converts when the shopper
//     really orders in the ad's segment later, within the outcomes stage's click window.
//
// The bandit's posteriors are refreshed from the simulator's own tally of impressions and clicks
// every Config.Refresh of event time, as the pipeline refreshes them from ClickHouse on an
// interval. Because every click probability is known for every arm, the simulator reports the
// bandit's regret against the best arm, the arm shares over time, and the true lift of treatment
// over holdout next to the lift the report's statistics (pipeline/stats) measure from the
// outcome rows.
//
// A run is deterministic: events are ordered by (event time, file order), every random draw is
// seeded by (seed, ad id) or by the strategy's own hashes, and nothing depends on map order, so
// the same dataset, configuration and seed give the same Result. A Simulator is used by one
// goroutine.
package simulator

// Package simulation is the world outside adshift, simulated: the delivery system that shows
// ads and the shoppers who react to them. It is not an adapter that brings data in (sources/)
// nor one that lands it (sinks/): it is domain code that plays the parts adshift does not own,
// so the loop can be closed in a demo and offline, and it imports no infrastructure: its callers
// read the datasets and wire the topics. It holds two players of that world.
//
// Delivery (delivery.go) plays a delivery system for the demo (`adshift deliver`) and the
// end-to-end tests: it reads ready ads, "shows" each one to its shopper and writes what the
// shopper did back into the clickstream as Segment events — Promotion Viewed for the impression,
// Promotion Clicked with a probability set per arm, and sometimes an Order Completed for the
// advertised product after a click. Promotion events carry the ad's product as product_id, as a
// delivery system must for the outcomes stage to credit an order of that product to the click.
// It is a pipeline.Stage, so it runs on the same consumer-group machinery as adshift's own
// stages. Outcomes are drawn from a hash of (seed, ad_id), so a redelivered ad yields the same
// events with the same message ids, and a run is reproducible. Its counters are safe to read
// while it runs.
//
// Run (simulator.go) closes adshift's loop offline, with known truth, for `adshift simulate`. It
// replays a real dataset through the in-memory pipeline (pipeline/runner) — the features stage,
// the creatives stage with the template generator and the strategy (the Thompson bandit or the
// uniform assigner), the outcomes stage's attribution — and plays the world in between
// (world.go):
//
//   - delivery: an ad is shown (an impression) at its shopper's next event in the data after the
//     ad was made, if that comes before the ad expires; a newer ad replaces one not yet shown;
//   - shoppers: an impression is clicked with probability base × effect(arm), where base grades
//     how well the ad's product matches what the shopper really does from then on in the data
//     (the same product, its category, its segment, or nothing) and effect is a configured
//     per-arm multiplier — the truth the bandit must find; a click converts when the shopper
//     really orders in the ad's segment later, within the outcomes stage's click window.
//
// The bandit's posteriors are refreshed from the simulation's own tally of impressions and clicks
// every Config.Refresh of event time, as the pipeline refreshes them from ClickHouse on an
// interval. Because every click probability is known for every arm, Run reports the bandit's
// regret against the best arm, the arm shares over time, and the true lift of treatment over
// holdout next to the lift the report's statistics (pipeline/stats) measure from the outcome
// rows (result.go). The true lift is the population's — every impression of both groups, its
// click probability expected under the policy's arm probabilities against the baseline's — so
// the measured lift and its interval estimate that very quantity, and the arms the bandit
// happened to draw are part of the measurement's noise, not of the truth.
//
// A run is deterministic: events are ordered by (event time, file order), every random draw is
// seeded by (seed, ad id) or by the strategy's own hashes, and nothing depends on map order, so
// the same dataset, configuration and seed give the same Result. A run uses one goroutine.
package simulation

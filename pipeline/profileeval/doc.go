// Package profileeval scores interest predictions offline, for `adshift profile-eval`: it runs
// a dataset's events through one features partition of the in-memory runner (pipeline/runner),
// in the order they would arrive live, and before each event asks every predictor which
// categories the shopper will engage with next. Evaluate is one synchronous call; nothing in
// the package is shared between goroutines.
//
// # Tasks
//
// next_category scores the next event's category: hit@1, hit@3, hit@10 (the share of scored
// events whose category is among a predictor's first 1, 3, 10) and MRR, the mean reciprocal
// rank cut at 10 (a category ranked lower counts 0, as a slot an ad cannot show). An event is
// scored when it has a category and its shopper had an earlier one. next_new_category scores
// only events whose category is not among the shopper's last 5 distinct categories, and every
// predictor ranks only categories outside those 5: what an ad can show that the shopper is not
// already looking at. next_purchase_category is scored at shifts, not events: at each shift
// after the guard, every predictor's first 10 categories (none left out) are scored against
// the set of categories the shopper added to the cart (Product Added) or ordered (Order
// Completed) in the next 24 h of event time; a hit@k is any of the first k in the set, the
// MRR that of the first in it. A shift with no cart add or order in that day is not scored:
// nothing it could have advertised would have been bought. It asks what an ad at a shift
// should show, measured by what the shopper went on to buy rather than view. With
// Options.Orders (an order split into one event per category, at one instant) the set is the
// shopper's next order instead, however far ahead: the order a shift fired at was bought with
// it, not after, and wholesale customers reorder in weeks, not within the day.
//
// # Predictors
//
// model is a Ranker given from outside (Options.Model, or Options.Train on a split): the
// package does not import the interest model, so any model scores through the same seam. The
// baselines are the rules a learned model has to beat: profile and profile_long (the features
// stage's own short- and long-horizon top categories), last_category (the shopper's distinct
// categories, most recent first), most_frequent (by the shopper's counts, most recent first
// among equals), popular (all shoppers' counts so far), transition (the category shoppers most
// often moved to from the shopper's last one) and earlier_interest (the shopper's categories
// before the current one, most recent first; beyond the last 5 for next_new_category, where it
// therefore ranks as last_category does). popular and the shoppers' own statistics grow
// prequentially — from what came before each event, never after it. transition does too
// without a split; with one, it learns on the training span only, as the model does.
// Options.Baselines narrows the baselines to those named (adshift train scores its holdout
// against last_category alone), and Options.TasksOnly leaves out the triggers.
//
// # The leakage guard
//
// With Options.TrainShare the events are split by event time: the first share (extended over
// every event at the same instant as its last) is the training span, handed to Options.Train,
// and no event in it is scored; the rest is. With Options.Model no event at or before its Until
// is scored. Every predictor is scored on the same events, and events before the guard still
// build the shoppers' histories and profiles, as they would have live.
//
// # Intervals
//
// Every figure carries a bootstrap 95% interval over shoppers: the scored shoppers are
// resampled with replacement (1000 times by default, from a fixed seed, so a report is
// reproducible) and the figure recomputed on each resample, pooling its events; the interval is
// the 2.5th to 97.5th percentile. Resampling shoppers rather than events keeps one shopper's
// correlated events together, so the interval is not falsely narrow. The model's difference
// from the best baseline on each figure (best by point estimate) is resampled on the same draws,
// so its interval accounts for the two being scored on the same shoppers.
//
// # Triggers
//
// Three triggers send ads at equal ad counts, each ad claiming a category: shift (the shift
// detector's shifts, the shift's top category), timer_events (every K categorised events of a
// shopper) and timer_minutes (on a shopper's first event at least T minutes of event time
// after its previous firing, or after its first event), the timers claiming the profile's top
// category when they fire. K and T are fitted, not tuned: each is the period whose ads after
// the guard come closest to the shifts' count, found by bisection (over a shopper's whole history a
// longer period never sends more ads). A timer fires on an event because an ad reaches a shopper who is there.
//
// Each trigger is scored on its ads after the guard:
//   - precision: at least half of the shopper's next Options.Confirm categorised events fall
//     in the ad's category (ads with no event after them are not scored);
//   - novelty: the same trigger had not advertised the category to that shopper in the
//     previous 24 h of event time — ads before the guard count, as they were sent;
//   - coverage and timeliness_events, against the shoppers' new interests. A new interest is
//     a maximal run of 3 or more consecutive categorised events of a shopper in one category
//     that is not among the 5 distinct categories the shopper saw last before the run, and
//     not the shopper's very first events (those are a first interest, not a change). It is
//     covered when the trigger sent an ad claiming its category after one of the run's events
//     — while the shopper was on it; coverage is the share covered, of those starting after
//     the guard. timeliness_events is, over covered interests, the mean position in the run of
//     the event the first such ad came after: 1 when it came right after the first event.
//
// Precision alone rewards a trigger that fires late into a long run: it is then easily
// confirmed, but the shopper has long been looking. Coverage and timeliness ask whether it
// came while the interest was new, novelty whether it repeats itself. Every figure is a ratio
// of sums over shoppers, with a bootstrap interval on the same resamples as the tasks'.
// The shift's precision and coverage minus the best timer's on each (best by point estimate)
// carry a paired interval: every trigger is tallied per shopper, and each resample weighs the
// shift's and the timer's tallies of the same shoppers alike, as the model's difference from
// the best baseline is.
package profileeval

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
// already looking at.
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
// The shift detector's shifts, scored after the guard, are checked against what the shopper
// does next (precision: at least half of the next Options.Confirm events fall in the profile's
// top category) and compared with a timer firing every K events of each shopper, with K chosen
// so it sends about as many ads.
package profileeval

package profileeval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
)

// ErrNoEvents is returned when a split leaves no event to train on or none to score.
var ErrNoEvents = errors.New("no events")

// Evaluate runs events through one features partition in event-time order and scores every
// predictor on every task, and the shift trigger against a timer, as opt says. events are
// sorted by event time first if they are not already (the caller's slice is not modified).
func Evaluate(ctx context.Context, cfg features.Config, events []schemas.Event, opt Options) (Report, error) {
	if !(opt.TrainShare >= 0 && opt.TrainShare < 1) {
		return Report{}, fmt.Errorf("evaluate: train share %g is outside [0, 1)", opt.TrainShare)
	}
	if opt.Resamples < 0 {
		return Report{}, fmt.Errorf("evaluate: %d bootstrap resamples", opt.Resamples)
	}
	if opt.TrainShare > 0 && opt.Model != nil {
		return Report{}, errors.New("evaluate: give a model or a train share, not both")
	}
	if opt.Model != nil && opt.Model.Ranker == nil {
		return Report{}, errors.New("evaluate: the model has no ranker")
	}
	byTime := func(a, b schemas.Event) int { return a.Timestamp.Compare(b.Timestamp) }
	if !slices.IsSortedFunc(events, byTime) {
		events = slices.Clone(events)
		slices.SortStableFunc(events, byTime)
	}
	var guard time.Time
	if opt.Model != nil {
		guard = opt.Model.Until
	}
	if opt.TrainShare > 0 {
		n, err := trainSpan(events, opt.TrainShare)
		if err != nil {
			return Report{}, err
		}
		guard = events[n-1].Timestamp
		if opt.Train != nil {
			m, err := opt.Train(events[:n:n])
			if err != nil {
				return Report{}, fmt.Errorf("evaluate: train on %d events: %w", n, err)
			}
			if m.Ranker == nil {
				return Report{}, errors.New("evaluate: the trained model has no ranker")
			}
			if m.Until.After(guard) {
				guard = m.Until // it claims to have seen later events: score none of them
			}
			opt.Model = &m
		}
	}
	e, err := newEvaluator(ctx, cfg, opt, guard, opt.TrainShare > 0)
	if err != nil {
		return Report{}, err
	}
	for i := range events {
		if err := e.add(ctx, events[i]); err != nil {
			return Report{}, err
		}
	}
	if e.scoredEvents() == 0 {
		return Report{}, fmt.Errorf("evaluate: nothing after %s to score (the model trained on it): %w", guard.Format(time.RFC3339), ErrNoEvents)
	}
	resamples := opt.Resamples
	if resamples == 0 {
		resamples = defaultResamples
	}
	return e.report(resamples, opt.TrainShare), nil
}

// trainSpan is how many of the time-sorted events form the first share: the share, rounded
// down, extended over every event at the same time as its last, so no instant is split.
func trainSpan(events []schemas.Event, share float64) (int, error) {
	n := int(share * float64(len(events)))
	if n == 0 {
		return 0, fmt.Errorf("evaluate: a train share of %g of %d events: %w to train on", share, len(events), ErrNoEvents)
	}
	last := events[n-1].Timestamp
	for n < len(events) && !events[n].Timestamp.After(last) {
		n++
	}
	if n == len(events) {
		return 0, fmt.Errorf("evaluate: a train share of %g of %d events: %w to score", share, len(events), ErrNoEvents)
	}
	return n, nil
}

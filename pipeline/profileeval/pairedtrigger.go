package profileeval

// pairedTriggerMetrics are the trigger figures the shift is compared with the best timer on,
// as indices into triggerMetrics: precision and coverage, the two a timer can match.
var pairedTriggerMetrics = [...]int{0, 3}

// timerTallies is a timer's name, its figures and its per-shopper tallies.
type timerTallies struct {
	name    string
	trigger Trigger
	tallies []ratios
}

// vsBestTimer is, for each paired figure, the shift's figure minus the best timer's (by point
// estimate), with the 95% interval of that difference over the same bootstrap resamples of
// shoppers: every trigger's tallies are in the order of the same shoppers, and resample draws
// the same weights for the same count, so each resample's difference is paired.
func vsBestTimer(shift []ratios, timers []timerTallies, resamples int) map[string]Difference {
	out := make(map[string]Difference, len(pairedTriggerMetrics))
	var shiftTotal ratios
	for i := range shift {
		shiftTotal.add(shift[i], 1)
	}
	for _, m := range pairedTriggerMetrics {
		best := 0
		for i, t := range timers {
			if triggerFigure(t.trigger, m) > triggerFigure(timers[best].trigger, m) {
				best = i
			}
		}
		b := timers[best]
		diffs := make([]float64, resamples)
		resample(len(shift), resamples, func(r int, w []float64) {
			var s, t ratios
			for i := range shift {
				if w[i] > 0 {
					s.add(shift[i], w[i])
					t.add(b.tallies[i], w[i])
				}
			}
			diffs[r] = s.figure(m) - t.figure(m)
		})
		out[triggerMetrics[m]] = Difference{
			Baseline: b.name,
			Diff:     shiftTotal.figure(m) - triggerFigure(b.trigger, m),
			CI95:     interval(diffs),
		}
	}
	return out
}

// triggerFigure is a trigger's figure m, indexed as triggerMetrics.
func triggerFigure(t Trigger, m int) float64 {
	return [len(triggerMetrics)]float64{t.Precision, t.Novelty, t.TimelinessEvents, t.Coverage}[m]
}

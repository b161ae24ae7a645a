package profileeval

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes an evaluation of the dataset file (of format) as terminal tables, every
// figure with its bootstrap 95% interval.
func WriteText(w io.Writer, format, file string, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	writeData(p, format, file, r.Data)
	for _, tk := range tasks {
		if t, ok := r.Tasks[tk.name]; ok {
			writeTask(p, tk, t, r.Data.Resamples)
		}
	}
	writeTriggers(p, r.Data, r.Triggers)
	return tw.Flush()
}

// printf writes formatted text to the tables.
type printf func(format string, args ...any)

// withCI formats a figure followed by its interval.
func withCI(x float64, iv [2]float64) string {
	return fmt.Sprintf("%.3f [%.3f, %.3f]", x, iv[0], iv[1])
}

// writeData writes what was evaluated: the dataset, its counts, what was scored and the dead letters.
func writeData(p printf, format, file string, d Data) {
	p("profile-eval %s %s\n", format, file)
	p("events %d, shoppers with categories %d, without category %d\n", d.Events, d.Shoppers, d.NoCategory)
	if d.ScoredAfter != nil {
		p("scored: events after %s (train share %g", d.ScoredAfter.UTC().Format("2006-01-02 15:04:05"), d.TrainShare)
		if d.ModelVersion != "" {
			p(", model %s", d.ModelVersion)
		}
		p(")\n")
	} else {
		p("scored: every event of a shopper seen before, prequentially\n")
	}
	if len(d.DeadLetters) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(d.DeadLetters)) {
			parts = append(parts, fmt.Sprintf("%s=%d", k, d.DeadLetters[k]))
		}
		p("dead letters: %s\n", strings.Join(parts, ", "))
	}
}

// writeTask writes a task's table of predictors and, when a model was scored, its lead over the best baseline.
func writeTask(p printf, tk task, t Task, resamples int) {
	p("\n%s\n", taskTitle(tk, t, resamples))
	p("predictor\thit@1\thit@3\thit@10\tMRR@10\n")
	for _, pred := range predictors {
		s, ok := t.Predictors[pred.name]
		if !ok {
			continue
		}
		p("%s\t%s\t%s\t%s\t%s\n", pred.name, withCI(s.HitAt1, s.CI95["hit_at_1"]), withCI(s.HitAt3, s.CI95["hit_at_3"]),
			withCI(s.HitAt10, s.CI95["hit_at_10"]), withCI(s.MRR, s.CI95["mrr"]))
	}
	if len(t.ModelVsBest) > 0 {
		diffs, bests := "model − best baseline", "  best baseline"
		for _, m := range metricNames {
			diff := t.ModelVsBest[m]
			diffs += "\t" + withCI(diff.Diff, diff.CI95)
			bests += "\t" + diff.Baseline
		}
		p("%s\n%s\n", diffs, bests)
	}
}

// triggerNotes say how the triggers are scored, in two lines.
func triggerNotes(confirm int) [2]string {
	return [2]string{
		fmt.Sprintf("triggers at equal ad counts, 95%% intervals over shoppers; precision: the next %d events confirm; novelty: not advertised in the previous 24 h", confirm),
		fmt.Sprintf("coverage: new interests (%d+ events outside the last %d categories) advertised while on them; timeliness: how many of its events came before its first ad, that one included", interestMinRun, interestSkip),
	}
}

// taskTitle is the line that opens a task's table.
func taskTitle(tk task, t Task, resamples int) string {
	return fmt.Sprintf("%s: %d %s of %d shoppers, 95%% intervals over %d resamples of shoppers", tk.name, t.Scored, tk.unit(), t.Shoppers, resamples)
}

// writeTriggers writes the triggers' table, the shift precision by reason and the shift rate.
func writeTriggers(p printf, d Data, tr Triggers) {
	notes := triggerNotes(d.ConfirmEvents)
	p("\n%s;\n%s\n", notes[0], notes[1])
	p("trigger\tads\tprecision\tnovelty\ttimeliness_events\tcoverage\tnew interests\n")
	row := func(name string, s Trigger) {
		p("%s\t%d\t%s\t%s\t%s\t%s\t%d\n", name, s.Ads, withCI(s.Precision, s.CI95["precision"]), withCI(s.Novelty, s.CI95["novelty"]),
			withCI(s.TimelinessEvents, s.CI95["timeliness_events"]), withCI(s.Coverage, s.CI95["coverage"]), s.Interests)
	}
	row("shift", tr.Shift)
	row("timer_events ("+tr.TimerEvents.timerName()+")", tr.TimerEvents)
	row("timer_minutes ("+tr.TimerMinutes.timerName()+")", tr.TimerMinutes)
	if vs := tr.Shift.VsBestTimer; len(vs) > 0 {
		prec, cov := vs["precision"], vs["coverage"]
		p("shift − best timer\t\t%s\t\t\t%s\t\n", withCI(prec.Diff, prec.CI95), withCI(cov.Diff, cov.CI95))
		p("  best timer\t\t%s\t\t\t%s\t\n", prec.Baseline, cov.Baseline)
	}
	p("\nshift precision by reason\tads\tscored\tconfirmed\tprecision\n")
	for _, reason := range slices.Sorted(maps.Keys(tr.Shift.ByReason)) {
		s := tr.Shift.ByReason[reason]
		p("  %s\t%d\t%d\t%d\t%.3f\n", reason, s.Ads, s.Scored, s.Confirmed, s.Precision)
	}
	p("\nshifts per active shopper per day\t%.3f\t(%d shifts over %d shopper-days)\n", d.ShiftsPerDay, tr.Shift.Ads, d.UserDays)
}

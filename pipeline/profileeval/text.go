package profileeval

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// WriteText writes an evaluation of the dataset file (of format) as terminal tables.
func WriteText(w io.Writer, format, file string, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	p("profile-eval %s %s\n", format, file)
	p("events %d, shoppers with categories %d, without category %d, scored (shopper seen before) %d\n",
		r.Events, r.Users, r.NoCategory, r.ScoredEvents)
	if len(r.DeadLetters) > 0 {
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(r.DeadLetters)) {
			parts = append(parts, fmt.Sprintf("%s=%d", k, r.DeadLetters[k]))
		}
		p("dead letters: %s\n", strings.Join(parts, ", "))
	}
	p("\nnext-event category\thit@1\thit@3\n")
	for _, h := range r.HitRates {
		p("%s\t%.3f\t%.3f\n", h.Predictor, h.At1, h.At3)
	}
	p("\nshift precision (next %d events)\ttriggers\tscored\tconfirmed\tprecision\n", r.ConfirmEvents)
	row := func(s ShiftScore) {
		p("%s\t%d\t%d\t%d\t%.3f\n", s.Name, s.Triggers, s.Scored, s.Confirmed, s.Precision)
	}
	row(r.Shifts)
	for _, s := range r.ShiftsByKind {
		s.Name = "  " + s.Name
		row(s)
	}
	row(r.Naive)
	p("\nshifts per active shopper per day\t%.3f\t(%d shifts over %d shopper-days)\n", r.ShiftsPerDay, r.Shifts.Triggers, r.UserDays)
	return tw.Flush()
}

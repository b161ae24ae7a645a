package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/sources/dataset"
)

func newProfileEvalCmd(a *app) *cobra.Command {
	var format, file string
	var asJSON bool
	var confirm int
	cmd := &cobra.Command{
		Use:   "profile-eval --format rees46|taobao --file F [--json]",
		Short: "Score profiles and shifts on a dataset, offline, with the features stage's own code",
		Long: `profile-eval reads a dataset, orders its events by event time (as they would arrive live),
and runs them through one features partition — the same decoder, profiles and shift detector as
"adshift run", configured by the features section, with no Kafka. It reports how well the
profile's top categories predict each shopper's next category against simple baselines, how many
shifts the shopper's next events confirm against a naive trigger firing as often, and the shifts
per active shopper per day.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.profileEval(cmd.Context(), format, file, confirm)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			return printProfileEval(cmd.OutOrStdout(), format, file, r)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "dataset format: rees46, taobao, online-retail, segment")
	cmd.Flags().StringVar(&file, "file", "", "dataset file")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	cmd.Flags().IntVar(&confirm, "confirm", 5, "how many of a shopper's next events may confirm a shift")
	_ = cmd.MarkFlagRequired("format")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// profileEval reads the whole dataset in event-time order and evaluates it.
func (a *app) profileEval(ctx context.Context, format, file string, confirm int) (profileeval.Report, error) {
	events, _, err := dataset.ReadAll(format, file)
	if err != nil {
		return profileeval.Report{}, err
	}

	ev, err := profileeval.NewEvaluator(ctx, a.cfg.Features, confirm)
	if err != nil {
		return profileeval.Report{}, err
	}
	for i := range events {
		if err := ev.Add(ctx, events[i]); err != nil {
			return profileeval.Report{}, err
		}
	}
	return ev.Report(), nil
}

func printProfileEval(w io.Writer, format, file string, r profileeval.Report) error {
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
	row := func(s profileeval.ShiftScore) {
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

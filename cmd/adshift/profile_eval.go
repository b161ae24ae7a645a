package main

import (
	"context"
	"encoding/json"

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
			return profileeval.WriteText(cmd.OutOrStdout(), format, file, r)
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

package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

func newProfileEvalCmd(a *app) *cobra.Command {
	var format, file, modelFile, htmlFile, by string
	var asJSON bool
	var confirm int
	var share float64
	cmd := &cobra.Command{
		Use:   "profile-eval --format rees46|taobao --file F [--train-share 0.7 | --model FILE] [--json] [--html FILE]",
		Short: "Score interest predictors and shifts on a dataset, offline, with the features stage's own code",
		Long: `profile-eval reads a dataset, orders its events by event time (as they would arrive live),
and runs them through one features partition — the same decoder, profiles and shift detector as
"adshift run", configured by the features section, with no Kafka. For each shopper's next event it
scores how well the model (when given), the profile and simple baselines rank its category
(next_category) and, among categories outside the shopper's last 5, a new one (next_new_category):
hit@1, hit@3, hit@10 and MRR, each with a bootstrap 95% interval over shoppers; and at each shift,
how well each ranks the categories the shopper adds to the cart or orders in the next 24 h
(next_purchase_category). It compares the shifts with a timer every K events and one every T
minutes, K and T fitted to send as many ads: precision (the next --confirm events confirm the ad's
category), novelty (not advertised to the shopper in the previous 24 h), coverage (the share of new
interests, 3+ events in a category outside the shopper's last 5, advertised while the shopper is on
them) and timeliness (how many of the interest's events came before its first ad), with intervals;
and the shifts per active shopper per day. The shift's precision and coverage minus the best
timer's on each come with a paired interval over the same resamples of shoppers.

--train-share S trains on the first share of events by event time and scores the rest; --model FILE
scores a model trained elsewhere, never on events at or before the last one it trained on; with
neither, the model features.model names (the one run predicts with), if any, is scored so.
--html FILE also writes the report as one self-contained HTML page, the intervals drawn as bars.

A dataset whose events name no category (Online Retail) is scored on interest groups, as run
predicts with a model trained on it: the groups are learned from titles and baskets of the
training span (--train-share), taken from --model, or learned from every event otherwise, and an
order is one event per group it buys, in line order, so the next purchased group is scored at
every group. --by product scores the next purchased product instead, each product its own category.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if modelFile == "" && share == 0 {
				modelFile = a.cfg.Features.Model
			}
			opt, err := evalOptions(cmd.Context(), confirm, share, modelFile, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			r, err := a.profileEval(cmd.Context(), format, file, by, modelFile, opt)
			if err != nil {
				return err
			}
			if htmlFile != "" {
				if err := writePage(htmlFile, func(w io.Writer) error { return profileeval.WriteHTML(w, format, file, r) }); err != nil {
					return err
				}
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
	cmd.Flags().StringVar(&htmlFile, "html", "", "also write the report as a self-contained HTML page to this file")
	cmd.Flags().IntVar(&confirm, "confirm", 5, "how many of a shopper's next events may confirm a shift")
	cmd.Flags().Float64Var(&share, "train-share", 0, "train on this first share of events by event time, score the rest (0: score all, prequentially)")
	cmd.Flags().StringVar(&modelFile, "model", "", "score this interest model file, on events after its training span")
	cmd.Flags().StringVar(&by, "by", byGroup, "for events without categories: score interest groups (group) or products (product)")
	cmd.MarkFlagsMutuallyExclusive("train-share", "model")
	_ = cmd.MarkFlagRequired("format")
	_ = cmd.MarkFlagRequired("file")
	return cmd
}

// evalOptions are the evaluation's options: the interest model trained on the first share of the
// events, when share is set, or read from modelFile, when that is; progress goes to progress.
func evalOptions(ctx context.Context, confirm int, share float64, modelFile string, progress io.Writer) (profileeval.Options, error) {
	opt := profileeval.Options{Confirm: confirm, TrainShare: share, Train: func(train []schemas.Event) (profileeval.Model, error) {
		m, err := learnInterest(ctx, train, nil, progress)
		if err != nil {
			return profileeval.Model{}, err
		}
		return evalModel(m), nil
	}}
	if modelFile != "" {
		m, err := readInterest(modelFile)
		if err != nil {
			return profileeval.Options{}, err
		}
		em := evalModel(m)
		opt.Model = &em
	}
	return opt, nil
}

// profileEval reads the whole dataset and evaluates it; events without categories are read
// by interest group or product (by), as evalCategories says.
func (a *app) profileEval(ctx context.Context, format, file, by, modelFile string, opt profileeval.Options) (profileeval.Report, error) {
	events, _, err := dataset.ReadAll(format, file)
	if err != nil {
		return profileeval.Report{}, err
	}
	n := len(events)
	if events, err = evalCategories(events, by, modelFile, opt.TrainShare, io.Discard); err != nil {
		return profileeval.Report{}, err
	}
	opt.Orders = len(events) != n // orders were split by category
	return profileeval.Evaluate(ctx, a.cfg.Features, events, opt)
}

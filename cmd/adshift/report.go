package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/evaluation"
	"github.com/adshift/adshift/pipeline/simulation"
	"github.com/adshift/adshift/sinks/clickhouse"
)

func newReportCmd(a *app) *cobra.Command {
	var asJSON bool
	var htmlFile string
	cmd := &cobra.Command{
		Use:   "report [--json] [--html FILE]",
		Short: "Report outcomes per arm, segment and generator: always-valid lift, per-arm and guardrail intervals, CUPED, power and off-policy estimates",
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.report(cmd.Context())
			if err != nil {
				return err
			}
			if htmlFile != "" {
				if err := writePage(htmlFile, func(w io.Writer) error { return evaluation.WriteHTML(w, r) }); err != nil {
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			fmt.Fprint(cmd.OutOrStdout(), noAdNote+"\n")
			if err := evaluation.WriteText(cmd.OutOrStdout(), r); err != nil {
				return err
			}
			if htmlFile != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "\nHTML report with charts: %s\n", htmlFile)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	cmd.Flags().StringVar(&htmlFile, "html", "", "also write the report with charts to this HTML file")
	return cmd
}

// noAdNote opens the text report: ClickHouse holds the ads written, not the shifts that got none,
// so the report cannot know the no-ad share and says where it is.
const noAdNote = `Shifts without an ad are not in ClickHouse: this report counts the ads written. How many shifts
got none, and why, "adshift run" logs (creatives progress and stage summary: no_ad_share,
no_product_reasons) and serves as adshift_creatives_shifts_total{result} on /metrics.
`

// report reads the outcomes from ClickHouse and builds the evaluation report.
func (a *app) report(ctx context.Context) (evaluation.Report, error) {
	// A report only reads: it creates no database, and says which one is missing and what to run.
	ch, err := clickhouse.Connect(ctx, a.cfg.ClickHouse, a.log)
	if err != nil {
		return evaluation.Report{}, err
	}
	defer ch.Close()
	if err := ch.RequireDatabase(ctx); err != nil {
		return evaluation.Report{}, err
	}
	data, err := ch.Evaluation(ctx, a.cfg.Outcomes.LookEvery)
	if err != nil {
		return evaluation.Report{}, err
	}
	o := a.cfg.Outcomes
	dl := simulation.DefaultDeliveryConfig() // the demo's deliver runs with these
	delivery := &evaluation.SimulatedDelivery{ViewRate: dl.ViewRate, ClickRate: dl.ClickRate, ConvertRate: dl.ConvertRate}
	return evaluation.Build(data, evaluation.Options{
		Confidence: o.Confidence, MSPRTTau: o.MSPRTTau, PlannedShoppers: o.PlannedShoppers, CostPer1kTokens: o.CostPer1kTokens,
		CostCurrency: o.CostCurrency, TargetLift: o.TargetLift, LookEvery: o.LookEvery, Delivery: delivery,
		HoldoutShare: a.cfg.Creatives.Strategy.HoldoutShareInEffect(),
	})
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/sinks/clickhouse"
)

func newReportCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report [--json]",
		Short: "Report ads, impressions, clicks and CTR per arm and generator from ClickHouse",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ch, err := clickhouse.Open(ctx, a.cfg.ClickHouse, a.log)
			if err != nil {
				return err
			}
			defer ch.Close()
			s, err := ch.Summary(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			return printSummary(cmd.OutOrStdout(), ch.Database(), s)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of tables")
	return cmd
}

func printSummary(w io.Writer, db string, s clickhouse.Summary) error {
	fmt.Fprintf(w, "adshift report — ClickHouse database %s (distinct ids; duplicates never count twice)\n\n", db)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "arm\tgenerator\tgroup\tads\timpressions\tclicks\tCTR\tconversions\trevenue\t")
	row := func(r clickhouse.SummaryRow) {
		arm, gen, group := r.Arm, r.GeneratorKind, r.Group
		if arm == "" && gen == "" && group == "" {
			arm = "(ad not in ads)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%.2f%%\t%d\t%.2f\t\n",
			arm, gen, group, r.Ads, r.Impressions, r.Clicks, 100*r.CTR, r.Conversions, r.Revenue)
	}
	for _, r := range s.Rows {
		row(r)
	}
	t := s.Total
	fmt.Fprintf(tw, "total\t\t\t%d\t%d\t%d\t%.2f%%\t%d\t%.2f\t\n", t.Ads, t.Impressions, t.Clicks, 100*t.CTR, t.Conversions, t.Revenue)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if len(s.Failures) == 0 {
		fmt.Fprintln(w, "failed events: none")
		return nil
	}
	fmt.Fprintln(w, "failed events (clickstream.dlq) by kind:")
	for _, k := range slices.Sorted(maps.Keys(s.Failures)) {
		fmt.Fprintf(w, "  %-24s %d\n", k, s.Failures[k])
	}
	return nil
}

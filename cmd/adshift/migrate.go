package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/sinks/clickhouse"
)

func newMigrateCmd(a *app) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "migrate [--dry-run]",
		Short: "Apply the ClickHouse migrations (or print their DDL with --dry-run)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			ch, err := clickhouse.Open(ctx, a.cfg.ClickHouse, a.log)
			if err != nil {
				return err
			}
			defer ch.Close()
			applied, err := ch.Migrate(ctx, dryRun, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			switch {
			case dryRun:
				fmt.Fprintf(cmd.ErrOrStderr(), "-- %d migration(s) pending on %s (ClickHouse %s); nothing applied\n", len(applied), ch.Database(), ch.ServerVersion())
			case len(applied) == 0:
				fmt.Fprintf(cmd.OutOrStdout(), "database %s is up to date (ClickHouse %s)\n", ch.Database(), ch.ServerVersion())
			default:
				fmt.Fprintf(cmd.OutOrStdout(), "applied %v to %s (ClickHouse %s)\n", applied, ch.Database(), ch.ServerVersion())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the DDL instead of applying it")
	return cmd
}

package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/sinks/clickhouse"
)

func newMigrateCmd(a *app) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "migrate [--dry-run]",
		Short: "Apply the ClickHouse migrations (or print their DDL with --dry-run)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.migrate(cmd.Context(), dryRun, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the DDL instead of applying it")
	return cmd
}

// migrate applies the pending migrations, or with dryRun writes their DDL to stdout, and says
// what it did.
func (a *app) migrate(ctx context.Context, dryRun bool, stdout, stderr io.Writer) error {
	// A dry run creates nothing, not even the database.
	open := clickhouse.Open
	if dryRun {
		open = clickhouse.Connect
	}
	ch, err := open(ctx, a.cfg.ClickHouse, a.log)
	if err != nil {
		return err
	}
	defer ch.Close()
	applied, err := ch.Migrate(ctx, dryRun, stdout)
	if err != nil {
		return err
	}
	switch {
	case dryRun:
		fmt.Fprintf(stderr, "-- %d migration(s) pending on %s (ClickHouse %s); nothing applied, nothing created\n", len(applied), ch.Database(), ch.ServerVersion())
	case len(applied) == 0:
		fmt.Fprintf(stdout, "database %s is up to date (ClickHouse %s)\n", ch.Database(), ch.ServerVersion())
	default:
		fmt.Fprintf(stdout, "applied %v to %s (ClickHouse %s)\n", applied, ch.Database(), ch.ServerVersion())
	}
	return nil
}

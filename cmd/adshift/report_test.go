package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/adshift/adshift/sinks/clickhouse"
)

// databaseExists asks the server whether db is there.
func databaseExists(t *testing.T, a *app, db string) bool {
	t.Helper()
	return clickhouseCount(t, a, "SELECT count() FROM system.databases WHERE name = '"+db+"'") > 0
}

// The read-only commands, pointed at a database that does not exist (a typo), create nothing:
// report says which database is missing and to run adshift migrate, migrate --dry-run prints the
// database's creation among the DDL without running it, and config print never connects.
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	a := testApp(t) // its database is never created here
	db := a.cfg.ClickHouse.Database

	_, err := a.report(t.Context())
	var missing *clickhouse.MissingError
	if !errors.As(err, &missing) || missing.Table != "" {
		t.Errorf("report on a missing database: %v, want a *MissingError for the database", err)
	}
	for _, want := range []string{"database " + db + " does not exist", a.cfg.ClickHouse.Addr, "adshift migrate"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("report error %q does not say %q", err, want)
		}
	}

	var ddl, summary bytes.Buffer
	if err := a.migrate(t.Context(), true, &ddl, &summary); err != nil {
		t.Fatalf("migrate --dry-run on a missing database: %v", err)
	}
	if !strings.Contains(ddl.String(), "CREATE DATABASE IF NOT EXISTS `"+db+"`") ||
		!strings.Contains(ddl.String(), "CREATE TABLE IF NOT EXISTS `"+db+"`.ads") {
		t.Errorf("migrate --dry-run printed:\n%s\nwant the database's creation and its tables", ddl.String())
	}

	root := newRoot()
	root.SetArgs([]string{"config", "print"})
	root.SetOut(io.Discard)
	t.Setenv("ADSHIFT_CLICKHOUSE_DATABASE", db)
	t.Setenv("ADSHIFT_CLICKHOUSE_ADDR", a.cfg.ClickHouse.Addr)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("config print: %v", err)
	}

	if databaseExists(t, a, db) {
		t.Errorf("database %s exists after report, migrate --dry-run and config print", db)
	}
}

// A database without adshift's tables (never migrated) gets a report error naming the table and
// the fix, not the server's raw code.
func TestReportOnUnmigratedDatabase(t *testing.T) {
	a := testApp(t) // drops the database when the test ends
	db := a.cfg.ClickHouse.Database
	if err := clickhouseExec(context.Background(), a.cfg.ClickHouse.Addr, "CREATE DATABASE `"+db+"`"); err != nil {
		t.Fatal(err)
	}
	_, err := a.report(t.Context())
	var missing *clickhouse.MissingError
	if !errors.As(err, &missing) || missing.Table == "" {
		t.Fatalf("report on an unmigrated database: %v, want a *MissingError naming a table", err)
	}
	want := "database " + db + " on ClickHouse at " + a.cfg.ClickHouse.Addr + " has no table " + missing.Table + ": run `adshift migrate`"
	if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "code: 60") {
		t.Errorf("report error %q, want it to begin %q", err, want)
	}
}

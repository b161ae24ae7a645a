package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline/evaluation"
	"github.com/adshift/adshift/pipeline/simulation"
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

// A simulated run's rows, written to a real ClickHouse database, report the new statistics in
// text, JSON and HTML: the always-valid sequence beside the p it agrees with, each arm's lift,
// the guardrails, CUPED, power and the incremental conversions against the holdout's rate; and
// no simulated-delivery banner (the simulator's own events are not the demo's delivery).
func TestReportShowsAlwaysValidInferenceOnRealRows(t *testing.T) {
	a := simulatedRowsApp(t)
	ctx := t.Context()
	r, err := a.report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l := r.CTRLift
	if l.Lift == nil || l.CS == nil || l.Looks < 5 || l.Power == nil || l.CS.Contains(0) == (l.PValue < l.Alpha) {
		t.Fatalf("CTR lift %+v", l)
	}
	if len(r.ArmLifts) < 2 || len(r.Guardrails) < 4 || len(r.Adjusted) != 2 || r.Simulated != nil || r.Summary == "" {
		t.Errorf("arm lifts %d, guardrails %d, adjusted %+v, simulated %+v, summary %q", len(r.ArmLifts), len(r.Guardrails), r.Adjusted, r.Simulated, r.Summary)
	}
	var text bytes.Buffer
	if err := evaluation.WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"what this says:", "CS [", "fixed-horizon [", "per-arm CTR lift", "Holm", "guardrails",
		"variance reduction (CUPED", "80% power at", "incremental outcomes", "expected at the holdout's"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"cs":{`, `"holm_p":`, `"guardrails":[`, `"variance_reduction":`, `"always_valid_mde":`, `"summary":"`, `"incremental":[{"metric":"conversions"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	var page bytes.Buffer
	if err := evaluation.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"always-valid CS", "Per-arm CTR lift", "Guardrails", "Variance reduction (CUPED)", `id="summary"`, "Incremental outcomes"} {
		if !strings.Contains(page.String(), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// simulatedRowsApp is an app whose ClickHouse database holds the rows of a simulation on the
// REES46 sample (seed 3, personal=1.5, value=1.2), written by the real writer.
func simulatedRowsApp(t *testing.T) *app {
	t.Helper()
	a := testApp(t)
	a.cfg.Outcomes.LookEvery = 10 * time.Minute // the sample spans three hours
	ctx := t.Context()
	if err := a.migrate(ctx, false, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	sc := simulation.DefaultConfig()
	sc.Format, sc.File, sc.Seed, sc.Effects = "rees46", rees46File, 3, map[string]float64{"personal": 1.5, "value": 1.2}
	data, err := readSimulation(sc.Format, sc.File)
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err := simulation.RunRows(ctx, sc, data)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := clickhouse.Connect(ctx, a.cfg.ClickHouse, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	w, err := clickhouse.NewWriter(ch, a.cfg.ClickHouse, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

// The text report opens by saying that shifts without an ad are not in ClickHouse and where
// their share is.
func TestReportSaysWhereTheNoAdShareIs(t *testing.T) {
	a := testApp(t)
	if err := a.migrate(t.Context(), false, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"report"})
	t.Setenv("ADSHIFT_CLICKHOUSE_DATABASE", a.cfg.ClickHouse.Database)
	t.Setenv("ADSHIFT_CLICKHOUSE_ADDR", a.cfg.ClickHouse.Addr)
	if err := root.ExecuteContext(t.Context()); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(out.String(), "Shifts without an ad are not in ClickHouse") || !strings.Contains(out.String(), "no_ad_share") {
		t.Errorf("report begins %q, want the no-ad note first", firstLines(out.String(), 3))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

package clickhouse

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestTableIn(t *testing.T) {
	f := func(msg, want string) {
		t.Helper()
		if got := tableIn(msg); got != want {
			t.Errorf("tableIn(%q) = %q, want %q", msg, got, want)
		}
	}
	f("Table typo_db.ads doesn't exist.", "ads")                                       // 18.16
	f("Table typo_db.ad_outcomes does not exist", "ad_outcomes")                       // 22.x
	f("Unknown table expression identifier 'typo_db.ad_events' in scope", "ad_events") // 24.x
	f("something else", "(one adshift reads)")
}

// Connect creates nothing: a database that is not there stays absent through every read, which
// says what is missing and what to run.
func TestConnectCreatesNothing(t *testing.T) {
	cfg := testConfig() // never created
	c, err := Connect(t.Context(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.RequireDatabase(t.Context()); err == nil || !strings.Contains(err.Error(), "database "+cfg.Database+" does not exist") {
		t.Errorf("RequireDatabase: %v", err)
	}
	_, err = c.Evaluation(t.Context(), 0)
	var missing *MissingError
	if !errors.As(err, &missing) || missing.Database != cfg.Database || !strings.Contains(err.Error(), "adshift migrate") {
		t.Errorf("Evaluation on a missing database: %v, want a *MissingError with the fix", err)
	}
	var out bytes.Buffer
	planned, err := c.Migrate(t.Context(), true, &out)
	if err != nil || len(planned) == 0 || !strings.HasPrefix(out.String(), "-- database "+cfg.Database+" does not exist yet\nCREATE DATABASE") {
		t.Errorf("dry run planned %v (err %v) and printed:\n%s", planned, err, out.String())
	}
	if ok, err := c.DatabaseExists(t.Context()); err != nil || ok {
		t.Errorf("after Connect, Evaluation and a dry run: database exists %v (err %v), want absent", ok, err)
	}
}

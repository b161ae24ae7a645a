package clickhouse

import (
	"errors"
	"fmt"
	"regexp"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// ClickHouse's error codes for a name that is not there.
const (
	codeUnknownTable    = 60
	codeUnknownDatabase = 81
)

// MissingError is a database or table of adshift's that is not on the server: a typo in
// clickhouse.database, or a database never migrated. It says so, and what to run.
type MissingError struct {
	Addr     string
	Database string
	Table    string // empty when the database itself is missing
	Err      error  // the server's error, if it gave one
}

func (e *MissingError) Error() string {
	other := "or point clickhouse.database (ADSHIFT_CLICKHOUSE_DATABASE) at the database adshift wrote"
	if e.Table == "" {
		return fmt.Sprintf("database %s does not exist on ClickHouse at %s: run `adshift migrate` to create it with adshift's tables, %s",
			e.Database, e.Addr, other)
	}
	return fmt.Sprintf("database %s on ClickHouse at %s has no table %s: run `adshift migrate` to create adshift's tables there, %s",
		e.Database, e.Addr, e.Table, other)
}

func (e *MissingError) Unwrap() error { return e.Err }

// missingTable finds the table name in the server's message, across releases: "Table db.t
// doesn't exist", "Table db.t does not exist", "Unknown table expression identifier 'db.t'".
var missingTable = regexp.MustCompile("(?:Table|identifier) [`'\"]?[A-Za-z0-9_]+[`'\"]?\\.[`'\"]?([A-Za-z0-9_]+)")

// explain turns the server's "unknown table" or "unknown database" error into a *MissingError and
// returns any other error as it is.
func (c *Client) explain(err error) error {
	var ex *ch.Exception
	if !errors.As(err, &ex) {
		return err
	}
	switch ex.Code {
	case codeUnknownDatabase:
		return &MissingError{Addr: c.addr, Database: c.database, Err: err}
	case codeUnknownTable:
		return &MissingError{Addr: c.addr, Database: c.database, Table: tableIn(ex.Message), Err: err}
	}
	return err
}

// tableIn is the table a server's "unknown table" message names, without its database.
func tableIn(msg string) string {
	if m := missingTable.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return "(one adshift reads)"
}

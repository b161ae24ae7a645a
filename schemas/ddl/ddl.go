// Package ddl holds adshift's ClickHouse schema as numbered migrations embedded in the binary.
//
// Each NNNN_name.sql file is one statement, a text/template rendered with the target database and
// the server's Capabilities, so the same migrations run on ClickHouse 18.16 (plain String, no TTL)
// and on current releases (LowCardinality, TTL, insert dedup windows). A migration that renders to
// nothing has nothing to do on that server and is only recorded. Columns added after a table's
// creation come in their own migration (ALTER TABLE … ADD COLUMN), so existing databases upgrade.
// Applying them is the ClickHouse sink's job; this package only renders. It has no state and is
// safe for concurrent use.
package ddl

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

//go:embed *.sql
var files embed.FS

// Migration is one rendered schema change.
type Migration struct {
	Version int    // from the file name's number; applied in ascending order
	Name    string // the file name without number and extension, e.g. "ads"
	SQL     string // empty when the migration has nothing to do on the target server
}

// ID names the migration as schema_migrations and logs do: "0002_ads".
func (m Migration) ID() string { return fmt.Sprintf("%04d_%s", m.Version, m.Name) }

// AddsColumn reports whether the migration adds a column, which 18.16 cannot make idempotent
// with IF NOT EXISTS.
func (m Migration) AddsColumn() bool {
	return strings.HasPrefix(m.SQL, "ALTER TABLE ") && strings.Contains(m.SQL, " ADD COLUMN ")
}

// Statements splits the migration into the statements to run in turn.
func (m Migration) Statements() []string {
	if m.SQL == "" {
		return nil
	}
	return strings.Split(m.SQL, ";\n")
}

// renderData is what a migration's template sees: the server's capabilities, and the cluster.
type renderData struct {
	Capabilities
	Cluster string
}

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidDatabase reports whether name is safe to use as a database name in DDL and queries.
func ValidDatabase(name string) bool { return identifier.MatchString(name) }

// Render returns every migration for database on a server with caps, ordered by version.
func Render(database string, caps Capabilities) ([]Migration, error) {
	return RenderOn(database, "", caps)
}

// RenderOn is Render for a cluster: with cluster set, every statement runs ON CLUSTER, each
// table is a Replicated*MergeTree named <table>_local on every replica plus, under the table's own
// name, a Distributed table over them that shards rows by their id (so a shard holds every copy
// of a row and dedups it). A migration may then be several statements, separated by ";\n".
func RenderOn(database, cluster string, caps Capabilities) ([]Migration, error) {
	if !ValidDatabase(database) {
		return nil, fmt.Errorf("database name %q: want letters, digits and underscores", database)
	}
	if cluster != "" && !ValidDatabase(cluster) {
		return nil, fmt.Errorf("cluster name %q: want letters, digits and underscores", cluster)
	}
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	funcs := clusterFuncs(database, cluster)
	maps.Copy(funcs, template.FuncMap{
		"db": func() string { return "`" + database + "`" },
		// lowcard is the type of a string column with few distinct values.
		"lowcard": func() string {
			if caps.LowCardinality {
				return "LowCardinality(String)"
			}
			return "String"
		},
	})
	var out []Migration
	for _, name := range names {
		m := fileName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", name)
		}
		version, _ := strconv.Atoi(m[1])
		if len(out) > 0 && out[len(out)-1].Version == version {
			return nil, fmt.Errorf("migration %s: version %d used twice", name, version)
		}
		text, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		tmpl, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("parse migration %s: %w", name, err)
		}
		var sql strings.Builder
		if err := tmpl.Execute(&sql, renderData{Capabilities: caps, Cluster: cluster}); err != nil {
			return nil, fmt.Errorf("render migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: version, Name: m[2], SQL: strings.TrimSpace(sql.String())})
	}
	return out, nil
}

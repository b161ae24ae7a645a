package ddl

import (
	"fmt"
	"strings"
	"text/template"
)

// shardKeys are the ids the Distributed tables shard rows by: every copy of a row lands on one
// shard, where ReplacingMergeTree and the distinct counts dedup it.
var shardKeys = map[string]string{
	"schema_migrations": "version",
	"ads":               "ad_id",
	"ad_events":         "event_id",
	"failed_events":     "failure_id",
}

// clusterFuncs are the template functions that name and create tables, on one server or, with
// cluster set, ON CLUSTER as replicated local tables behind Distributed ones.
func clusterFuncs(database, cluster string) template.FuncMap {
	db := "`" + database + "`"
	on := ""
	if cluster != "" {
		on = " ON CLUSTER `" + cluster + "`"
	}
	local := func(table string) string {
		if cluster == "" {
			return table
		}
		return table + "_local"
	}
	distributed := func(table string) (string, error) {
		if cluster == "" {
			return "", nil
		}
		key, ok := shardKeys[table]
		if !ok {
			return "", fmt.Errorf("table %s has no shard key", table)
		}
		return fmt.Sprintf(";\nCREATE TABLE IF NOT EXISTS %s.%s%s AS %s.%s ENGINE = Distributed(`%s`, %s, %s, cityHash64(%s))",
			db, table, on, db, local(table), cluster, db, local(table), key), nil
	}
	return template.FuncMap{
		// create begins the CREATE TABLE of table (its replicated local table on a cluster).
		"create": func(table string) string { return "CREATE TABLE IF NOT EXISTS " + db + "." + local(table) + on },
		// engine is the table's MergeTree engine, replicated on a cluster; args follow the
		// replication path and replica.
		"engine": func(engine, table string, args ...string) string {
			if cluster != "" {
				args = append([]string{"'/clickhouse/tables/{shard}/" + database + "/" + table + "'", "'{replica}'"}, args...)
				engine = "Replicated" + engine
			}
			if len(args) == 0 {
				return engine
			}
			return engine + "(" + strings.Join(args, ", ") + ")"
		},
		// distributed follows a CREATE TABLE: on a cluster, the Distributed table over it.
		"distributed": distributed,
		// alter begins an ALTER TABLE of table (its local tables on a cluster, which replicate it).
		"alter": func(table string) string { return "ALTER TABLE " + db + "." + local(table) + on },
		// redistribute follows an ALTER that changes columns: on a cluster, the Distributed table
		// is created again over the new columns. ClickHouse 18.16 cannot ALTER a Distributed
		// table ON CLUSTER when the shards are replicated, and it holds no rows: the Writer's
		// inserts through it are synchronous.
		"redistribute": func(table string) (string, error) {
			if cluster == "" {
				return "", nil
			}
			d, err := distributed(table)
			return ";\nDROP TABLE IF EXISTS " + db + "." + table + on + d, err
		},
		// oncluster is " ON CLUSTER `name`" on a cluster, else nothing.
		"oncluster": func() string { return on },
		// local names a table as stored: <table>_local on a cluster.
		"local": func(table string) string { return db + "." + local(table) },
	}
}

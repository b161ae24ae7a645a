// Package clickhouse is adshift's system of record: it applies the schema migrations of
// schemas/ddl, lands the outcomes stage's rows (ads, ad_events, failed_events) with group commit,
// and answers the queries the report and the strategy feedback loop read.
//
// A Client is a connection pool and is safe for concurrent use; it speaks the native protocol in
// clear or over TLS (Config.TLS), to one server or, with Config.Cluster, to a cluster whose
// tables are replicated <table>_local ones behind Distributed tables. A Writer is shared by every
// partition worker: Write is safe for concurrent use and returns only once the rows are
// acknowledged, so a worker may then commit its input offsets. Tables dedup on their ids
// (ReplacingMergeTree) and every query counts distinct ids, so redelivered rows never inflate a
// count; outcomes_daily, kept by materialized views, holds uniqExact states for the same reason.
package clickhouse

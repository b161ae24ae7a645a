package ddl

// Capabilities are the schema features a ClickHouse server supports beyond what 18.16 offers.
type Capabilities struct {
	LowCardinality bool // LowCardinality(String) with no experimental setting; 18.x gates it, 20.1 is a safe floor
	TTL            bool // table TTL expressions (since 19.6)
	// AddColumnIfNotExists: ALTER TABLE … ADD COLUMN IF NOT EXISTS; 18.16 rejects the clause, and
	// re-adding a column fails there with "already exists", which Migrate tolerates. 20.1 is a safe
	// floor.
	AddColumnIfNotExists bool
	// InsertDedupToken: the insert_deduplication_token setting (22.2) and the MergeTree setting
	// non_replicated_deduplication_window it needs on a non-replicated table. With it a retried
	// insert of the same rows is dropped by the server itself; without it ReplacingMergeTree and
	// distinct-id queries keep counts exact.
	InsertDedupToken bool
}

// CapabilitiesOf returns what a server of version major.minor supports.
func CapabilitiesOf(major, minor uint64) Capabilities {
	atLeast := func(ma, mi uint64) bool { return major > ma || major == ma && minor >= mi }
	return Capabilities{
		LowCardinality:       atLeast(20, 1),
		TTL:                  atLeast(19, 6),
		AddColumnIfNotExists: atLeast(20, 1),
		InsertDedupToken:     atLeast(22, 2),
	}
}

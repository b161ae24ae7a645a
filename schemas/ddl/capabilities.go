package ddl

// Capabilities are the schema features a ClickHouse server supports beyond what 18.16 offers.
type Capabilities struct {
	LowCardinality bool // LowCardinality(String) with no experimental setting; 18.x gates it, 20.1 is a safe floor
	TTL            bool // table TTL expressions (since 19.6)
}

// CapabilitiesOf returns what a server of version major.minor supports.
func CapabilitiesOf(major, minor uint64) Capabilities {
	atLeast := func(ma, mi uint64) bool { return major > ma || major == ma && minor >= mi }
	return Capabilities{
		LowCardinality: atLeast(20, 1),
		TTL:            atLeast(19, 6),
	}
}

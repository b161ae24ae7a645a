// Package franz adapts franz-go's client to adshift's types at the Kafka boundary, for the
// consumer (sources/kafka) and the producer (sinks/kafka) alike: the client's logger to slog,
// and record headers to schemas.Header and back. It holds no state; everything in it is safe for
// concurrent use.
package franz

// Package replay produces recorded traffic onto the clickstream topic, for `adshift replay`: a
// dataset's rows mapped to Segment events keyed by user (Events over a dataset.Reader), or the
// records an archive stage wrote (a sources/parquet Reader), each partitioned by its key as the
// original was. It paces them in wall time by their event time (dataset.Pacer), or sends them
// as fast as the emitter takes them in batches, and counts the rows the source skips. It reads
// through a Source and writes through a pipeline.Emitter, so it holds no Kafka client; a Run
// uses one goroutine.
package replay

// Package parquet reads the Parquet archive back (the files sinks/parquet writes, laid out as
// schemas.ArchiveFile names them), for `adshift replay --parquet` and for tests.
//
// A Reader yields the records of one kind as they flowed: each partition's records in offset
// order, each (partition, offset) once even where files overlap, and the partitions interleaved
// by record timestamp so that a paced replay keeps time. Only complete files are read: names
// that do not end in .parquet (the writer's temporary files) are skipped. A Reader keeps open
// only the files whose offsets overlap the records it is about to yield.
//
// Readers are not safe for concurrent use.
package parquet

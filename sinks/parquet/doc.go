// Package parquet writes the archive stage's files as Parquet (github.com/parquet-go/parquet-go):
// one file per partition, event hour and segment, laid out as schemas.ArchiveFile names it,
// with the columns of schemas.ArchiveRow and the file's identity in its key/value metadata.
//
// A file is encoded in memory as rows come (compressed, in row groups of about 64 MiB of record
// bytes), so a failed Publish can be retried from what is held. Publish writes the bytes to a
// temporary file in the hour's folder (part-….parquet.<random>.tmp, which readers skip), syncs
// it, renames it to its final name and syncs the folder: a reader sees the whole file or none.
// It does not replace a file of the same name that holds more records (a redelivery cut short by
// a restart), and it removes the files and leftover temporary files of the same hour and
// partition whose records the new file holds all of, so a crash between publishing and
// committing leaves no duplicates behind.
//
// Files is safe for concurrent use by the processors of all partitions; a file being filled
// belongs to one processor.
package parquet

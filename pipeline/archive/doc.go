// Package archive is the archive stage: it keeps everything that flowed through the clickstream,
// ads.ready and ad.outcomes topics as hourly files, for offline work and for replay. A file
// holds the records of one partition whose event time falls in one UTC hour, each with its
// original key, value bytes, headers and timestamp, so replaying the files replays the topics
// and rebuilds the same profiles and shifts. The files themselves are written through the small
// Files interface; sinks/parquet writes them as Parquet. The one exception to keeping everything:
// with WithForgotten, a record about a shopper forgotten on a deletion request is not archived
// (and `adshift forget` takes their earlier records out of the files already published).
//
// # Segments
//
// A partition's processor fills one segment at a time: a run of consecutive offsets, with one
// file per event hour its records fall in. A segment is cut, its files published together, and a
// new one started:
//
//   - when the partition's event time passes the end of the segment's hour (the hour of its first
//     record) plus the allowed lateness: the hour is closed;
//   - before a record that would take the segment past MaxBytes of record bytes;
//   - when the segment has been open for RollInterval of wall time, checked as each batch arrives;
//   - when the partition is revoked or the stage stops (Close).
//
// Events that arrive after their hour was closed go to a new file of that hour (a late part), so
// an hour folder holds a few files per partition: the main one, the first minutes of the next
// hour's records that came in before the hour closed, and late parts.
//
// # Delivery guarantee
//
// A file is written under a temporary name and renamed when it is complete, so a reader never
// sees half a file. The processor is a pipeline.Holder: while a segment is open, offsets are
// committed only up to its first record, so a committed offset is always where a segment began
// and nothing is committed before the files holding it are published. After a crash the
// partition is redelivered from the start of the segment that was open (or of one already
// published whose commit did not happen yet), and the redelivery rebuilds the same segments:
// the hour, size and watermark cuts depend only on the records from the segment's first offset
// on (each segment tracks its own event time), and a file is named by its partition, hour and
// first offset, so the same records are written again under the same names and replace the
// files they already made. The wall-clock cuts (RollInterval, Close) are the exception: a
// redelivery may cut elsewhere. Publishing then never loses what an earlier file held: a file is
// not replaced by one with fewer records, and a published file removes the files of its hour
// and partition whose records it holds all of. What overlap remains is at most a span of
// offsets written twice, and readers drop repeated (partition, offset) pairs.
//
// Concurrency: the Stage is safe for concurrent use and hands each assigned partition its own
// processor, never called concurrently. A partition's open segment is held in memory, encoded
// (the Parquet sink keeps it compressed) until it is published; MaxBytes bounds it.
package archive

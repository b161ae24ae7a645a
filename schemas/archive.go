package schemas

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
)

// ArchiveKind is a kind of data in the Parquet archive; it names the archive's top folder.
type ArchiveKind string

// The kinds the archive keeps, one per topic it reads.
const (
	ArchiveClickstream ArchiveKind = "clickstream" // the clickstream topic: shoppers' Segment events
	ArchiveAds         ArchiveKind = "ads"         // ads.ready: published ads
	ArchiveOutcomes    ArchiveKind = "outcomes"    // ad.outcomes: outcomes reported by delivery systems
)

// ArchiveKinds lists every kind, in folder order.
var ArchiveKinds = []ArchiveKind{ArchiveClickstream, ArchiveAds, ArchiveOutcomes}

// ArchiveRow is one archived Kafka record, a row of an archive file. Key, Value, Headers and
// Timestamp are the record exactly as it flowed (nil Key and Value stay null), so replaying the
// archive replays the topic. EventTime is the time the row is filed under, read from the value
// when it decodes (a Segment event's timestamp, an ad's created_at).
type ArchiveRow struct {
	EventTime time.Time `parquet:"event_time,timestamp(microsecond),delta"`
	Key       []byte    `parquet:"key,optional,dict"`
	Value     []byte    `parquet:"value,optional"`
	Headers   []Header  `parquet:"headers,list"`
	Partition int32     `parquet:"partition"`
	Offset    int64     `parquet:"offset,delta"`
	Timestamp time.Time `parquet:"timestamp,timestamp(millisecond),delta"` // Kafka's, in ms as Kafka keeps it
}

// ArchiveFile names one archive file: the records of one partition of one topic whose event time
// falls in one UTC hour, from FirstOffset on. Its path is
//
//	<kind>/dt=2019-10-01/hour=00/part-<partition>-<first offset>.parquet
//
// The same records always get the same name, so a redelivery rewrites a file rather than adding
// one beside it.
type ArchiveFile struct {
	Kind        ArchiveKind
	Topic       string    // recorded in the file's metadata, not in its path
	Hour        time.Time // UTC, on the hour
	Partition   int32
	FirstOffset int64
}

// ArchiveSuffix ends the name of every complete archive file; temporary files end otherwise.
const ArchiveSuffix = ".parquet"

// Key/value metadata every archive file carries: where its records came from, the offsets of its
// first and last record, and its hour (RFC 3339).
const (
	ArchiveMetaKind        = "adshift.kind"
	ArchiveMetaTopic       = "adshift.topic"
	ArchiveMetaPartition   = "adshift.partition"
	ArchiveMetaFirstOffset = "adshift.first_offset"
	ArchiveMetaLastOffset  = "adshift.last_offset"
	ArchiveMetaHour        = "adshift.hour"
)

// Dir is the file's folder, relative to the archive root, slash-separated.
func (f ArchiveFile) Dir() string {
	h := f.Hour.UTC()
	return string(f.Kind) + "/dt=" + h.Format(time.DateOnly) + "/hour=" + h.Format("15")
}

// Name is the file's base name.
func (f ArchiveFile) Name() string {
	return "part-" + strconv.FormatInt(int64(f.Partition), 10) + "-" + strconv.FormatInt(f.FirstOffset, 10) + ArchiveSuffix
}

// Path is Dir and Name joined, relative to the archive root, slash-separated.
func (f ArchiveFile) Path() string { return f.Dir() + "/" + f.Name() }

// ParseArchiveName reads the partition and first offset out of a file's base name.
func ParseArchiveName(name string) (partition int32, firstOffset int64, err error) {
	rest, ok := strings.CutPrefix(name, "part-")
	if ok {
		rest, ok = strings.CutSuffix(rest, ArchiveSuffix)
	}
	p, o, cut := strings.Cut(rest, "-")
	if !ok || !cut {
		return 0, 0, fmt.Errorf("archive file name %q is not part-<partition>-<first offset>%s", name, ArchiveSuffix)
	}
	pv, perr := strconv.ParseInt(p, 10, 32)
	ov, oerr := strconv.ParseInt(o, 10, 64)
	if perr != nil || oerr != nil || pv < 0 || ov < 0 {
		return 0, 0, fmt.Errorf("archive file name %q: partition and offset must be non-negative integers", name)
	}
	return int32(pv), ov, nil
}

// ParseArchivePath reads a file's identity (all but Topic) back from its path relative to the
// archive root.
func ParseArchivePath(rel string) (ArchiveFile, error) {
	parts := strings.Split(path.Clean(rel), "/")
	if len(parts) != 4 {
		return ArchiveFile{}, fmt.Errorf("archive path %q is not <kind>/dt=<date>/hour=<hour>/<file>", rel)
	}
	day, okDay := strings.CutPrefix(parts[1], "dt=")
	hour, okHour := strings.CutPrefix(parts[2], "hour=")
	if !okDay || !okHour {
		return ArchiveFile{}, fmt.Errorf("archive path %q is not <kind>/dt=<date>/hour=<hour>/<file>", rel)
	}
	at, err := time.Parse(time.DateOnly+" 15", day+" "+hour)
	if err != nil {
		return ArchiveFile{}, fmt.Errorf("archive path %q: %w", rel, err)
	}
	p, off, err := ParseArchiveName(parts[3])
	if err != nil {
		return ArchiveFile{}, err
	}
	return ArchiveFile{Kind: ArchiveKind(parts[0]), Hour: at, Partition: p, FirstOffset: off}, nil
}

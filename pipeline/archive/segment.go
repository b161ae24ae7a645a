package archive

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

// Why a segment was cut, as counted in adshift_archive_files_total{cut}.
const (
	cutHour  = "hour_closed" // event time passed the end of the segment's hour plus the lateness
	cutSize  = "size"        // the next record would take it past MaxBytes
	cutRoll  = "roll"        // open for RollInterval of wall time
	cutClose = "close"       // the partition was revoked or the stage stopped
)

var cuts = []string{cutHour, cutSize, cutRoll, cutClose}

// segment is a run of consecutive offsets of one partition, with one file per event hour its
// records fall in. Its files are published together, so a committed offset never falls inside one.
type segment struct {
	first  int64     // offset of its first record
	hour   time.Time // event hour of its first record: the segment is cut when it closes
	opened time.Time // wall time it was started, for the roll interval
	bytes  int64     // record bytes taken in
	cut    string    // why it was cut, once it is

	parts  []*part // in the order their hours first appeared
	byHour map[time.Time]*part
}

// part is the file of one event hour of a segment.
type part struct {
	file      File
	hour      time.Time
	pending   []schemas.ArchiveRow // taken in, not yet written to file
	rows      int
	published bool
}

func newSegment(first int64, hour, opened time.Time) *segment {
	return &segment{first: first, hour: hour, opened: opened, byHour: make(map[time.Time]*part)}
}

// cutBefore says why the segment must be cut before a record filed at event time at that counts n
// bytes, or "" to take the record in. Both rules look only at the segment's own records, so a
// redelivery from the segment's first offset cuts in the same places.
func (s *segment) cutBefore(at time.Time, n int64, cfg Config) string {
	switch {
	case !at.Before(s.hour.Add(time.Hour + cfg.Lateness)):
		return cutHour
	case s.bytes+n > cfg.MaxBytes:
		return cutSize
	}
	return ""
}

// write hands every part's pending rows to its file.
func (s *segment) write() error {
	for _, p := range s.parts {
		if len(p.pending) == 0 {
			continue
		}
		if err := p.file.Write(p.pending); err != nil {
			return err
		}
		clear(p.pending) // the rows point into fetched records
		p.pending = p.pending[:0]
	}
	return nil
}

// discard drops the files of a segment that will not be published.
func (s *segment) discard() {
	for _, p := range s.parts {
		if !p.published {
			p.file.Discard()
		}
	}
}

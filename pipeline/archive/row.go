package archive

import (
	"math"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// maxAhead is how far past its Kafka timestamp an event time the archive files a record under
// may lie; an event time must also be no earlier than schemas.MinEventTime, or the record's Kafka
// timestamp is used. Both bounds depend on the record alone, so a redelivery files it in the
// same hour.
const maxAhead = time.Hour

// decodeLimits lets every size through: the archive keeps what flowed, however large.
var decodeLimits = schemas.Limits{MaxBytes: math.MaxInt32}

// row turns a record into its archive row: the record as it is, plus the event time it is filed
// under, read from the value when it decodes (a Segment event on the clickstream and outcomes
// topics, of which only the time is read, an ad on the ads topic).
func row(kind schemas.ArchiveKind, rec *pipeline.Record) schemas.ArchiveRow {
	var at time.Time
	switch kind {
	case schemas.ArchiveAds:
		if ad, err := schemas.DecodeAd(rec.Value); err == nil {
			at = ad.CreatedAt
		}
	default:
		if t, err := schemas.EventTime(rec.Value, decodeLimits); err == nil {
			at = t
		}
	}
	r := schemas.ArchiveRow{
		EventTime: eventTime(at, rec.Timestamp),
		Key:       rec.Key,
		Value:     rec.Value,
		Partition: rec.Partition,
		Offset:    rec.Offset,
		Headers:   rec.Headers,
		Timestamp: rec.Timestamp,
	}
	return r
}

// eventTime is the value's event time at when it is plausible, else the Kafka timestamp, in UTC.
// A record with no usable Kafka timestamp (before 2000) only needs at to be from 2000 on.
func eventTime(at, kafka time.Time) time.Time {
	noKafka := kafka.Before(schemas.MinEventTime)
	if !at.Before(schemas.MinEventTime) && (noKafka || !at.After(kafka.Add(maxAhead))) {
		return at.UTC()
	}
	return kafka.UTC()
}

// size is what a record counts against MaxBytes.
func size(rec *pipeline.Record) int64 {
	n := len(rec.Key) + len(rec.Value)
	for _, h := range rec.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return int64(n)
}

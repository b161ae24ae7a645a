package franz

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// HeaderEventTime carries, on every record adshift writes with an event time, that time
// (RFC 3339 to the millisecond, UTC). The record's Kafka timestamp is when adshift wrote it, so time-based retention
// counts from the write and a replay of old data is not deleted at once; readers in adshift take
// the event time back from this header.
const HeaderEventTime = "adshift.event_time"

// eventTimeLayout is RFC 3339 to the millisecond, the precision of a Kafka timestamp.
const eventTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// EventTimeHeader is the header that carries t, to the millisecond.
func EventTimeHeader(t time.Time) kgo.RecordHeader {
	return kgo.RecordHeader{Key: HeaderEventTime, Value: t.UTC().AppendFormat(nil, eventTimeLayout)}
}

// EventTime is the time a fetched record's HeaderEventTime carries, else its Kafka timestamp
// (records other producers wrote, such as a tracker's clickstream).
func EventTime(r *kgo.Record) time.Time {
	for _, h := range r.Headers {
		if h.Key != HeaderEventTime {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, string(h.Value)); err == nil {
			return t
		}
		break
	}
	return r.Timestamp
}

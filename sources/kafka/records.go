package kafka

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// toPipeline converts fetched records into the domain's records; their Timestamp is the event
// time adshift's producer put in a header, else the Kafka timestamp (see franz.EventTime), read
// once per record. newest is the latest of those event times.
func toPipeline(recs []*kgo.Record) (out []pipeline.Record, newest time.Time) {
	out = make([]pipeline.Record, len(recs))
	for i, r := range recs {
		out[i] = pipeline.Record{
			Topic:     r.Topic,
			Partition: r.Partition,
			Offset:    r.Offset,
			Key:       r.Key,
			Value:     r.Value,
			Headers:   franz.Headers(r.Headers),
			Timestamp: franz.EventTime(r),
		}
		if out[i].Timestamp.After(newest) {
			newest = out[i].Timestamp
		}
	}
	return out, newest
}

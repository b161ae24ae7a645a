package kafka

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// toPipeline converts fetched records into the domain's records.
func toPipeline(recs []*kgo.Record) []pipeline.Record {
	out := make([]pipeline.Record, len(recs))
	for i, r := range recs {
		var headers []schemas.Header
		if len(r.Headers) > 0 {
			headers = make([]schemas.Header, len(r.Headers))
			for j, h := range r.Headers {
				headers[j] = schemas.Header{Key: h.Key, Value: h.Value}
			}
		}
		out[i] = pipeline.Record{
			Topic:     r.Topic,
			Partition: r.Partition,
			Offset:    r.Offset,
			Key:       r.Key,
			Value:     r.Value,
			Headers:   headers,
			Timestamp: r.Timestamp,
		}
	}
	return out
}

package franz

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/schemas"
)

// Headers converts a fetched record's headers to the domain's; none gives nil.
func Headers(hs []kgo.RecordHeader) []schemas.Header {
	return convert(hs, func(h kgo.RecordHeader) schemas.Header { return schemas.Header(h) })
}

// RecordHeaders converts the domain's headers to those of a record to produce; none gives nil.
func RecordHeaders(hs []schemas.Header) []kgo.RecordHeader {
	return convert(hs, func(h schemas.Header) kgo.RecordHeader { return kgo.RecordHeader(h) })
}

func convert[From, To any](hs []From, to func(From) To) []To {
	if len(hs) == 0 {
		return nil
	}
	out := make([]To, len(hs))
	for i, h := range hs {
		out[i] = to(h)
	}
	return out
}

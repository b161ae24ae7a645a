package pipeline

import (
	"strconv"
	"time"

	"github.com/adshift/adshift/schemas"
)

// Dead-letter headers: every record on the DLQ topic carries the original key and bytes plus these.
const (
	HeaderFailure   = "adshift.failure"   // the schemas.FailureKind
	HeaderDetail    = "adshift.detail"    // human-readable reason
	HeaderStage     = "adshift.stage"     // the stage that rejected it
	HeaderTopic     = "adshift.topic"     // where the input was read
	HeaderPartition = "adshift.partition" // decimal
	HeaderOffset    = "adshift.offset"    // decimal
)

// DeadLetter returns the record that carries rejected input in to the dead-letter topic: the
// original key, value and headers, plus headers naming the failure and where the input came from.
func DeadLetter(dlqTopic, stage string, in Record, f *schemas.Failure) Record {
	hs := make([]schemas.Header, 0, len(in.Headers)+6)
	hs = append(hs, in.Headers...)
	hs = append(hs,
		schemas.Header{Key: HeaderFailure, Value: []byte(f.Kind)},
		schemas.Header{Key: HeaderDetail, Value: []byte(f.Error())},
		schemas.Header{Key: HeaderStage, Value: []byte(stage)},
		schemas.Header{Key: HeaderTopic, Value: []byte(in.Topic)},
		schemas.Header{Key: HeaderPartition, Value: strconv.AppendInt(nil, int64(in.Partition), 10)},
		schemas.Header{Key: HeaderOffset, Value: strconv.AppendInt(nil, in.Offset, 10)},
	)
	return Record{Topic: dlqTopic, Key: in.Key, Value: in.Value, Headers: hs, Timestamp: in.Timestamp}
}

// FailedEvent reads a dead-letter record back into its failed_events row. payloadMax bounds the
// original bytes kept.
func FailedEvent(dl Record, payloadMax int) schemas.FailedEvent {
	partition, _ := strconv.ParseInt(string(dl.Header(HeaderPartition)), 10, 32)
	offset, _ := strconv.ParseInt(string(dl.Header(HeaderOffset)), 10, 64)
	topic := string(dl.Header(HeaderTopic))
	payload := dl.Value
	if len(payload) > payloadMax {
		payload = payload[:payloadMax]
	}
	failedAt := dl.Timestamp
	if failedAt.IsZero() {
		failedAt = time.Unix(0, 0).UTC()
	}
	return schemas.FailedEvent{
		FailureID: topic + "/" + strconv.FormatInt(partition, 10) + "/" + strconv.FormatInt(offset, 10),
		Kind:      schemas.FailureKind(dl.Header(HeaderFailure)),
		Detail:    string(dl.Header(HeaderDetail)),
		Stage:     string(dl.Header(HeaderStage)),
		Topic:     topic,
		Partition: int32(partition),
		Offset:    offset,
		Payload:   string(payload),
		FailedAt:  failedAt.UTC(),
	}
}

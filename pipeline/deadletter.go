package pipeline

import "github.com/adshift/adshift/schemas"

// DeadLetter returns the record that carries rejected input in to the dead-letter topic: the
// original key, value and headers, plus the headers of schemas.DeadLetter naming the failure and
// where the input came from.
func DeadLetter(dlqTopic, stage string, in Record, f *schemas.Failure) Record {
	hs := make([]schemas.Header, 0, len(in.Headers)+schemas.DeadLetterHeaders)
	hs = append(hs, in.Headers...)
	schemas.NewDeadLetter(stage, in.Topic, in.Partition, in.Offset, f).EachHeader(func(key string, value []byte) {
		hs = append(hs, schemas.Header{Key: key, Value: value})
	})
	return Record{Topic: dlqTopic, Key: in.Key, Value: in.Value, Headers: hs, Timestamp: in.Timestamp}
}

// FailedEvent reads a dead-letter record back into its failed_events row, with the input's key
// and the user it was about. payloadMax bounds the original bytes kept.
func FailedEvent(dl Record, payloadMax int) schemas.FailedEvent {
	row := schemas.ReadDeadLetter(dl.Header).FailedEvent(dl.Value, dl.Timestamp, payloadMax)
	row.Key = string(dl.Key)
	row.User = schemas.InputUser(dl.Key, dl.Value)
	return row
}

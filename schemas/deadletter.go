package schemas

import (
	"encoding/json"
	"strconv"
	"time"
)

// Dead-letter headers: every record on a dead-letter topic carries the original key, bytes and
// headers of the rejected input, plus these.
const (
	HeaderFailure   = "adshift.failure"   // the FailureKind
	HeaderDetail    = "adshift.detail"    // human-readable reason
	HeaderStage     = "adshift.stage"     // the stage that rejected it
	HeaderTopic     = "adshift.topic"     // where the input was read
	HeaderPartition = "adshift.partition" // decimal
	HeaderOffset    = "adshift.offset"    // decimal
)

// DeadLetterHeaders counts the headers a dead letter adds to those of its input.
const DeadLetterHeaders = 6

// DeadLetter is what the headers of a dead-letter record say: why the input it carries was
// rejected, by which stage, and where the input was read.
type DeadLetter struct {
	Kind      FailureKind
	Detail    string
	Stage     string
	Topic     string
	Partition int32
	Offset    int64

	// Envelope and Index say which event of an envelope the input was (HeaderEnvelope and
	// HeaderIndex, which the stage puts on the input it dead-letters); NoEnvelope for a record
	// that is one event.
	Envelope Envelope
	Index    int
}

// EnvelopeHeaders returns the headers that mark input as the event at index of an envelope,
// appended to hs.
func EnvelopeHeaders(hs []Header, env Envelope, index int) []Header {
	return append(hs, Header{Key: HeaderEnvelope, Value: []byte(env)},
		Header{Key: HeaderIndex, Value: strconv.AppendInt(nil, int64(index), 10)})
}

// NewDeadLetter describes input read at topic, partition and offset that stage rejected with f.
// Its detail is f's whole message, kind and field included.
func NewDeadLetter(stage, topic string, partition int32, offset int64, f *Failure) DeadLetter {
	return DeadLetter{Kind: f.Kind, Detail: f.Error(), Stage: stage, Topic: topic, Partition: partition, Offset: offset}
}

// EachHeader calls add with the key and value of each header of d, in the order a dead letter
// carries them.
func (d DeadLetter) EachHeader(add func(key string, value []byte)) {
	add(HeaderFailure, []byte(d.Kind))
	add(HeaderDetail, []byte(d.Detail))
	add(HeaderStage, []byte(d.Stage))
	add(HeaderTopic, []byte(d.Topic))
	add(HeaderPartition, strconv.AppendInt(nil, int64(d.Partition), 10))
	add(HeaderOffset, strconv.AppendInt(nil, d.Offset, 10))
}

// ReadDeadLetter reads a dead letter's headers back; header returns the value of the first
// header named key, or nil. A partition or offset that does not parse reads as 0, and one out of
// range as the nearest value in range.
func ReadDeadLetter(header func(key string) []byte) DeadLetter {
	partition, _ := strconv.ParseInt(string(header(HeaderPartition)), 10, 32)
	offset, _ := strconv.ParseInt(string(header(HeaderOffset)), 10, 64)
	index, _ := strconv.ParseInt(string(header(HeaderIndex)), 10, 32)
	return DeadLetter{
		Envelope:  Envelope(header(HeaderEnvelope)),
		Index:     int(max(index, 0)),
		Kind:      FailureKind(header(HeaderFailure)),
		Detail:    string(header(HeaderDetail)),
		Stage:     string(header(HeaderStage)),
		Topic:     string(header(HeaderTopic)),
		Partition: int32(partition),
		Offset:    offset,
	}
}

// FailedEvent returns the failed_events row of d carrying payload, the input's original bytes,
// cut to payloadMax bytes; it is identified by where the input was read, and its index in an
// envelope. failedAt is when it was dead-lettered; zero reads as the Unix epoch.
func (d DeadLetter) FailedEvent(payload []byte, failedAt time.Time, payloadMax int) FailedEvent {
	if len(payload) > payloadMax {
		payload = payload[:payloadMax]
	}
	if failedAt.IsZero() {
		failedAt = time.Unix(0, 0).UTC()
	}
	id := d.Topic + "/" + strconv.FormatInt(int64(d.Partition), 10) + "/" + strconv.FormatInt(d.Offset, 10)
	if d.Envelope != NoEnvelope {
		id += "/" + strconv.Itoa(d.Index) // the events of one record share its offset
	}
	return FailedEvent{
		FailureID: id,
		Kind:      d.Kind,
		Detail:    d.Detail,
		Stage:     d.Stage,
		Topic:     d.Topic,
		Partition: d.Partition,
		Offset:    d.Offset,
		Payload:   string(payload),
		FailedAt:  failedAt.UTC(),
	}
}

// InputUser returns the shopper a rejected input was about: its userId, else its anonymousId,
// when it is a JSON object that has one; else its record key, which every adshift topic sets to
// the user.
func InputUser(key, payload []byte) string {
	var ids struct {
		UserID      any `json:"userId"`
		AnonymousID any `json:"anonymousId"`
	}
	if json.Unmarshal(payload, &ids) == nil {
		for _, id := range []any{ids.UserID, ids.AnonymousID} {
			switch v := id.(type) {
			case string:
				if v != "" {
					return v
				}
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return string(key)
}

package schemas

import (
	"bytes"
	"strconv"
)

// Headers of the keyed clickstream (adshift.clickstream.keyed), which the rekey stage writes.
const (
	// HeaderSource names where a forwarded event was read: "topic/partition/offset" of the
	// clickstream record (a topic name holds no '/'), so a dead letter names the tracker's
	// record, not the forwarded one.
	HeaderSource = "adshift.source"
	// HeaderIdentify marks a record keyed by an anonymous id whose profile is to be merged into
	// the known user the header names: the identify or alias call that joined them.
	HeaderIdentify = "adshift.identify"
	// HeaderMergeFrom marks a record keyed by a known user whose value is the profile of the
	// anonymous id the header names, to be merged into the user's.
	HeaderMergeFrom = "adshift.merge_from"
)

// AppendSource appends the HeaderSource value of a record read at topic, partition, offset.
func AppendSource(b []byte, topic string, partition int32, offset int64) []byte {
	b = append(b, topic...)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(partition), 10)
	b = append(b, '/')
	return strconv.AppendInt(b, offset, 10)
}

// ParseSource reads a HeaderSource value; ok is false when it is not one.
func ParseSource(v []byte) (topic string, partition int32, offset int64, ok bool) {
	i := bytes.IndexByte(v, '/')
	j := bytes.LastIndexByte(v, '/')
	if i <= 0 || j <= i {
		return "", 0, 0, false
	}
	p, err1 := strconv.ParseInt(string(v[i+1:j]), 10, 32)
	o, err2 := strconv.ParseInt(string(v[j+1:]), 10, 64)
	if err1 != nil || err2 != nil || p < 0 || o < 0 {
		return "", 0, 0, false
	}
	return string(v[:i]), int32(p), o, true
}

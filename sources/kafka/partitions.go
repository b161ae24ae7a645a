package kafka

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// partitionList writes a set of partitions for a log line a person reads: topics in name order,
// each with its partitions in order and runs collapsed, "ads.ready:0-5 clickstream:0,2,4", or
// "none" for an empty set.
func partitionList(set map[string][]int32) string {
	var b strings.Builder
	for _, topic := range slices.Sorted(maps.Keys(set)) {
		ps := slices.Clone(set[topic])
		if len(ps) == 0 {
			continue
		}
		slices.Sort(ps)
		ps = slices.Compact(ps)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(topic)
		b.WriteByte(':')
		for i := 0; i < len(ps); {
			j := i
			for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
				j++
			}
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(int(ps[i])))
			if j > i {
				b.WriteByte('-')
				b.WriteString(strconv.Itoa(int(ps[j])))
			}
			i = j + 1
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// partitionCount is how many partitions set holds.
func partitionCount(set map[string][]int32) int {
	n := 0
	for _, ps := range set {
		n += len(ps)
	}
	return n
}

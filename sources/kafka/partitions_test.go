package kafka

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestPartitionList(t *testing.T) {
	f := func(set map[string][]int32, want string) {
		t.Helper()
		if got := partitionList(set); got != want {
			t.Errorf("partitionList(%v) = %q, want %q", set, got, want)
		}
	}
	f(nil, "none")
	f(map[string][]int32{}, "none")
	f(map[string][]int32{"clickstream": {}}, "none")
	f(map[string][]int32{"clickstream": {3}}, "clickstream:3")
	f(map[string][]int32{"clickstream": {5, 0, 1, 2, 4, 3}}, "clickstream:0-5")
	f(map[string][]int32{"clickstream": {0, 2, 3, 4, 7}}, "clickstream:0,2-4,7")
	f(map[string][]int32{"clickstream": {0, 1}, "ads.ready": {4}, "ad.outcomes": {}}, "ads.ready:4 clickstream:0-1")
}

// logBuffer collects what a JSON slog logger writes, for goroutines that log concurrently.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(b, nil)) }

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// partitionsLogged returns the partitions named under key in the lines logged with msg, as a
// reader of the log would take them: "events:0-2,4" is partitions 0, 1, 2 and 4 of events.
func (b *logBuffer) partitionsLogged(t *testing.T, msg, key string) map[topicPartition]bool {
	t.Helper()
	got := make(map[topicPartition]bool)
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["msg"] != msg {
			continue
		}
		list, _ := line[key].(string)
		for _, field := range strings.Fields(list) {
			topic, ranges, ok := strings.Cut(field, ":")
			if !ok {
				t.Fatalf("%s %s=%q: %q names no topic:partitions", msg, key, list, field)
			}
			for _, r := range strings.Split(ranges, ",") {
				lo, hi, isRange := strings.Cut(r, "-")
				if !isRange {
					hi = lo
				}
				from, err1 := strconv.Atoi(lo)
				to, err2 := strconv.Atoi(hi)
				if err1 != nil || err2 != nil || from > to {
					t.Fatalf("%s %s=%q: %q is not a partition or a range", msg, key, list, r)
				}
				for p := from; p <= to; p++ {
					got[topicPartition{topic, int32(p)}] = true
				}
			}
		}
	}
	return got
}

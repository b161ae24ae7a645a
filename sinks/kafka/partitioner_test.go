package kafka

import (
	"context"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/adshift/adshift/pipeline"
)

// Records of an explicitly partitioned topic land in the partition they name — here the one
// kcat's default (CRC32) partitioner chose for their input, which murmur2 would not reproduce —
// while other topics are still partitioned by key, every record of a key together.
func TestProducerExplicitPartitions(t *testing.T) {
	const partitions = 4
	addrs := startBroker(t, partitions, "adshift.profiles", "adshift.shifts")
	p, err := NewProducer(ProducerConfig{Brokers: addrs, ExplicitPartitions: []string{"adshift.profiles"}}, nil, nil)
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close(context.WithoutCancel(t.Context())) })

	var recs []pipeline.Record
	want := map[string]int32{}
	moved := 0
	for i := range 40 {
		key := fmt.Sprintf("user-%d", i)
		part := int32(crc32.ChecksumIEEE([]byte(key)) % partitions)
		want[key] = part
		if part != murmurPartition(key, partitions) {
			moved++
		}
		recs = append(recs,
			pipeline.Record{Topic: "adshift.profiles", Partition: part, Key: []byte(key), Value: []byte("p")},
			pipeline.Record{Topic: "adshift.shifts", Partition: part, Key: []byte(key), Value: []byte("s")},
			pipeline.Record{Topic: "adshift.shifts", Partition: part, Key: []byte(key), Value: []byte("s2")},
		)
	}
	if moved == 0 {
		t.Fatal("CRC32 and murmur2 agree on every key: the test would not see the partitioner")
	}
	if err := p.Emit(t.Context(), recs); err != nil {
		t.Fatalf("Emit: %v", err)
	}

	shiftPart := map[string]int32{}
	for _, r := range consumeAll(t, addrs, "adshift.profiles", 40) {
		if r.Partition != want[string(r.Key)] {
			t.Errorf("profile of %s in partition %d, want the named %d", r.Key, r.Partition, want[string(r.Key)])
		}
	}
	for _, r := range consumeAll(t, addrs, "adshift.shifts", 80) {
		if prev, ok := shiftPart[string(r.Key)]; ok && prev != r.Partition {
			t.Errorf("shifts of %s in partitions %d and %d: keys must stay together", r.Key, prev, r.Partition)
		}
		shiftPart[string(r.Key)] = r.Partition
		if m := murmurPartition(string(r.Key), partitions); r.Partition != m {
			t.Errorf("shift of %s in partition %d, want murmur2's %d", r.Key, r.Partition, m)
		}
	}
}

// murmurPartition is the partition franz-go's (and the Java client's) default partitioner
// gives a key.
func murmurPartition(key string, n int) int32 {
	tp := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	return int32(tp.Partition(&kgo.Record{Key: []byte(key)}, n))
}

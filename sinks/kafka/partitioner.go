package kafka

import (
	"slices"

	"github.com/twmb/franz-go/pkg/kgo"
)

// explicitPartitioner sends records of the listed topics to the partition the record names, and
// partitions every other topic with franz-go's default partitioner (by key, murmur2, as the Java
// client does; sticky for records without a key).
type explicitPartitioner struct {
	topics []string
	def    kgo.Partitioner
	manual kgo.Partitioner
}

func newExplicitPartitioner(topics []string) kgo.Partitioner {
	return &explicitPartitioner{
		topics: slices.Clone(topics),
		def:    kgo.UniformBytesPartitioner(64<<10, true, true, nil), // franz-go's default
		manual: kgo.ManualPartitioner(),
	}
}

func (p *explicitPartitioner) ForTopic(topic string) kgo.TopicPartitioner {
	if slices.Contains(p.topics, topic) {
		return p.manual.ForTopic(topic)
	}
	return p.def.ForTopic(topic)
}

package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TopicSpec describes a topic the pipeline reads or writes.
type TopicSpec struct {
	Name       string
	Partitions int32
	// Compacted topics keep the latest record per key (cleanup.policy=compact), as changelogs do.
	Compacted bool
}

// EnsureTopics checks that every topic in specs exists. Missing topics are created when create is
// set; otherwise the error lists them. Topics that exist are left as they are.
func EnsureTopics(ctx context.Context, cl *kgo.Client, specs []TopicSpec, create bool) error {
	if len(specs) == 0 {
		return nil
	}
	adm := kadm.NewClient(cl)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	details, err := adm.ListTopics(ctx, names...)
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	var missing []TopicSpec
	for _, s := range specs {
		d, ok := details[s.Name]
		switch {
		case !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			missing = append(missing, s)
		case d.Err != nil:
			return fmt.Errorf("describe topic %s: %w", s.Name, d.Err)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if !create {
		missingNames := make([]string, len(missing))
		for i, s := range missing {
			missingNames[i] = s.Name
		}
		sort.Strings(missingNames)
		return fmt.Errorf("kafka topics missing: %s; create them or set kafka.create_topics",
			strings.Join(missingNames, ", "))
	}
	for _, s := range missing {
		if err := createTopic(ctx, adm, s); err != nil {
			return err
		}
	}
	return nil
}

func createTopic(ctx context.Context, adm *kadm.Client, s TopicSpec) error {
	partitions := s.Partitions
	if partitions < 1 {
		partitions = 1
	}
	var configs map[string]*string
	if s.Compacted {
		compact := "compact"
		configs = map[string]*string{"cleanup.policy": &compact}
	}
	// A replication factor of -1 takes the broker's default.
	resp, err := adm.CreateTopic(ctx, partitions, -1, configs, s.Name)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s with %d partitions: %w", s.Name, partitions, err)
	}
	return nil
}

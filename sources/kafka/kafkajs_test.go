package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
	sinkkafka "github.com/adshift/adshift/sinks/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// kafkajsRecord is a record as the kafkajs reader (testdata/node/read.js) prints it.
type kafkajsRecord struct {
	Topic     string            `json:"topic"`
	Partition int32             `json:"partition"`
	Key       string            `json:"key"`
	Value     string            `json:"value"`
	Headers   map[string]string `json:"headers"`
}

// readWithKafkajs reads count records from each topic with a stock kafkajs consumer. It fails
// the test when node or the reader's packages are missing (scripts/deps.sh installs both), and
// returns the client's own error otherwise.
func readWithKafkajs(t *testing.T, dir string, brokers []string, count int, topics ...string) ([]kafkajsRecord, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: run scripts/deps.sh (Debian: apt-get install nodejs npm)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "kafkajs")); err != nil {
		t.Fatalf("kafkajs is not installed in %s: run scripts/deps.sh (npm ci there)", dir)
	}
	args := []string{filepath.Join(dir, "read.js"), "--brokers", strings.Join(brokers, ","),
		"--count", strconv.Itoa(count), "--timeout-ms", "30000"}
	for _, topic := range topics {
		args = append(args, "--topic", topic)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, &kafkajsError{err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	var out []kafkajsRecord
	for line := range strings.Lines(stdout.String()) {
		var r kafkajsRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("kafkajs reader printed %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out, nil
}

type kafkajsError struct {
	err    error
	stderr string
}

func (e *kafkajsError) Error() string { return e.err.Error() + ": " + e.stderr }

// TestKafkajsReadsTheCompressionsItSupports writes a record with the producer at every
// kafka.compression and reads it with a stock kafkajs consumer: none and gzip (the default) are
// read; snappy, lz4 and zstd are not without plugins, which is why gzip is the default.
func TestKafkajsReadsTheCompressionsItSupports(t *testing.T) {
	addrs := startBroker(t)
	for _, tc := range []struct {
		codec    string
		readable bool
	}{
		{franz.CompressionNone, true}, {franz.CompressionGzip, true}, {"", true},
		{franz.CompressionSnappy, false}, {franz.CompressionLZ4, false}, {franz.CompressionZstd, false},
	} {
		name := tc.codec
		if name == "" {
			name = "default"
		}
		topic := "compressed." + name
		if err := EnsureTopics(t.Context(), newClient(t, addrs), []TopicSpec{{Name: topic, Partitions: 1}}, true); err != nil {
			t.Fatal(err)
		}
		out, err := sinkkafka.NewProducer(sinkkafka.ProducerConfig{Brokers: addrs, Compression: tc.codec}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		value := strings.Repeat(`{"ad_id":"a1","headline":"Phones you will like"}`, 20)
		err = out.Emit(t.Context(), []pipeline.Record{{Topic: topic, Key: []byte("user-1"), Value: []byte(value),
			Headers: []schemas.Header{{Key: "adshift.codec", Value: []byte(name)}}}})
		if cerr := out.Close(t.Context()); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := readWithKafkajs(t, "testdata/node", addrs, 1, topic)
		switch {
		case tc.readable && err != nil:
			t.Errorf("%s: kafkajs cannot read it: %v", name, err)
		case tc.readable && (len(got) != 1 || got[0].Value != value || got[0].Key != "user-1" || got[0].Headers["adshift.codec"] != name):
			t.Errorf("%s: kafkajs read %+v, want the record written", name, got)
		case !tc.readable && err == nil:
			t.Errorf("%s: kafkajs read it without a plugin; the compression advice is out of date", name)
		case !tc.readable && !strings.Contains(strings.ToLower(err.Error()), "not implemented"):
			t.Errorf("%s: kafkajs failed otherwise than for the codec: %v", name, err)
		}
	}
}

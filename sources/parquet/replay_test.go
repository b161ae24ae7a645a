package parquet

import (
	"context"
	"slices"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/pipelinetest"
	"github.com/adshift/adshift/schemas"
)

// features runs every partition's records through a fresh features stage, in batches of batch,
// and returns what each partition emitted: shifts, dead letters and profile changelog records.
func runFeatures(t *testing.T, parts [][]pipeline.Record, batch int) [][]pipeline.Record {
	t.Helper()
	out := make([][]pipeline.Record, len(parts))
	for p, recs := range parts {
		em := &pipelinetest.Emitter{}
		st, err := features.New(features.DefaultConfig(), pipeline.DefaultTopics(), em, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		proc, err := st.Open(t.Context(), "clickstream", int32(p))
		if err != nil {
			t.Fatal(err)
		}
		for b := range slices.Chunk(recs, batch) {
			if err := proc.Process(t.Context(), b); err != nil {
				t.Fatalf("features, partition %d: %v", p, err)
			}
		}
		if err := proc.Close(context.WithoutCancel(t.Context())); err != nil {
			t.Fatal(err)
		}
		out[p] = em.Records()
	}
	return out
}

// Archiving real traffic and replaying the archive gives the features stage exactly what flowed,
// so it produces the same shifts, dead letters and profile changelog, byte for byte.
func TestArchiveReplayReproducesProfilesAndShifts(t *testing.T) {
	const partitions = 4
	parts := topicRecords(t, "rees46", rees46File, partitions)
	direct := runFeatures(t, parts, 500)

	dir := t.TempDir()
	archiveRecords(t, dir, parts, 500)
	replayed := byPartition(readAll(t, dir), partitions)
	for p := range parts {
		if !slices.EqualFunc(replayed[p], parts[p], sameRecord) {
			t.Fatalf("partition %d: the archive gives back %d records, not the %d that flowed, in order", p, len(replayed[p]), len(parts[p]))
		}
	}
	// The same batches as the topic gave: the changelog is written once per batch.
	again := runFeatures(t, replayed, 500)

	emitted := map[string]int{}
	for p := range parts {
		if len(again[p]) != len(direct[p]) {
			t.Fatalf("partition %d: %d records emitted from the archive, %d from the topic", p, len(again[p]), len(direct[p]))
		}
		for i, d := range direct[p] {
			a := again[p][i]
			if a.Topic != d.Topic || a.Partition != d.Partition || string(a.Key) != string(d.Key) ||
				string(a.Value) != string(d.Value) || !a.Timestamp.Equal(d.Timestamp) {
				t.Fatalf("partition %d, emitted record %d differs:\nfrom the topic   %s %q %s\nfrom the archive %s %q %s",
					p, i, d.Topic, d.Key, d.Value, a.Topic, a.Key, a.Value)
			}
			emitted[d.Topic]++
		}
	}
	if emitted[pipeline.DefaultTopics().Shifts] == 0 || emitted[pipeline.DefaultTopics().DLQ] == 0 {
		t.Fatalf("emitted %v: a replay test needs shifts and dead letters to compare", emitted)
	}
	files, err := List(dir, schemas.ArchiveClickstream)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events in %d files; identical output from topic and archive: %v", len(readAll(t, dir)), len(files), emitted)
}

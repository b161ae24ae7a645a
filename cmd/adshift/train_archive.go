package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/parquet"
)

// archived is the clickstream of an archive, decoded.
type archived struct {
	events   []schemas.Event
	records  int                         // records read
	files    int                         // files they came from
	rejected map[schemas.FailureKind]int // records that are no valid event, by failure kind
}

// readArchive reads every clickstream record archived under dir (each once, as replay
// --parquet does) and decodes it as the features stage does, within lim; a record that is no
// valid event is counted by its failure kind, not returned.
func readArchive(dir string, lim schemas.Limits) (archived, error) {
	r, err := parquet.Open(dir, schemas.ArchiveClickstream)
	if err != nil {
		return archived{}, fmt.Errorf("train --parquet: %w", err)
	}
	defer r.Close()
	a := archived{files: r.Files(), rejected: map[schemas.FailureKind]int{}}
	if a.files == 0 {
		return archived{}, fmt.Errorf("train --parquet: no clickstream files under %s", dir)
	}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return a, nil
		}
		if err != nil {
			return archived{}, fmt.Errorf("train --parquet: read %s after %d records: %w", dir, a.records, err)
		}
		a.records++
		ev, err := schemas.DecodeEvent(rec.Value, lim)
		if f, ok := schemas.AsFailure(err); ok {
			a.rejected[f.Kind]++
			continue
		}
		if err != nil {
			return archived{}, fmt.Errorf("train --parquet: decode %s partition %d offset %d: %w", rec.Topic, rec.Partition, rec.Offset, err)
		}
		a.events = append(a.events, ev)
	}
}

// kindCounts lists counts by failure kind, in name order: "malformed_json=3, too_large=1".
func kindCounts(n map[schemas.FailureKind]int) string {
	parts := make([]string, 0, len(n))
	for _, k := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, n[k]))
	}
	return strings.Join(parts, ", ")
}

package dataset

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A replay written out as Segment JSON lines reads back as the same events; a line that is not
// an event is reported and skipped, a blank line ignored.
func TestSegmentReadsBackAReplay(t *testing.T) {
	events, _ := readAll(t, FormatREES46, rees46SampleFile)
	var buf bytes.Buffer
	for i, e := range events {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(data)
		buf.WriteByte('\n')
		if i == 9 {
			buf.WriteString("{\"type\":\"track\",\n\n") // lines 11 and 12
		}
	}
	path := filepath.Join(t.TempDir(), "replay.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	got, bad := readAll(t, FormatSegment, path)
	if len(bad) != 1 || bad[0].Line != 11 || bad[0].File != "replay.jsonl" || bad[0].Reason != "malformed_json" {
		t.Errorf("row errors %v, want malformed_json at replay.jsonl:11", bad)
	}
	if len(got) != len(events) {
		t.Fatalf("read %d events, want %d", len(got), len(events))
	}
	for i := range events {
		if !reflect.DeepEqual(got[i], events[i]) {
			t.Fatalf("event %d\n got %+v\nwant %+v", i, got[i], events[i])
		}
	}
}

// A folder given as Segment JSON lines (a folder of by-day CSV files, say) is refused by name.
func TestSegmentRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(FormatSegment, dir)
	if err == nil || !strings.Contains(err.Error(), dir+" is a folder") {
		t.Fatalf("Open(segment, folder): %v", err)
	}
}

package parquet

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	pq "github.com/parquet-go/parquet-go"

	"github.com/adshift/adshift/schemas"
	srcparquet "github.com/adshift/adshift/sources/parquet"
)

var hour0 = time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC)

func newTestFiles(t *testing.T, compression string) *Files {
	t.Helper()
	fs, err := NewFiles(Config{Dir: t.TempDir(), Compression: compression}, nil, nil)
	if err != nil {
		t.Fatalf("NewFiles: %v", err)
	}
	return fs
}

// rows returns archive rows of partition p for offsets from..to, one a second from hour0.
func rows(p int32, from, to int64) []schemas.ArchiveRow {
	var out []schemas.ArchiveRow
	for o := from; o <= to; o++ {
		at := hour0.Add(time.Duration(o) * time.Second)
		out = append(out, schemas.ArchiveRow{
			EventTime: at,
			Key:       []byte("user-" + strconv.FormatInt(o%7, 10)),
			Value:     []byte(`{"n":` + strconv.FormatInt(o, 10) + `}`),
			Partition: p,
			Offset:    o,
			Timestamp: at,
		})
	}
	return out
}

// publish writes rows as the file of hour0 starting at their first offset and publishes it.
func publish(t *testing.T, fs *Files, rs []schemas.ArchiveRow) string {
	t.Helper()
	meta := schemas.ArchiveFile{Kind: schemas.ArchiveClickstream, Topic: "clickstream", Hour: hour0, Partition: rs[0].Partition, FirstOffset: rs[0].Offset}
	f, err := fs.Create(meta)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := f.Write(rs); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := f.Publish(t.Context()); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return filepath.Join(fs.Dir(), filepath.FromSlash(meta.Path()))
}

func offsetsOf(rs []schemas.ArchiveRow) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.Offset)
	}
	return out
}

func readRows(t *testing.T, path string) []schemas.ArchiveRow {
	t.Helper()
	rs, err := srcparquet.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s back: %v", path, err)
	}
	return rs
}

// Every field comes back as written, in every codec: bytes, null versus empty, headers, the
// Kafka timestamp to the millisecond; and the footer names the file's origin.
func TestFileRoundTrip(t *testing.T) {
	at := time.Date(2019, 10, 1, 0, 59, 59, 123_000_000, time.UTC)
	want := []schemas.ArchiveRow{
		{EventTime: at.Add(456 * time.Microsecond), Key: []byte("u1"), Value: []byte(`{"x":"ü"}`), Partition: 3, Offset: 40, Timestamp: at,
			Headers: []schemas.Header{{Key: "trace", Value: []byte{0, 1, 2}}, {Key: "empty", Value: []byte{}}, {Key: "null"}}},
		{EventTime: at, Key: nil, Value: []byte{}, Partition: 3, Offset: 41, Timestamp: at},
		{EventTime: at, Key: []byte{}, Value: nil, Partition: 3, Offset: 43, Timestamp: at.Add(time.Millisecond)},
		{EventTime: at, Key: []byte{0xff, 0xfe}, Value: bytes.Repeat([]byte("v"), 100_000), Partition: 3, Offset: 44, Timestamp: at},
	}
	for _, codec := range Compressions {
		t.Run(codec, func(t *testing.T) {
			fs := newTestFiles(t, codec)
			path := publish(t, fs, want)
			if rel, _ := filepath.Rel(fs.Dir(), path); rel != "clickstream/dt=2019-10-01/hour=00/part-3-40.parquet" {
				t.Errorf("file at %s", rel)
			}
			got := readRows(t, path)
			if len(got) != len(want) {
				t.Fatalf("read %d rows, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if !g.EventTime.Equal(w.EventTime) || !g.Timestamp.Equal(w.Timestamp) ||
					g.Partition != w.Partition || g.Offset != w.Offset || !sameBytes(g.Key, w.Key) || !sameBytes(g.Value, w.Value) ||
					!slices.EqualFunc(g.Headers, w.Headers, func(a, b schemas.Header) bool { return a.Key == b.Key && sameBytes(a.Value, b.Value) }) {
					t.Errorf("row %d:\n got %+v\nwant %+v", i, brief(g), brief(w))
				}
			}

			osf, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer osf.Close()
			st, _ := osf.Stat()
			pf, err := pq.OpenFile(osf, st.Size())
			if err != nil {
				t.Fatalf("parquet-go does not open the file: %v", err)
			}
			for k, v := range map[string]string{
				schemas.ArchiveMetaKind: "clickstream", schemas.ArchiveMetaTopic: "clickstream", schemas.ArchiveMetaPartition: "3",
				schemas.ArchiveMetaFirstOffset: "40", schemas.ArchiveMetaLastOffset: "44", schemas.ArchiveMetaHour: "2019-10-01T00:00:00Z",
			} {
				if got, _ := pf.Lookup(k); got != v {
					t.Errorf("metadata %s = %q, want %q", k, got, v)
				}
			}
			if codec != "none" {
				for _, col := range pf.Metadata().RowGroups[0].Columns {
					if got := col.MetaData.Codec.String(); !strings.EqualFold(got, codec) {
						t.Errorf("column %v compressed with %s, want %s", col.MetaData.PathInSchema, got, codec)
					}
				}
			}
			if leftovers := tmpFiles(t, fs.Dir()); len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

// sameBytes is bytes.Equal that also tells nil from empty.
func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) }

// brief prints a row with its byte fields cut short.
func brief(r schemas.ArchiveRow) string {
	cut := func(b []byte) string {
		if b == nil {
			return "<nil>"
		}
		if len(b) > 20 {
			return strconv.Quote(string(b[:20])) + "…"
		}
		return strconv.Quote(string(b))
	}
	return "offset " + strconv.FormatInt(r.Offset, 10) + " key " + cut(r.Key) + " value " + cut(r.Value) +
		" ts " + r.Timestamp.Format(time.RFC3339Nano) + " event " + r.EventTime.Format(time.RFC3339Nano) + " headers " + strconv.Itoa(len(r.Headers))
}

func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".tmp") {
			out = append(out, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

package parquet

import (
	"os"
	"testing"

	"github.com/adshift/adshift/schemas"
)

// Forget takes a shopper's records out of the archive wherever they name them — key, header, or
// the value's user member, also inside a batch — keeps everyone else's with the file's name and
// metadata, removes a file that held only theirs, and finds nothing to do the second time.
func TestForgetRewritesArchiveFiles(t *testing.T) {
	fs := newTestFiles(t, "zstd")
	rs := rows(0, 0, 20) // keys user-0 … user-6
	rs[3].Key, rs[3].Value = []byte("other"), []byte(`{"type":"track","userId" : "user-1","event":"Product Viewed"}`)
	rs[4].Key, rs[4].Value = nil, []byte(`{"batch":[{"anonymousId":"x"},{"anonymousId":"user-1"}]}`)
	rs[5].Key, rs[5].Headers = []byte("other"), []schemas.Header{{Key: "adshift.identify", Value: []byte("user-1")}}
	path := publish(t, fs, rs)
	only := publish(t, fs, []schemas.ArchiveRow{{EventTime: hour0, Key: []byte("user-1"), Partition: 1, Offset: 5, Timestamp: hour0}})

	got, err := fs.Forget(t.Context(), []string{"user-1"})
	if err != nil {
		t.Fatal(err)
	}
	left := readRows(t, path)
	for _, r := range left {
		if string(r.Key) == "user-1" || r.Offset == 3 || r.Offset == 4 || r.Offset == 5 {
			t.Fatalf("offset %d (key %q) of the forgotten shopper is still in the file", r.Offset, r.Key)
		}
	}
	// Keys user-1 at offsets 1, 8, 15; values at 3 and 4; the header at 5.
	if want := 21 - 6; len(left) != want {
		t.Fatalf("the file holds %d records, want the %d of other shoppers", len(left), want)
	}
	if last, ok := lastOffset(path); !ok || last != 20 {
		t.Fatalf("the rewritten file's last offset is %d (%v), want 20 as before", last, ok)
	}
	if _, err := os.Stat(only); !os.IsNotExist(err) {
		t.Fatalf("a file of the shopper's records alone is still there (%v)", err)
	}
	if want := (Erased{Files: 2, Rewritten: 1, Removed: 1, Records: 7}); got != want {
		t.Fatalf("Forget did %+v, want %+v", got, want)
	}
	again, err := fs.Forget(t.Context(), []string{"user-1"})
	if err != nil || again != (Erased{Files: 1}) {
		t.Fatalf("forgetting again did %+v (%v), want nothing", again, err)
	}
}

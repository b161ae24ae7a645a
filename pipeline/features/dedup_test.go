package features

import (
	"strconv"
	"testing"
)

func TestRecentIDs(t *testing.T) {
	var r recentIDs
	if r.seen("m0") || !r.seen("m0") {
		t.Fatal("m0: first sight must be new, second a duplicate")
	}
	for i := 1; i < len(r.ids); i++ {
		if r.seen("m" + strconv.Itoa(i)) {
			t.Fatalf("m%d reported as seen", i)
		}
	}
	if !r.seen("m0") {
		t.Error("m0 forgotten while the memory was not yet full")
	}
	if r.seen("m8") || r.seen("m0") {
		t.Error("after 8 newer ids m0 should be forgotten and m8 new")
	}
}

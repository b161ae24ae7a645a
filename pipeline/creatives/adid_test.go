package creatives

import "testing"

func TestAdID(t *testing.T) {
	id := AdID("user-1", 3, "value")
	if len(id) != 32 || id != AdID("user-1", 3, "value") {
		t.Fatalf("AdID = %q, not 32 stable hex digits", id)
	}
	for _, other := range []string{AdID("user-1", 4, "value"), AdID("user-1", 3, "trend"), AdID("user-2", 3, "value"), AdID("user-13", 0, "value")} {
		if other == id {
			t.Errorf("different inputs share the id %s", id)
		}
	}
	// Pinned: a changed scheme would give replayed shifts new ids and double-count their outcomes.
	if got, want := AdID("u", 1, "value"), "8c6ad63ee436e962dfdc7ac6a1508aca"; got != want {
		t.Errorf("AdID(u, 1, value) = %s, want %s (sha256 of u\\x001\\x00value)", got, want)
	}
}

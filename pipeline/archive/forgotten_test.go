package archive

import (
	"testing"
	"time"

	"github.com/adshift/adshift/pipeline"
)

// Records about a forgotten shopper are not archived — also one whose key is another's — and
// the files start at the first record kept; everyone else's are archived as ever.
func TestForgottenShoppersAreNotArchived(t *testing.T) {
	f := pipeline.NewForgotten()
	f.Add("gone")
	files := newFakeFiles()
	s, err := New(DefaultConfig(), pipeline.DefaultTopics(), files, nil, nil, WithForgotten(f))
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Open(t.Context(), pipeline.DefaultTopics().Clickstream, 0)
	if err != nil {
		t.Fatal(err)
	}
	rekeyed := event(1, time.Minute, "gone")
	rekeyed.Key = []byte("session-7")
	batch := []pipeline.Record{event(0, 0, "gone"), rekeyed, event(2, 2*time.Minute, "a"), event(3, 3*time.Minute, "gone"), event(4, 4*time.Minute, "b")}
	if err := p.Process(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, files.files(), map[string][]int64{path(0, 2): {2, 4}})
}

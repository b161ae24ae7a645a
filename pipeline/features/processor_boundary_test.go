package features

// Changes to the stage's code that no test can tell apart, because nothing it does changes:
//   - processor.publish truncating the arena after a shift fails to encode: the bytes left are
//     referenced by no record and the arena is emptied by the next successful flush.
//   - processor.update setting sev.Repeat for an event that names no category: a Repeat only
//     spares the detector a reading of a vector that did not move; read, it finds what the last
//     reading found (no evidence stays none, evidence is counted either way).
//   - processor.Close dropping its profiles map: a closed processor refuses every later call.
//   - appendProfile's "pr == nil || p.state == 0" as "&&": a profile without a state slot
//     encodes the empty state either way, and only a stage with a predictor gives slots.
//   - predictor.state's slot within a chunk, (state-1)%stateChunk, as (state+1)%stateChunk:
//     a permutation of the slots of each chunk, used alike by state, peek and release.
//   - DefaultInFlight: a tuning window with no documented value; any n >= 1 is correct.
//   - keepString's slab test ("cap-len < len(b)") flipped: a fresh slab while the old one has
//     room, else append grows one; no string is written over either way, slabs stay bounded,
//     only allocations differ.
//   - predictor.observe's settle boundary ("count > settleEvents"): it only marks an event a
//     Repeat, which, as above, spares a reading without changing what the detector decides.

import (
	"fmt"
	"testing"
	"time"
)

// What a partition keeps between batches does not grow with the batches it processed: the
// list of changed profiles is empty once a batch is durable, and the strings of the events
// decoded live in slabs of bounded size, not in one that keeps every string ever read.
func TestProcessorBuffersStayBounded(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	p := h.proc.(*processor)
	for b := range 40 {
		var batch [][]byte
		for i := range 25 {
			batch = append(batch, view(fmt.Sprintf("shopper-%03d", i), time.Duration(b*25+i)*time.Second, "electronics.audio.headphone"))
		}
		h.process(batch...)
		if len(p.dirty) != 0 {
			t.Fatalf("after batch %d, %d changed profiles still listed", b, len(p.dirty))
		}
	}
	if c := cap(p.strs); c > slabSize {
		t.Errorf("the strings slab holds %d bytes after 1000 events, want at most %d", c, slabSize)
	}
}

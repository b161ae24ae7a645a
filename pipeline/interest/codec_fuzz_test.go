package interest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// FuzzRead: any bytes give a model or ErrCorrupt/ErrFormat, and a model read writes back the
// same bytes. With asPayload the bytes are wrapped in a valid header and checksum, so that the
// fuzzer reaches the payload decoder past the checksum.
func FuzzRead(f *testing.F) {
	good := modelFile(f)
	tr, err := NewTrainer(DefaultConfig())
	if err != nil {
		f.Fatal(err)
	}
	var empty bytes.Buffer
	if err := Write(&empty, tr.Model()); err != nil {
		f.Fatal(err)
	}
	gl := NewGroupLearner()
	gl.AddBasket([]Item{{"85123A", "WHITE HANGING HEART T-LIGHT HOLDER"}, {"71053", "WHITE METAL LANTERN"}, {"22633", "HAND WARMER UNION JACK"}})
	gl.AddBasket([]Item{{"22632", "HAND WARMER RED POLKA DOT"}, {"21754", "HOME BUILDING BLOCK WORD"}})
	groups, err := gl.Groups(GroupConfig{Groups: 2, CoPurchase: 0.5, Iterations: 10})
	if err != nil {
		f.Fatal(err)
	}
	gt, err := NewTrainer(DefaultConfig(), WithGroups(groups))
	if err != nil {
		f.Fatal(err)
	}
	for i, n := range groups.Names() {
		gt.Add("17850", n, time.Date(2010, 12, 1, 8, i, 0, 0, time.UTC))
	}
	var grouped bytes.Buffer
	if err := Write(&grouped, gt.Model()); err != nil {
		f.Fatal(err)
	}
	for _, file := range [][]byte{good, empty.Bytes(), grouped.Bytes()} {
		f.Add(file, false)
		f.Add(file[headerLen:len(file)-sha256.Size], true)
	}
	f.Add(good[:headerLen+40], false)
	f.Fuzz(func(t *testing.T, b []byte, asPayload bool) {
		if asPayload {
			sum := sha256.Sum256(b)
			head := binary.BigEndian.AppendUint32([]byte(magic), formatVersion)
			head = binary.BigEndian.AppendUint64(head, uint64(len(b)))
			b = append(append(head, b...), sum[:]...)
		}
		m, err := Read(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrFormat) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var again bytes.Buffer
		if err := Write(&again, m); err != nil {
			t.Fatal(err)
		}
		// An older format reads, and writes back in the current one.
		if binary.BigEndian.Uint32(b[len(magic):]) == formatVersion && !bytes.Equal(again.Bytes(), b) {
			t.Fatal("a model read back writes other bytes")
		}
		card := m.Card()
		if got := m.Rank([]string{"unseen", "unseen 2"}, card.Categories+2, nil); len(got) == 0 {
			t.Fatal("no ranking for a shopper with a history")
		}
		for _, s := range m.RankMoves([]string{"unseen", "unseen 2"}, card.Categories+2, nil) {
			if s.Category == "unseen" || s.Category == "unseen 2" {
				t.Fatalf("a move ranked to the shopper's latest category %q", s.Category)
			}
		}
	})
}

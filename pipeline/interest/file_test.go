package interest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"reflect"
	"testing"
)

// modelFile is a model trained on the REES46 sample, written.
func modelFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, train(t, DefaultConfig(), readEvents(t, "rees46", rees46))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteReadRanksAlike(t *testing.T) {
	events := readEvents(t, "taobao", taobao)
	m := train(t, DefaultConfig(), events)
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	back, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if back.Version() != m.Version() || m.Version() == "" {
		t.Fatalf("version %q read back as %q", m.Version(), back.Version())
	}
	card, backCard := m.Card(), back.Card()
	if !card.From.Equal(backCard.From) || !card.Until.Equal(backCard.Until) || card.Events != backCard.Events ||
		card.Users != backCard.Users || card.Categories != backCard.Categories || card.Config != backCard.Config ||
		!reflect.DeepEqual(card.Weights, backCard.Weights) || card.MoveSteps != backCard.MoveSteps ||
		!reflect.DeepEqual(card.MoveWeights, backCard.MoveWeights) {
		t.Errorf("card %+v read back as %+v", card, backCard)
	}
	// Every shopper's history as it stands at the end, and at each of their first events.
	recent := map[string][]string{}
	for _, e := range events {
		recent[e.user] = append(recent[e.user], e.category)
	}
	odd := func(c string) bool { return c[len(c)-1]%2 == 1 }
	n := 0
	for _, h := range recent {
		for _, cut := range []int{0, 1, len(h)} {
			want, got := m.Rank(h[:cut], 10, nil), back.Rank(h[:cut], 10, nil)
			if !reflect.DeepEqual(want, got) {
				t.Fatalf("history %v: ranked %v, read back %v", h[:cut], want, got)
			}
			if want, got := m.Rank(h[:cut], 10, odd), back.Rank(h[:cut], 10, odd); !reflect.DeepEqual(want, got) {
				t.Fatalf("history %v excluding odd ids: ranked %v, read back %v", h[:cut], want, got)
			}
			if want, got := m.RankMoves(h[:cut], 10, nil), back.RankMoves(h[:cut], 10, nil); !reflect.DeepEqual(want, got) {
				t.Fatalf("history %v: moves ranked %v, read back %v", h[:cut], want, got)
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("compared only %d rankings", n)
	}
}

func TestSameEventsSameBytes(t *testing.T) {
	events := readEvents(t, "rees46", rees46)
	var files [2]bytes.Buffer
	for i := range files {
		if err := Write(&files[i], train(t, DefaultConfig(), events)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(files[0].Bytes(), files[1].Bytes()) {
		t.Fatal("two trainings on the same events wrote different files")
	}
	// A model of fewer events is another model.
	var fewer bytes.Buffer
	if err := Write(&fewer, train(t, DefaultConfig(), events[:len(events)-1])); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(fewer.Bytes(), files[0].Bytes()) {
		t.Fatal("a model without the last event wrote the same file")
	}
}

func TestReadRejectsDamagedFiles(t *testing.T) {
	good := modelFile(t)
	other, err := os.ReadFile(taobao)
	if err != nil {
		t.Fatal(err)
	}
	future := bytes.Clone(good)
	binary.BigEndian.PutUint32(future[len(magic):], formatVersion+1)
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	longer := binary.BigEndian.AppendUint64(bytes.Clone(good[:len(magic)+4]), 1<<40)
	for _, c := range []struct {
		name string
		file []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"a dataset", other[:4096], ErrFormat},
		{"a newer format", future, ErrFormat},
		{"truncated payload", good[:len(good)/2], ErrCorrupt},
		{"truncated header", good[:len(magic)+2], ErrCorrupt},
		{"no checksum", good[:len(good)-1], ErrCorrupt},
		{"a byte flipped", flipped, ErrCorrupt},
		{"trailing bytes", append(bytes.Clone(good), 0), ErrCorrupt},
		{"an absurd length", append(longer, good[headerLen:]...), ErrCorrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(bytes.NewReader(c.file))
			if !errors.Is(err, c.want) || m != nil {
				t.Fatalf("Read = %v, %v; want %v", m, err, c.want)
			}
		})
	}
}

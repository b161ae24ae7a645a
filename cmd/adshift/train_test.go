package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	sinkparquet "github.com/adshift/adshift/sinks/parquet"
	"github.com/adshift/adshift/sources/dataset/datasettest"
)

// featuresConfig is the features section train runs with by default.
func featuresConfig() features.Config { return config.Default().Features }

// train runs adshift train with o and returns its summary and progress output.
func train(t *testing.T, o trainOptions) (stdout, stderr string) {
	t.Helper()
	var out, progress bytes.Buffer
	if err := runTrain(t.Context(), featuresConfig(), o, &out, &progress); err != nil {
		t.Fatal(err)
	}
	return out.String(), progress.String()
}

// train on the REES46 sample up to 00:10 UTC writes a model and its card that agree, and no
// later event.
func TestTrainWritesModelAndCard(t *testing.T) {
	until := time.Date(2019, 10, 1, 0, 10, 0, 0, time.UTC)
	out := filepath.Join(t.TempDir(), "rees46.model")
	stdout, _ := train(t, trainOptions{format: "rees46", file: rees46File, out: out, until: until})
	m := readModel(t, out)
	card := readCard(t, out+".card.json")
	if card.Version != m.Version() || card.Events != m.Card().Events || card.Categories != m.Card().Categories {
		t.Errorf("card %+v for a model of version %s, %d events", card, m.Version(), m.Card().Events)
	}
	if card.Events < 100 || card.Until.After(until) || !card.Until.After(until.Add(-time.Minute)) {
		t.Errorf("trained on %d events from %v until %v, want a hundred or more until %v", card.Events, card.From, card.Until, until)
	}
	if card.TrainedIn <= 0 || card.EventsPerSecond <= 0 {
		t.Errorf("card without training time: %v, %v events/s", card.TrainedIn, card.EventsPerSecond)
	}
	if card.Holdout != nil {
		t.Errorf("a holdout scored with --holdout-share 0: %+v", card.Holdout)
	}
	if strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, m.Version()) {
		t.Errorf("summary %q lacks the version %s", stdout, m.Version())
	}
	if got := m.Rank(nil, 3, nil); len(got) != 3 {
		t.Errorf("a cold shopper ranks %v", got)
	}

	// Without --until, the whole night.
	train(t, trainOptions{format: "rees46", file: rees46File, out: out})
	all := readCard(t, out+".card.json")
	if all.Events <= card.Events || !all.Until.After(until) || all.Version == card.Version {
		t.Errorf("the whole file: %d events until %v, version %s; up to %v: %d events, version %s",
			all.Events, all.Until, all.Version, until, card.Events, card.Version)
	}
}

// With a holdout, train scores the model as trained on the first 90% by event time on the rest
// against last_category, records the split and the scores on the card, and still writes the
// model of all the events: the same file as without a holdout.
func TestTrainScoresItsHoldout(t *testing.T) {
	dir := t.TempDir()
	plain, split := filepath.Join(dir, "plain.model"), filepath.Join(dir, "split.model")
	train(t, trainOptions{format: "rees46", file: rees46File, out: plain})
	stdout, _ := train(t, trainOptions{format: "rees46", file: rees46File, out: split, holdout: 0.1})
	want, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(split); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("the model written with a holdout differs from the one without (%v)", err)
	}
	card := readCard(t, split+".card.json")
	h := card.Holdout
	if h == nil {
		t.Fatal("the card has no holdout")
	}
	if h.Share != 0.1 || h.Task != "next_category" || h.Baseline != "last_category" ||
		!h.SplitAt.After(card.From) || !h.SplitAt.Before(card.Until) {
		t.Errorf("holdout %+v of a model trained from %v until %v", h, card.From, card.Until)
	}
	// About a tenth of the night's events is scored: those of shoppers seen before.
	if h.Scored < 100 || h.Scored > card.Events/10 || h.Shoppers < 10 {
		t.Errorf("%d events of %d shoppers scored, of %d trained on", h.Scored, h.Shoppers, card.Events)
	}
	for _, p := range []string{"model", "last_category"} {
		s, ok := h.Scores[p]
		if !ok || !(0 <= s.HitAt1 && s.HitAt1 <= s.HitAt3 && s.HitAt3 <= s.HitAt10 && s.HitAt10 <= 1) || s.MRR < s.HitAt1 || s.MRR > s.HitAt10 {
			t.Errorf("%s scores %+v", p, s)
		}
		for m, x := range map[string]float64{"hit_at_1": s.HitAt1, "hit_at_3": s.HitAt3, "hit_at_10": s.HitAt10, "mrr": s.MRR} {
			if iv := s.CI95[m]; !(iv[0] <= x && x <= iv[1] && iv[0] < iv[1]) {
				t.Errorf("%s %s %.3f outside its interval %v", p, m, x, iv)
			}
		}
	}
	model, base := h.Scores["model"], h.Scores["last_category"]
	for m, want := range map[string]float64{"hit_at_1": model.HitAt1 - base.HitAt1, "hit_at_3": model.HitAt3 - base.HitAt3,
		"hit_at_10": model.HitAt10 - base.HitAt10, "mrr": model.MRR - base.MRR} {
		d, ok := h.ModelMinusBaseline[m]
		if !ok || math.Abs(d.Diff-want) > 1e-12 || d.CI95[0] > d.Diff || d.CI95[1] < d.Diff {
			t.Errorf("model − last_category on %s: %+v, want %.4f inside its interval", m, d, want)
		}
	}
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], "holdout: ") ||
		!strings.Contains(lines[1], h.SplitAt.UTC().Format(time.RFC3339)) {
		t.Errorf("summary without the holdout's line:\n%s", stdout)
	}
}

// The archive of a clickstream trains the same model as the dataset it came from; records that
// are no event are counted by kind and left out.
func TestTrainFromTheParquetArchive(t *testing.T) {
	whole := t.TempDir()
	archiveClickstream(t, whole, datasettest.Clickstream(t, "rees46", rees46File, 1, nil))
	dir := t.TempDir()
	fromFile, fromArchive := filepath.Join(dir, "file.model"), filepath.Join(dir, "archive.model")
	train(t, trainOptions{format: "rees46", file: rees46File, out: fromFile, holdout: 0.1})
	stdout, _ := train(t, trainOptions{parquet: whole, out: fromArchive, holdout: 0.1})
	if a, f := readModel(t, fromArchive), readModel(t, fromFile); a.Version() != f.Version() {
		t.Errorf("the archive trained model %s, the file it came from %s", a.Version(), f.Version())
	}
	if !strings.Contains(stdout, "the archive "+whole) {
		t.Errorf("summary does not name the archive:\n%s", stdout)
	}

	broken := t.TempDir()
	bad := 0
	archiveClickstream(t, broken, datasettest.Clickstream(t, "rees46", rees46File, 3, func(i int, rec *pipeline.Record) {
		if i%101 == 100 {
			rec.Value = rec.Value[:len(rec.Value)/2]
			bad++
		}
	}))
	_, progress := train(t, trainOptions{parquet: broken, out: fromArchive})
	if !strings.Contains(progress, "no valid event, left out: malformed_json=") {
		t.Errorf("broken records not reported:\n%s", progress)
	}
	if got, all := readCard(t, fromArchive+".card.json").Events, readCard(t, fromFile+".card.json").Events; got >= all || got < all-bad {
		t.Errorf("trained on %d events of an archive missing %d of %d", got, bad, all)
	}
}

// archiveClickstream archives each partition's clickstream records under dir through the
// archive stage and the Parquet sink, as adshift's archive stage writes them.
func archiveClickstream(t *testing.T, dir string, parts [][]pipeline.Record) {
	t.Helper()
	files, err := sinkparquet.NewFiles(sinkparquet.Config{Dir: dir, Compression: "zstd"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := archive.New(archive.DefaultConfig(), pipeline.DefaultTopics(), files, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for p, recs := range parts {
		proc, err := st.Open(ctx, "clickstream", int32(p))
		if err != nil {
			t.Fatal(err)
		}
		for b := range slices.Chunk(recs, 1000) {
			if err := proc.Process(ctx, b); err != nil {
				t.Fatalf("archive partition %d: %v", p, err)
			}
		}
		if err := proc.Close(ctx); err != nil {
			t.Fatalf("close partition %d: %v", p, err)
		}
	}
}

func TestTrainRejects(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.model")
	f := func(name string, o trainOptions, want string) {
		t.Helper()
		err := runTrain(t.Context(), featuresConfig(), o, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, want)
		}
		if _, serr := os.Stat(out); !os.IsNotExist(serr) {
			t.Errorf("%s: a model file was written after %v", name, err)
		}
	}
	f("unknown format", trainOptions{format: "nope", file: rees46File, out: out}, "nope")
	f("file and parquet", trainOptions{format: "rees46", file: rees46File, parquet: dir, out: out}, "--file and --parquet")
	f("neither", trainOptions{out: out}, "--parquet")
	f("file without format", trainOptions{file: rees46File, out: out}, "--format")
	f("parquet with format", trainOptions{format: "rees46", parquet: dir, out: out}, "--format is for --file")
	f("no archive", trainOptions{parquet: dir, out: out}, "no clickstream archive under "+dir)
	f("holdout of all", trainOptions{format: "rees46", file: rees46File, out: out, holdout: 1}, "--holdout-share 1 is outside [0, 1)")
	f("negative holdout", trainOptions{format: "rees46", file: rees46File, out: out, holdout: -0.1}, "--holdout-share")
	f("nothing before until", trainOptions{format: "rees46", file: rees46File, out: out, until: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, "no events")
}

// readModel reads a model file.
func readModel(t *testing.T, path string) *interest.Model {
	t.Helper()
	m, err := readInterest(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readCard reads a model card file.
func readCard(t *testing.T, path string) interest.Card {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var card interest.Card
	if err := json.Unmarshal(raw, &card); err != nil {
		t.Fatal(err)
	}
	return card
}

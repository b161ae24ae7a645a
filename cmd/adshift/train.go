package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/pipeline/profileeval"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

// trainOptions are the flags of adshift train.
type trainOptions struct {
	format, file string
	parquet      string // an archive's folder, instead of format and file
	out          string
	until        time.Time // zero: no limit
	holdout      float64   // the last share of the events scored before they are learned; 0: none
	groups       int       // interest groups to learn for events without categories; 0: by product count
}

// defaultHoldout is the share of the events adshift train scores its model on by default.
const defaultHoldout = 0.1

func newTrainCmd(a *app) *cobra.Command {
	o := trainOptions{holdout: defaultHoldout}
	var until string
	cmd := &cobra.Command{
		Use:   "train (--format F --file F | --parquet DIR) --out FILE [--until T] [--holdout-share 0.1]",
		Short: "Train the interest model on a dataset or the archive and write the model file and its card",
		Long: `train reads a dataset (--format and --file) or the clickstream a Parquet archive holds
(--parquet, the archive stage's archive.dir), orders the events by event time and learns the
interest model (pipeline/interest) from its interest events (views, list views, searches, clicks,
wishlist and cart adds, checkouts, orders: what the features stage counts) in one pass. Archived
records that are no valid event are counted by failure kind and left out.

Before it learns the last --holdout-share of the events (by event time, 0.1 by default), it scores
the model as trained on the ones before them on next_category — hit@1, hit@3, hit@10 and MRR of
the model and of last_category, and the model's difference with its bootstrap 95% interval over
shoppers, as profile-eval scores them — then learns them too: the model written is the same as
with --holdout-share 0, and its card records the split and the scores.

When no event names a category (Online Retail), it first learns interest groups from the
products' titles and what is bought together (--groups of them, by default √(products/2)); the
groups are the model's categories and travel in its file, and the card lists their names.

It writes the model to --out and its card, as JSON, to --out + ".card.json"; the same events
always write the same model file. --until stops at an event time (RFC 3339), to train on the past
of a split.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if until != "" {
				t, err := time.Parse(time.RFC3339, until)
				if err != nil {
					return fmt.Errorf("--until: %w", err)
				}
				o.until = t
			}
			return runTrain(cmd.Context(), a.cfg.Features, o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", "dataset format, with --file: rees46, taobao, online-retail, segment")
	f.StringVar(&o.file, "file", "", "dataset file")
	f.StringVar(&o.parquet, "parquet", "", "a Parquet archive's folder (archive.dir): train on its clickstream")
	f.StringVar(&o.out, "out", "", "model file to write (its card goes to FILE.card.json)")
	f.StringVar(&until, "until", "", "train only on events up to this event time (RFC 3339)")
	f.IntVar(&o.groups, "groups", 0, "for events without categories: how many interest groups to learn (0: √(products/2))")
	f.Float64Var(&o.holdout, "holdout-share", defaultHoldout, "score the model on this last share of the events by event time before learning them (0: no holdout)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

// check reports the first contradiction among the options.
func (o trainOptions) check() error {
	switch {
	case o.file != "" && o.parquet != "":
		return errors.New("train: --file and --parquet both given: train on one of them")
	case o.file == "" && o.parquet == "":
		return errors.New("train: nothing to train on: give --format and --file, or --parquet")
	case o.file != "" && o.format == "":
		return errors.New("train: --file needs --format")
	case o.parquet != "" && o.format != "":
		return errors.New("train: --format is for --file: an archive holds Segment events")
	case o.out == "":
		return errors.New("train: --out is required")
	case o.groups < 0:
		return fmt.Errorf("train: --groups %d is negative", o.groups)
	case !(o.holdout >= 0 && o.holdout < 1):
		return fmt.Errorf("train: --holdout-share %g is outside [0, 1)", o.holdout)
	}
	return nil
}

// runTrain trains on the events o names, scores the holdout, writes the model and its card, and
// prints a summary to out and progress lines to progress. cfg bounds the events read from an
// archive, as the features stage bounds them, and runs the holdout's features partition.
func runTrain(ctx context.Context, cfg features.Config, o trainOptions, out, progress io.Writer) error {
	if err := o.check(); err != nil {
		return err
	}
	events, from, err := trainEvents(cfg, o, progress)
	if err != nil {
		return err
	}
	if !o.until.IsZero() {
		events = events[:cutAfter(events, o.until)]
	}
	if len(events) == 0 {
		return fmt.Errorf("train: no events in %s%s", from, untilNote(o.until))
	}
	groups, err := groupsFor(events, events, o.groups, progress)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if groups != nil {
		events = perCategory(events) // the holdout scores every group of an order, as profile-eval does
	}
	l, err := newLearner(progress, groups)
	if err != nil {
		return err
	}
	var holdout *interest.Holdout
	if o.holdout > 0 {
		var rest []schemas.Event
		holdout, rest, err = scoreHoldout(ctx, cfg, l, events, o.holdout)
		if err != nil {
			return err
		}
		events = rest
	}
	if err := l.learn(ctx, events); err != nil {
		return err
	}
	m := l.model()
	c := l.card(m)
	c.Holdout = holdout
	if err := writeModel(o.out, m, c); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(out, "trained on %d events (%d shoppers, %d categories) from %s at %.0f events/s: model %s written to %s\n",
		c.Events, c.Users, c.Categories, from, c.EventsPerSecond, c.Version, o.out); err != nil {
		return err
	}
	return writeHoldoutLine(out, holdout)
}

// trainEvents reads the events o names, in event-time order (file order, or the archive's,
// breaking ties), and says where they came from.
func trainEvents(cfg features.Config, o trainOptions, progress io.Writer) ([]schemas.Event, string, error) {
	if o.parquet == "" {
		events, _, err := dataset.ReadAll(o.format, o.file)
		return events, o.file, err
	}
	lim := schemas.Limits{MaxBytes: cfg.MaxEventBytes, MinTime: schemas.MinEventTime}
	a, err := readArchive(o.parquet, lim)
	if err != nil {
		return nil, "", err
	}
	from := fmt.Sprintf("the archive %s (%d files)", o.parquet, a.files)
	if len(a.rejected) > 0 {
		fmt.Fprintf(progress, "train: %d records of %s are no valid event, left out: %s\n", a.records-len(a.events), from, kindCounts(a.rejected))
	}
	slices.SortStableFunc(a.events, func(x, y schemas.Event) int { return x.Timestamp.Compare(y.Timestamp) })
	return a.events, from, nil
}

// cutAfter is how many of the time-sorted events are at or before until.
func cutAfter(events []schemas.Event, until time.Time) int {
	n, _ := slices.BinarySearchFunc(events, until, func(ev schemas.Event, t time.Time) int {
		if ev.Timestamp.After(t) {
			return 1
		}
		return -1
	})
	return n
}

func untilNote(until time.Time) string {
	if until.IsZero() {
		return ""
	}
	return " up to " + until.Format(time.RFC3339)
}

// scoreHoldout learns the events before the last share of them into l, scores the model it has
// then on that share as profile-eval does (next_category, against last_category), and returns
// the scores and the events it has not learned yet.
func scoreHoldout(ctx context.Context, cfg features.Config, l *learner, events []schemas.Event, share float64) (*interest.Holdout, []schemas.Event, error) {
	trained := -1
	r, err := profileeval.Evaluate(ctx, cfg, events, profileeval.Options{
		Confirm: 1, TrainShare: 1 - share, Baselines: []string{holdoutBaseline}, TasksOnly: true,
		Train: func(train []schemas.Event) (profileeval.Model, error) {
			if err := l.learn(ctx, train); err != nil {
				return profileeval.Model{}, err
			}
			trained = len(train)
			return evalModel(l.model()), nil
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("train: score the last %g of %d events (--holdout-share 0 trains without): %w", share, len(events), err)
	}
	if trained < 0 || r.Data.ScoredAfter == nil {
		return nil, nil, errors.New("train: the holdout was scored without a split") // Evaluate broke its contract
	}
	t := r.Tasks[holdoutTask]
	h := &interest.Holdout{
		Share: share, SplitAt: *r.Data.ScoredAfter,
		Task: holdoutTask, Scored: t.Scored, Shoppers: t.Shoppers,
		Scores:             make(map[string]interest.HoldoutScore, 2),
		Baseline:           holdoutBaseline,
		ModelMinusBaseline: make(map[string]interest.HoldoutDifference, len(t.ModelVsBest)),
	}
	for _, p := range []string{"model", holdoutBaseline} {
		s := t.Predictors[p]
		h.Scores[p] = interest.HoldoutScore{HitAt1: s.HitAt1, HitAt3: s.HitAt3, HitAt10: s.HitAt10, MRR: s.MRR, CI95: s.CI95}
	}
	for m, d := range t.ModelVsBest {
		h.ModelMinusBaseline[m] = interest.HoldoutDifference{Diff: d.Diff, CI95: d.CI95}
	}
	return h, events[trained:], nil
}

// The holdout's task and the baseline the model is compared with on it.
const (
	holdoutTask     = "next_category"
	holdoutBaseline = "last_category"
)

// writeHoldoutLine writes the holdout's scores in one line, when there was a holdout.
func writeHoldoutLine(out io.Writer, h *interest.Holdout) error {
	if h == nil {
		return nil
	}
	m, b := h.Scores["model"], h.Scores[h.Baseline]
	line := fmt.Sprintf("holdout: the last %g of the events, after %s: %s on %d events of %d shoppers, model vs %s:",
		h.Share, h.SplitAt.UTC().Format(time.RFC3339), h.Task, h.Scored, h.Shoppers, h.Baseline)
	for _, f := range []struct {
		name          string
		model, versus float64
	}{{"hit_at_1", m.HitAt1, b.HitAt1}, {"hit_at_3", m.HitAt3, b.HitAt3}, {"hit_at_10", m.HitAt10, b.HitAt10}, {"mrr", m.MRR, b.MRR}} {
		d := h.ModelMinusBaseline[f.name]
		line += fmt.Sprintf(" %s %.3f vs %.3f (%+.3f [%+.3f, %+.3f])", f.name, f.model, f.versus, d.Diff, d.CI95[0], d.CI95[1])
	}
	_, err := fmt.Fprintln(out, line)
	return err
}

// writeModel writes m to path and card as JSON to path + ".card.json".
func writeModel(path string, m *interest.Model, card interest.Card) error {
	raw, err := json.MarshalIndent(card, "", "  ")
	if err != nil {
		return fmt.Errorf("encode model card: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := interest.Write(f, m); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	if err := os.WriteFile(path+".card.json", append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write model card: %w", err)
	}
	return nil
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline/interest"
	"github.com/adshift/adshift/sources/dataset"
)

// trainOptions are the flags of adshift train.
type trainOptions struct {
	format, file, out string
	until             time.Time // zero: no limit
}

func newTrainCmd(*app) *cobra.Command {
	var o trainOptions
	var until string
	cmd := &cobra.Command{
		Use:   "train --format F --file F --out FILE [--until T]",
		Short: "Train the interest model on a dataset and write the model file and its card",
		Long: `train reads a dataset in event-time order and learns the interest model (pipeline/interest)
from its interest events (views, list views, searches, clicks, wishlist and cart adds, checkouts,
orders: what the features stage counts) in one pass. It writes the model to --out and its card,
as JSON, to --out + ".card.json"; the same events always write the same model file. --until
stops at an event time (RFC 3339), to train on the past of a split.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if until != "" {
				t, err := time.Parse(time.RFC3339, until)
				if err != nil {
					return fmt.Errorf("--until: %w", err)
				}
				o.until = t
			}
			return runTrain(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "", "dataset format: rees46, taobao, online-retail, segment")
	f.StringVar(&o.file, "file", "", "dataset file")
	f.StringVar(&o.out, "out", "", "model file to write (its card goes to FILE.card.json)")
	f.StringVar(&until, "until", "", "train only on events up to this event time (RFC 3339)")
	for _, name := range []string{"format", "file", "out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// runTrain trains on the dataset o names, writes the model and its card, and prints a summary
// line to out and progress lines to progress.
func runTrain(ctx context.Context, o trainOptions, out, progress io.Writer) error {
	events, _, err := dataset.ReadAll(o.format, o.file)
	if err != nil {
		return err
	}
	m, err := learnInterest(ctx, events, o.until, progress)
	if err != nil {
		return err
	}
	if err := writeModel(o.out, m); err != nil {
		return err
	}
	c := m.Card()
	_, err = fmt.Fprintf(out, "trained on %d events (%d shoppers, %d categories) at %.0f events/s: model %s written to %s\n",
		c.Events, c.Users, c.Categories, c.EventsPerSecond, c.Version, o.out)
	return err
}

// writeModel writes m to path and its card as JSON to path + ".card.json".
func writeModel(path string, m *interest.Model) error {
	card, err := json.MarshalIndent(m.Card(), "", "  ")
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
	if err := os.WriteFile(path+".card.json", append(card, '\n'), 0o644); err != nil {
		return fmt.Errorf("write model card: %w", err)
	}
	return nil
}

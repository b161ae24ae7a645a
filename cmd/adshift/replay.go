package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
	"github.com/adshift/adshift/sources/parquet"
	"github.com/adshift/adshift/sources/replay"
)

func newReplayCmd(a *app) *cobra.Command {
	var format, file, archiveDir, speed string
	cmd := &cobra.Command{
		Use:   "replay (--format rees46|taobao|online-retail|segment --file F | --parquet DIR) [--speed max|100x]",
		Short: "Replay a dataset or a Parquet archive into the clickstream topic, keyed by user",
		Long: `Replay maps each row of a dataset to a Segment e-commerce event and produces it into the
clickstream topic keyed by user, in event-time order: a file that is not in that order (the Taobao
sample is sorted by user) is read once to find out and sorted in memory, and replay says so;
otherwise the pipeline would dead-letter most of it as late_event. A file none of whose rows can
be read as --format is an error. With --parquet it replays the clickstream an archive stage wrote
under DIR (its archive.dir) instead: every record once, with its original key, bytes, headers and
timestamp, each partition in its original order, so the pipeline rebuilds the same profiles and
shifts. --speed max sends as fast as the broker takes them; --speed 100x keeps the event-time gaps
divided by 100 (long tracking gaps are cut to a few seconds). It needs a running broker:
kafka.brokers, or the embedded broker of a running "adshift run". Progress goes to stderr: a bar
on a terminal, else a line every 10 seconds.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := dataset.ParseSpeed(speed)
			if err != nil {
				return usageError{fmt.Errorf("--speed: %w", err)}
			}
			if archiveDir != "" {
				return a.replayParquet(cmd.Context(), archiveDir, sp, cmd.OutOrStdout(), cmd.ErrOrStderr())
			}
			return a.replay(cmd.Context(), format, file, sp, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "dataset format: rees46, taobao, online-retail, segment")
	cmd.Flags().StringVar(&file, "file", "", "dataset file (online-retail: a file or a directory of by-day files)")
	cmd.Flags().StringVar(&archiveDir, "parquet", "", "a Parquet archive's folder (archive.dir): replay its clickstream")
	cmd.Flags().StringVar(&speed, "speed", "max", `"max", or event time sped up, e.g. "100x"`)
	cmd.MarkFlagsRequiredTogether("format", "file")
	cmd.MarkFlagsOneRequired("format", "parquet")
	cmd.MarkFlagsMutuallyExclusive("format", "parquet")
	cmd.MarkFlagsMutuallyExclusive("file", "parquet")
	return cmd
}

// clientBrokers are the brokers a client command talks to: the configured ones, else the embedded
// broker that a running "adshift run" serves.
func (a *app) clientBrokers() []string {
	if a.cfg.Kafka.Embedded() {
		return []string{a.cfg.Kafka.EmbeddedAddr}
	}
	return a.cfg.Kafka.Brokers
}

func (a *app) replay(ctx context.Context, format, file string, speed dataset.Speed, stdout, stderr io.Writer) error {
	open := func() (replay.Source, func() error, error) {
		r, err := dataset.Open(format, file)
		if err != nil {
			return nil, nil, err
		}
		return replay.Events(r), r.Close, nil
	}
	start := time.Now()
	src, err := replay.Order(open)
	if err != nil {
		return err
	}
	defer src.Close()
	if src.Records == 0 {
		return noRowsError(format, file, src.Skipped)
	}
	if src.Sorted {
		fmt.Fprintf(stderr, "replay: %s is not in event-time order; sorted its %d events by event time in memory (%s)\n",
			file, src.Records, time.Since(start).Round(time.Millisecond))
	}
	return a.replayFrom(ctx, src.Source, src.Records, format, file, speed, stdout, stderr)
}

// noRowsError says why a dataset gave nothing to replay.
func noRowsError(format, file string, skipped map[string]int) error {
	if len(skipped) == 0 {
		return fmt.Errorf("%s has no rows to replay", file)
	}
	total, reasons := badRows(skipped)
	return fmt.Errorf("no row of %s could be read as %s: %d bad rows (%s); is --format right? (%s, %s, %s or %s)",
		file, format, total, reasons, dataset.FormatREES46, dataset.FormatTaobao, dataset.FormatOnlineRetail, dataset.FormatSegment)
}

// badRows is the total of rows skipped and "reason=count, ..." by reason.
func badRows(bad map[string]int) (int, string) {
	total := 0
	var parts []string
	for _, reason := range slices.Sorted(maps.Keys(bad)) {
		total += bad[reason]
		parts = append(parts, fmt.Sprintf("%s=%d", reason, bad[reason]))
	}
	return total, strings.Join(parts, ", ")
}

// replayParquet replays the clickstream archived under dir.
func (a *app) replayParquet(ctx context.Context, dir string, speed dataset.Speed, stdout, stderr io.Writer) error {
	r, err := parquet.Open(dir, schemas.ArchiveClickstream)
	if err != nil {
		return err
	}
	defer r.Close()
	return a.replayFrom(ctx, r, -1, "parquet", fmt.Sprintf("%s (%d files)", dir, r.Files()), speed, stdout, stderr)
}

// replayFrom produces what src yields, total records when known (else -1), into the clickstream
// topic; what and from name it in the progress and the summary.
func (a *app) replayFrom(ctx context.Context, src replay.Source, total int, what, from string, speed dataset.Speed, stdout, stderr io.Writer) error {
	brokers := a.clientBrokers()
	out, err := a.producer(ctx, brokers, a.cfg.Kafka.ClientID+"-replay")
	if err != nil {
		if a.cfg.Kafka.Embedded() {
			err = fmt.Errorf("%w (is \"adshift run\" running with its embedded broker on %s?)", err, a.cfg.Kafka.EmbeddedAddr)
		}
		return err
	}
	defer func() { _ = out.Close(context.WithoutCancel(ctx)) }()

	progress := newReplayProgress(what, total, stderr)
	topic := a.cfg.Topics.Clickstream.Name
	sum, err := replay.Run(ctx, src, out, replay.Config{Topic: topic, Speed: speed, Progress: progress.add})
	if err != nil {
		return err
	}
	progress.finish()
	fmt.Fprintf(stdout, "replayed %d events from %s into %s on %s in %s (%.0f events/s)\n",
		sum.Sent, from, topic, strings.Join(brokers, ","), sum.Took.Round(time.Millisecond), float64(sum.Sent)/sum.Took.Seconds())
	if len(sum.Bad) == 0 {
		fmt.Fprintln(stdout, "bad rows: none")
	} else {
		n, reasons := badRows(sum.Bad)
		fmt.Fprintf(stdout, "bad rows: %d (%s), skipped\n", n, reasons)
	}
	if sum.Sent == 0 {
		return fmt.Errorf("nothing replayed from %s", from)
	}
	return nil
}

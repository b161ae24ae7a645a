package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sinks/clickhouse"
	"github.com/adshift/adshift/sinks/parquet"
	"github.com/adshift/adshift/sources/kafka"
)

// The places forget removes a shopper from, as --places names them.
const (
	placeProfiles   = "profiles"   // the features stage: profile tombstoned, later events suppressed
	placeClickHouse = "clickhouse" // ads, ad_events, failed_events
	placeArchive    = "archive"    // the Parquet archive's files
)

var allPlaces = []string{placeProfiles, placeClickHouse, placeArchive}

// ErrNotConfirmed is returned when the features stage did not confirm a deletion request within
// --timeout: the requests are on the control topic and will be acted on when it runs.
var ErrNotConfirmed = errors.New("forget: the features stage has not confirmed every request")

func newForgetCmd(a *app) *cobra.Command {
	var (
		places      []string
		wait        bool
		waitTimeout time.Duration
		timeout     time.Duration
	)
	cmd := &cobra.Command{
		Use:   "forget USER...",
		Short: "Remove shoppers everywhere (profile, ClickHouse rows, Parquet archive) and make no profile or ad for them again",
		Long: `forget puts a deletion request for each shopper on the control topic (topics.control); the
rekey stage forwards it to the features partition that owns the shopper, which tombstones their
profile in the changelog and remembers them as forgotten, so their later events build no profile
and get no ad. With --wait (the default) forget waits until the features stage confirms each
request. It then deletes their rows from ClickHouse (ads, ad_events, failed_events), waiting for
the mutations to finish, and rewrites the archive files under archive.dir without their records.
Forgetting twice is harmless. It prints what was removed from each place.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, users []string) error {
			for _, p := range places {
				if !slices.Contains(allPlaces, p) {
					return usageError{fmt.Errorf("--places: %q: want some of %s", p, strings.Join(allPlaces, ", "))}
				}
			}
			for _, u := range users {
				if u == "" || strings.HasPrefix(u, "\x00") {
					return usageError{fmt.Errorf("forget: %q is not a shopper id", u)}
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			if !wait {
				waitTimeout = 0
			}
			return a.forget(ctx, users, places, waitTimeout, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringSliceVar(&places, "places", allPlaces, "where to remove the shoppers from: "+strings.Join(allPlaces, ", "))
	cmd.Flags().BoolVar(&wait, "wait", true, "wait until the features stage confirms each deletion request")
	cmd.Flags().DurationVar(&waitTimeout, "wait-timeout", 2*time.Minute, "how long to wait for the features stage's confirmation before going on with the other places")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}

// forget removes users from each of places in turn, printing what it removed. With wait > 0 it
// waits that long for the features stage to confirm the deletion requests; unconfirmed, it goes
// on with the other places and returns ErrNotConfirmed at the end (the requests stay on the
// control topic, acted on when the stage runs).
func (a *app) forget(ctx context.Context, users, places []string, wait time.Duration, out io.Writer) error {
	var unconfirmed error
	if slices.Contains(places, placeProfiles) {
		err := a.forgetProfiles(ctx, users, wait, out)
		switch {
		case errors.Is(err, ErrNotConfirmed) && ctx.Err() == nil:
			fmt.Fprintf(out, "profiles: %v; going on\n", err)
			unconfirmed = err
		case err != nil:
			return err
		}
	}
	if slices.Contains(places, placeClickHouse) {
		ch, err := clickhouse.Connect(ctx, a.cfg.ClickHouse, a.log)
		if err != nil {
			return err
		}
		defer ch.Close()
		fmt.Fprintf(out, "clickhouse: deleting from %s (mutations, waiting until done)…\n", ch.Database())
		removed, err := ch.Forget(ctx, users, 0)
		for _, f := range removed {
			fmt.Fprintf(out, "clickhouse: %s: %d rows deleted\n", f.Table, f.Rows)
		}
		if err != nil {
			return err
		}
	}
	if slices.Contains(places, placeArchive) {
		files, err := parquet.NewFiles(a.cfg.Archive.Files, a.log, a.reg)
		if err != nil {
			return err
		}
		e, err := files.Forget(ctx, users)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "archive: %s: %d records taken out; %d of %d files rewritten, %d removed\n",
			files.Dir(), e.Records, e.Rewritten, e.Files, e.Removed)
	}
	return unconfirmed
}

// forgetProfiles puts a deletion request for each user on the control topic and, with wait,
// follows the profile changelog until the features stage wrote each one's forgotten marker.
func (a *app) forgetProfiles(ctx context.Context, users []string, wait time.Duration, out io.Writer) error {
	if a.cfg.Kafka.Embedded() {
		return configError{errors.New("forget: kafka.brokers is empty: deletion requests go to the brokers the pipeline runs on " +
			"(an `adshift broker` or your cluster); or leave profiles out with --places")}
	}
	brokers := a.cfg.Kafka.Brokers
	p, err := a.producer(ctx, brokers, "adshift-forget")
	if err != nil {
		return err
	}
	defer p.Close(context.WithoutCancel(ctx))
	topics := a.cfg.Topics.Names()
	send := func(ctx context.Context) error {
		recs := make([]pipeline.Record, 0, len(users))
		now := time.Now().UTC()
		for _, u := range users {
			v, err := schemas.EncodeControl(schemas.Control{Type: schemas.ControlForget, User: u, RequestedAt: now})
			if err != nil {
				return err
			}
			recs = append(recs, pipeline.Record{Topic: topics.Control, Key: []byte(u), Value: v, Timestamp: now})
		}
		if err := p.Emit(ctx, recs); err != nil {
			return fmt.Errorf("forget: put %d deletion requests on %s: %w", len(recs), topics.Control, err)
		}
		fmt.Fprintf(out, "profiles: %d deletion request(s) on %s\n", len(recs), topics.Control)
		return nil
	}
	if wait <= 0 {
		return send(ctx)
	}
	cl, err := kafka.NewChangelog(kafka.ChangelogConfig{Brokers: brokers, Topic: topics.Profiles, ClientID: "adshift-forget", Conn: a.kafka}, a.log)
	if err != nil {
		return err
	}
	pending := map[string]bool{}
	for _, u := range users {
		pending[features.ForgottenKey(u)] = true
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	err = cl.Follow(waitCtx, send, func(key, _ []byte) bool {
		if pending[string(key)] {
			delete(pending, string(key))
			fmt.Fprintf(out, "profiles: %s forgotten (profile tombstoned in %s)\n", strings.TrimPrefix(string(key), features.ForgottenKey("")), topics.Profiles)
		}
		return len(pending) == 0
	})
	if err != nil && len(pending) > 0 && waitCtx.Err() != nil {
		return fmt.Errorf("%w: %d of %d within %s (is the pipeline running?)", ErrNotConfirmed, len(pending), len(users), wait)
	}
	return err
}

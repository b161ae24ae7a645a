package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/pipeline/rekey"
	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sinks/clickhouse"
	"github.com/adshift/adshift/sinks/parquet"
	"github.com/adshift/adshift/sources/collector"
	"github.com/adshift/adshift/sources/kafka"
)

var allStages = []string{rekey.Name, features.Name, creatives.Name, outcomes.Name, archive.Name}

func newRunCmd(a *app) *cobra.Command {
	var stages []string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the pipeline (all stages, or those named by --stages)",
		Long: `Run consumes the clickstream and runs the rekey, features, creatives, outcomes and archive stages, each
as its own Kafka consumer group. The archive stage writes hourly Parquet files under archive.dir
(var/archive by default; with the embedded broker, a folder of its own per run); leave it out with
--stages to keep none. With no kafka.brokers it starts an embedded broker first.
SIGINT/SIGTERM stop it gracefully: stop polling, finish the batches in hand, flush, commit, close.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, s := range stages {
				if !slices.Contains(allStages, s) && s != collectorStage {
					return usageError{fmt.Errorf("--stages: %q is not one of %s, %s", s, strings.Join(allStages, ", "), collectorStage)}
				}
			}
			return a.run(cmd.Context(), stages)
		},
	}
	cmd.Flags().StringSliceVar(&stages, "stages", allStages, "stages to run: "+strings.Join(allStages, ", ")+
		"; add "+collectorStage+" to serve the HTTP tracking API on collector.addr too")
	return cmd
}

// run wires the chosen stages and runs them until ctx ends, then shuts down in order: the
// groups drain and commit, then the ClickHouse writer, the producer and the broker close.
func (a *app) run(ctx context.Context, stages []string) error {
	a.ready = newReadiness()
	if _, err := pipeline.Register(a.reg, buildInfo()); err != nil {
		return fmt.Errorf("register build info: %w", err)
	}
	brokers, emb, err := a.brokers(ctx)
	if err != nil {
		return err
	}
	if emb != nil {
		defer emb.Close()
	}
	out, err := a.producer(ctx, brokers, a.cfg.Kafka.ClientID)
	if err != nil {
		return err
	}
	closers := []func(context.Context) error{out.Close}
	a.ready.add("kafka", func(ctx context.Context) error { return kafka.Ping(ctx, out.Client(), brokers) })
	collect := slices.Contains(stages, collectorStage)
	stages = slices.DeleteFunc(slices.Clone(stages), func(s string) bool { return s == collectorStage })

	a.forgotten = pipeline.NewForgotten()
	tap := newAdTap(out, a.cfg.Topics.Ads.Name)
	tap.forgotten = a.forgotten
	a.status = newStatusPage(a.reg, stages, tap, a.cfg.Creatives.Strategy.Experiment, time.Now())
	groups, closers, err := a.groups(ctx, stages, brokers, tap, closers)
	if err != nil {
		return errors.Join(err, closeAll(closers, a.cfg.Shutdown.Timeout))
	}
	var srv *collector.Server
	if collect {
		if srv, err = a.collector(out); err != nil {
			return errors.Join(err, closeAll(closers, a.cfg.Shutdown.Timeout))
		}
	}

	prog := newProgress(a.reg, a.log, stages, time.Now())
	var running atomic.Int32
	eg, egCtx := errgroup.WithContext(ctx)
	if slices.Contains(stages, outcomes.Name) || slices.Contains(stages, archive.Name) || slices.Contains(stages, creatives.Name) {
		if err := a.followForgotten(egCtx, eg, brokers); err != nil {
			return errors.Join(err, eg.Wait(), closeAll(closers, a.cfg.Shutdown.Timeout))
		}
	}
	for _, g := range groups {
		eg.Go(func() error {
			running.Add(1)
			defer running.Add(-1)
			return g.Run(egCtx)
		})
	}
	if srv != nil {
		eg.Go(func() error { return srv.Run(egCtx) })
	}
	if a.cfg.HTTP.Addr != "" {
		a.serveHTTP(egCtx, eg, func() bool { return running.Load() == int32(len(groups)) })
	}
	if every := a.cfg.Log.ProgressInterval; every > 0 {
		eg.Go(func() error {
			prog.run(egCtx, every)
			return nil
		})
	}
	a.log.Info("adshift running", "stages", stages, "brokers", brokers, "http", a.cfg.HTTP.Addr,
		"progress_every", a.cfg.Log.ProgressInterval.String())
	runErr := eg.Wait()
	a.log.Info("stages stopped; flushing and closing")
	// Closers run in reverse: ClickHouse writer, then the producer.
	slices.Reverse(closers)
	closeErr := closeAll(closers, a.cfg.Shutdown.Timeout)
	// After the closers, so the summary counts the rows the last flush wrote.
	prog.summary(time.Now())
	if runErr != nil && ctx.Err() == nil {
		return errors.Join(runErr, closeErr)
	}
	return closeErr
}

// groups builds the named stages and a consumer group for each, appending to closers what
// must be closed after the groups stop; on an error, closers holds what was built so far.
func (a *app) groups(ctx context.Context, stages, brokers []string, out pipeline.Emitter, closers []func(context.Context) error) ([]*kafka.Group, []func(context.Context) error, error) {
	tx, err := a.transaction(stages, brokers)
	if err != nil {
		return nil, closers, err
	}
	var built []pipeline.Stage
	for _, name := range stages {
		var st pipeline.Stage
		var closer func(context.Context) error
		if name == features.Name && tx != nil {
			st, err = a.featuresStage(brokers, tx, false)
		} else {
			st, closer, err = a.stage(ctx, name, brokers, out)
		}
		if err != nil {
			return nil, closers, err
		}
		built = append(built, st)
		if closer != nil {
			closers = append(closers, closer)
		}
	}
	var groups []*kafka.Group
	for _, st := range built {
		gc := a.group(brokers, st.Name())
		if st.Name() == features.Name {
			gc.Transaction = tx
		}
		g, err := kafka.NewGroup(gc, st, a.log.With("stage", st.Name()), a.reg)
		if err != nil {
			return nil, closers, err
		}
		groups = append(groups, g)
		maxLag := a.readyMaxLag(st.Name())
		a.ready.add("stage "+st.Name(), func(context.Context) error { return g.Status().Ready(maxLag) })
	}
	return groups, closers, nil
}

// readyMaxLag is the committed lag over which a stage is not ready: http.ready_max_lag, except
// for the stages whose commits trail what they have processed by design — outcomes holds orders
// for outcomes.lateness of event time, the archive holds records until their hour's file is
// published — whose committed lag grows with traffic however well they keep up (0: any lag).
// Their lag is in /metrics.
func (a *app) readyMaxLag(stage string) int64 {
	if stage == outcomes.Name || stage == archive.Name {
		return 0
	}
	return a.cfg.HTTP.ReadyMaxLag
}

// featuresStage builds the features stage emitting through out, with batches in flight
// (features.WithInFlight) or, in a transaction, each batch durable when Process returns.
func (a *app) featuresStage(brokers []string, out pipeline.Emitter, inFlight bool) (pipeline.Stage, error) {
	cl, err := kafka.NewChangelog(kafka.ChangelogConfig{Brokers: brokers, Topic: a.cfg.Topics.Profiles.Name, Conn: a.kafka}, a.log)
	if err != nil {
		return nil, err
	}
	opts := []features.Option{features.WithChangelog(cl), features.FromKeyed()}
	if inFlight {
		opts = append(opts, features.WithInFlight(features.DefaultInFlight))
	}
	if m, err := a.interestModel(); err != nil {
		return nil, err
	} else if m != nil {
		opts = append(opts, features.WithModel(m))
	}
	return features.New(a.cfg.Features, a.cfg.Topics.Names(), out, a.log, a.reg, opts...)
}

// stage builds one named stage, returning what must be closed after its group stops.
func (a *app) stage(ctx context.Context, name string, brokers []string, out pipeline.Emitter) (pipeline.Stage, func(context.Context) error, error) {
	switch name {
	case features.Name:
		st, err := a.featuresStage(brokers, out, true)
		return st, nil, err
	case rekey.Name:
		st, err := a.rekeyStage(brokers, out)
		return st, nil, err
	case creatives.Name:
		ads, err := a.adLatency(out)
		if err != nil {
			return nil, nil, err
		}
		return a.creativesStage(ctx, ads)
	case outcomes.Name:
		return a.outcomesStage(ctx)
	case archive.Name:
		st, err := a.archiveStage()
		return st, nil, err
	}
	return nil, nil, fmt.Errorf("unknown stage %q", name)
}

// rekeyStage builds the rekey stage, its identities read back from their compacted topic.
func (a *app) rekeyStage(brokers []string, out pipeline.Emitter) (pipeline.Stage, error) {
	t := a.cfg.Topics.Identities
	cl, err := kafka.NewChangelog(kafka.ChangelogConfig{Brokers: brokers, Topic: t.Name, Conn: a.kafka}, a.log)
	if err != nil {
		return nil, err
	}
	return rekey.New(rekey.Config{KeyFrom: a.cfg.Features.KeyFrom}, a.cfg.Topics.Names(), out, a.log, a.reg,
		rekey.WithIdentities(cl, t.Partitions))
}

// creativesStage builds the creatives stage on the catalogue, the generator, the chooser and,
// with llm.embedding_model, the closeness by meaning; the returned stop ends the chooser's
// posterior refresh and the interests' embedding.
func (a *app) creativesStage(ctx context.Context, out pipeline.Emitter) (pipeline.Stage, func(context.Context) error, error) {
	products, err := a.catalogProducts()
	if err != nil {
		return nil, nil, err
	}
	cat := catalog.NewCatalog(products)
	cfg := a.cfg.Creatives
	gen, err := a.generator(cfg.Guard.WithBrands(cat.Brands()))
	if err != nil {
		return nil, nil, err
	}
	closeness, stopCloseness, err := a.closeness(ctx, products, catalog.Taxonomy{})
	if err != nil {
		return nil, nil, err
	}
	opts := []creatives.Option{creatives.WithForgotten(a.forgotten)}
	if closeness != nil {
		opts = append(opts, creatives.WithCloseness(closeness))
	}
	chooser, stopChooser, err := a.chooser(ctx, cfg.Strategy)
	if err != nil {
		return nil, nil, errors.Join(err, stopCloseness(ctx))
	}
	stop := func(ctx context.Context) error { return errors.Join(stopChooser(ctx), stopCloseness(ctx)) }
	st, err := creatives.New(cfg, a.cfg.Topics.Names(), cat, gen, chooser, out, a.log, a.reg, opts...)
	if err != nil {
		return nil, nil, errors.Join(err, stop(ctx))
	}
	return st, stop, nil
}

// outcomesStage builds the outcomes stage writing to ClickHouse; the returned closer flushes
// the writer and closes the client.
func (a *app) outcomesStage(ctx context.Context) (pipeline.Stage, func(context.Context) error, error) {
	ch, err := a.clickhouse(ctx)
	if err != nil {
		return nil, nil, err
	}
	w, err := clickhouse.NewWriter(ch, a.cfg.ClickHouse, a.log.With("sink", "clickhouse"), a.reg)
	if err != nil {
		return nil, nil, errors.Join(err, ch.Close())
	}
	st, err := outcomes.New(a.cfg.Outcomes, a.cfg.Topics.Names(), w, a.log, a.reg, outcomes.WithForgotten(a.forgotten))
	closer := func(ctx context.Context) error { return errors.Join(w.Close(ctx), ch.Close()) }
	if err != nil {
		return nil, nil, errors.Join(err, closer(ctx))
	}
	return st, closer, nil
}

// archiveStage builds the archive stage writing Parquet files under archive.dir.
func (a *app) archiveStage() (pipeline.Stage, error) {
	fcfg := a.cfg.Archive.Files
	if a.cfg.Kafka.Embedded() {
		// The embedded broker starts empty, so its offsets start over every run and a run's
		// files would take the names of an earlier run's: each run archives in its own folder.
		fcfg.Dir = filepath.Join(fcfg.Dir, "embedded-"+time.Now().UTC().Format("20060102T150405.000Z"))
	}
	files, err := parquet.NewFiles(fcfg, a.log, a.reg)
	if err != nil {
		return nil, err
	}
	a.log.Info("archiving to Parquet files", "dir", files.Dir(), "compression", fcfg.Compression)
	return archive.New(a.cfg.Archive.Stage, a.cfg.Topics.Names(), files, a.log, a.reg, archive.WithForgotten(a.forgotten))
}

// serveHTTP serves /metrics, /healthz (alive: every stage's group runs), /readyz (see
// readiness) and the live page, /status (see statusPage), on http.addr in eg until ctx ends.
func (a *app) serveHTTP(ctx context.Context, eg *errgroup.Group, healthy func() bool) {
	srv := &http.Server{Addr: a.cfg.HTTP.Addr, Handler: a.httpHandler(healthy), ReadHeaderTimeout: 5 * time.Second}
	eg.Go(func() error {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http on %s: %w", a.cfg.HTTP.Addr, err)
		}
		return nil
	})
	eg.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
}

func (a *app) httpHandler(healthy func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(lintClean{a.reg}, promhttp.HandlerOpts{Registry: a.reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !healthy() {
			http.Error(w, "stages not running", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/readyz", a.ready)
	if a.status != nil {
		a.status.routes(mux)
	}
	return mux
}

// closeAll runs closers in order under one timeout and joins their errors.
func closeAll(closers []func(context.Context) error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	for _, c := range closers {
		errs = append(errs, c(ctx))
	}
	return errors.Join(errs...)
}

// followForgotten reads the shoppers forgotten so far from the control topic into a.forgotten,
// for the creatives, outcomes and archive stages, and returns once it has all of them; a goroutine of eg
// goes on adding those forgotten later, until ctx ends.
func (a *app) followForgotten(ctx context.Context, eg *errgroup.Group, brokers []string) error {
	cl, err := kafka.NewChangelog(kafka.ChangelogConfig{Brokers: brokers, Topic: a.cfg.Topics.Control.Name,
		ClientID: a.cfg.Kafka.ClientID + "-forgotten", Conn: a.kafka}, a.log)
	if err != nil {
		return err
	}
	caught := make(chan struct{})
	eg.Go(func() error {
		return cl.Tail(ctx, func(_, value []byte) {
			if c, err := schemas.DecodeControl(value); err == nil && c.Type == schemas.ControlForget {
				a.forgotten.Add(c.User)
			}
		}, func() { close(caught) })
	})
	select {
	case <-caught:
		a.log.Info("forgotten shoppers read from the control topic", "shoppers", a.forgotten.Len())
		return nil
	case <-ctx.Done():
		return fmt.Errorf("read the forgotten shoppers from %s: %w", a.cfg.Topics.Control.Name, context.Cause(ctx))
	}
}

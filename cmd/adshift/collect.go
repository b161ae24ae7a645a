package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/collector"
)

// collectorStage is the name of the collector among run's --stages: not a consumer group, but
// the HTTP server in front of the clickstream.
const collectorStage = collector.Stage

func newCollectCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "collect",
		Short: "Serve Segment's HTTP tracking API on collector.addr, producing to the clickstream topic",
		Long: `Collect takes trackers' HTTP calls (analytics.js, Segment's and RudderStack's SDKs, curl) the way
Segment's tracking API does: POST /v1/track, /v1/page, /v1/screen, /v1/identify, /v1/alias,
/v1/group, /v1/batch and analytics.js's one-letter paths, authenticated by a write key of
collector.write_keys, gzipped or not. Each call is answered once the broker acknowledged all its
events: 200 {"success": true}; 400 naming each bad event (dead-lettered too); 401; 413; or 503
with Retry-After, when the collector is busy or the broker slow, for the tracker to retry. It
needs a running broker: kafka.brokers, or the embedded broker of a running "adshift run"
(or run the collector inside it: adshift run --stages=collector,features,...).`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.collect(cmd.Context())
		},
	}
}

// collect runs the collector alone until ctx ends.
func (a *app) collect(ctx context.Context) error {
	brokers := a.clientBrokers()
	out, err := a.producer(ctx, brokers, a.cfg.Kafka.ClientID+"-collector")
	if err != nil {
		if a.cfg.Kafka.Embedded() {
			err = fmt.Errorf("%w (is \"adshift run\" running with its embedded broker on %s?)", err, a.cfg.Kafka.EmbeddedAddr)
		}
		return err
	}
	srv, err := a.collector(out)
	if err != nil {
		return errors.Join(err, out.Close(ctx))
	}
	eg, egCtx := errgroup.WithContext(ctx)
	eg.Go(func() error { return srv.Run(egCtx) })
	if a.cfg.HTTP.Addr != "" {
		a.serveHTTP(egCtx, eg, func() bool { return true })
	}
	runErr := eg.Wait()
	return errors.Join(runErr, closeAll([]func(context.Context) error{out.Close}, a.cfg.Shutdown.Timeout))
}

// collector builds the collector's server on out.
func (a *app) collector(out pipeline.Emitter) (*collector.Server, error) {
	srv, err := collector.NewServer(a.cfg.Collector, a.cfg.Topics.Names(), out, a.log.With("stage", collectorStage), a.reg)
	if errors.Is(err, collector.ErrNoWriteKeys) {
		return nil, fmt.Errorf("%w (collector.write_keys, or ADSHIFT_COLLECTOR_WRITE_KEYS=key1,key2)", err)
	}
	return srv, err
}

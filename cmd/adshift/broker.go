package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/adshift/adshift/sources/kafka"
)

func newBrokerCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "broker",
		Short: "Run the embedded Kafka broker alone, holding adshift's topics, until interrupted",
		Long: `Runs the embedded Kafka broker (the one run starts when kafka.brokers is empty) as a process
of its own, on kafka.embedded_addr, with adshift's topics created. Other adshift processes (run
--stages=…, replay, deliver) and any Kafka client (kcat, kafkajs) attach to it with kafka.brokers.
Its data lives in memory: it is gone when the broker stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.broker(cmd.Context(), cmd.OutOrStdout())
		},
	}
}

// broker runs the embedded broker until ctx ends.
func (a *app) broker(ctx context.Context, stdout io.Writer) error {
	if !a.cfg.Kafka.Embedded() {
		return errors.New("broker: kafka.brokers is set; the embedded broker is for when there is no other one (unset kafka.brokers)")
	}
	emb, err := kafka.StartEmbedded(ctx, a.cfg.Kafka.EmbeddedAddr, topicSpecs(a.cfg.Topics), a.log)
	if err != nil {
		return err
	}
	defer emb.Close()
	addr := emb.Addrs()[0]
	fmt.Fprintf(stdout, "embedded Kafka broker on %s, holding adshift's topics; until interrupted.\n", addr)
	fmt.Fprintf(stdout, "  attach:  ADSHIFT_KAFKA_BROKERS=%s adshift run --stages=features\n", addr)
	fmt.Fprintf(stdout, "  inspect: kcat -b %s -L\n", addr)
	<-ctx.Done()
	return nil
}

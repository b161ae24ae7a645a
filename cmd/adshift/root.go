package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/adshift/adshift/config"
	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// app is what every subcommand shares: the effective configuration, the logger and the
// metrics registry. It is built once the flags are parsed.
type app struct {
	configPath string
	cfg        config.Config
	log        *slog.Logger
	reg        *prometheus.Registry
	// kafka is how every Kafka client reaches the brokers (TLS, SASL, dial timeout).
	kafka franz.Connection
	// ready collects what /readyz checks while run runs; nil for other commands.
	ready *readiness
	// status is the live page run serves on http.addr; nil for other commands.
	status *statusPage
	// forgotten are the shoppers forgotten on deletion requests, kept from the control topic
	// while run runs, for the outcomes and archive stages; nil for other commands.
	forgotten *pipeline.Forgotten
}

func newRoot() *cobra.Command {
	a := &app{}
	root := &cobra.Command{
		Use:           "adshift",
		Short:         "Turn shoppers' live behaviour into the right ad, and prove it worked",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.load(cmd); err != nil {
				return configError{err}
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", "", "YAML configuration file (see adshift.example.yaml)")
	pf.StringSlice("kafka.brokers", nil, "Kafka bootstrap brokers (empty: start an embedded broker)")
	pf.String("clickhouse.addr", "", "ClickHouse native address host:port")
	pf.String("http.addr", "", "address for /metrics, /healthz and /readyz (empty: off)")
	pf.String("log.level", "", "debug, info, warn or error")

	root.AddCommand(
		newRunCmd(a),
		newBrokerCmd(a),
		newReplayCmd(a),
		newCollectCmd(a),
		newSimulateCmd(a),
		newProfileEvalCmd(a),
		newTrainCmd(a),
		newMigrateCmd(a),
		newForgetCmd(a),
		newReportCmd(a),
		newDeliverCmd(a),
		newConfigCmd(a),
		newCreativeCmd(a),
		newVersionCmd(),
	)
	markRan(root)
	return root
}

// load reads the configuration and builds the logger and registry.
func (a *app) load(cmd *cobra.Command) error {
	cfg, err := config.Load(a.configPath, cmd.Flags())
	if err != nil {
		return err
	}
	a.cfg = cfg
	a.log = newLogger(cmd.ErrOrStderr(), cfg.Log)
	if a.kafka, err = franz.NewConnection(cfg.Kafka.Security, a.log); err != nil {
		return err
	}
	a.reg = prometheus.NewRegistry()
	r := pipeline.NewRegistration(a.reg)
	pipeline.Add(r, collectors.NewGoCollector())
	pipeline.Add(r, collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := r.Err(); err != nil {
		return fmt.Errorf("register runtime metrics: %w", err)
	}
	return nil
}

func newLogger(w io.Writer, c config.Log) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(c.Level))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		// The version needs no configuration.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), "adshift", version)
			return err
		},
	}
}

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Inspect the configuration"}
	cmd.AddCommand(&cobra.Command{
		Use:   "print",
		Short: "Print the effective configuration, secrets masked",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.cfg.Print(cmd.OutOrStdout())
		},
	})
	return cmd
}

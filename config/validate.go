package config

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// Validate checks every value and names the key and what it allows in its errors. Each key is
// checked in one place: a section's own keys by its package's Validate, which the package's
// constructors call too; here only what spans sections or belongs to the command itself.
func (c Config) Validate() error {
	errs := []error{c.Kafka.validate(), c.Topics.validate()}
	for _, section := range []struct {
		key string
		err error
	}{
		{"clickhouse", c.ClickHouse.Validate()},
		{"features", c.Features.Validate()},
		{"creatives", c.Creatives.Validate()},
		{"outcomes", c.Outcomes.Validate()},
		{"archive", c.Archive.Stage.Validate()},
		{"archive", c.Archive.Files.Validate()},
		{"collector", c.Collector.Validate()},
		{"llm", c.LLM.validate()},
	} {
		errs = append(errs, keyed(section.key, section.err))
	}
	// The refresh interval is read only by run's posterior refresh, so it is checked here.
	if c.Creatives.Strategy.RefreshInterval <= 0 {
		errs = append(errs, fmt.Errorf("creatives.strategy.refresh_interval: %v must be positive", c.Creatives.Strategy.RefreshInterval))
	}
	if c.HTTP.Addr != "" {
		errs = append(errs, hostPort("http.addr", c.HTTP.Addr))
	}
	errs = append(errs, c.Catalog.validate())
	// One verdict per event: what features rejects as dated in the future must not count as an
	// outcome. (Zero in outcomes takes its default.)
	if skew := cmp.Or(c.Outcomes.FutureSkew, outcomes.DefaultConfig().FutureSkew); skew > c.Features.FutureSkew {
		errs = append(errs, fmt.Errorf("outcomes.future_skew: %v is above features.future_skew (%v): an order or promotion the features stage dead-letters as timestamp_out_of_range would count as an outcome: set it at most that", skew, c.Features.FutureSkew))
	}
	if c.HTTP.ReadyMaxLag < 0 {
		errs = append(errs, fmt.Errorf("http.ready_max_lag: %d must be 0 (any lag) or positive", c.HTTP.ReadyMaxLag))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		errs = append(errs, fmt.Errorf("log.level: %q is not one of debug, info, warn, error", c.Log.Level))
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		errs = append(errs, fmt.Errorf("log.format: %q is not one of text, json", c.Log.Format))
	}
	if c.Log.ProgressInterval < 0 {
		errs = append(errs, fmt.Errorf("log.progress_interval: %v must be 0 (off) or positive", c.Log.ProgressInterval))
	}
	if c.Shutdown.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("shutdown.timeout: %v must be positive", c.Shutdown.Timeout))
	}
	return errors.Join(errs...)
}

// keyed prefixes every error in err, each naming its key within section, with the section.
func keyed(section string, err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, keyed(section, e))
		}
		return errors.Join(out...)
	}
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s.%w", section, err)
}

func hostPort(key, v string) error {
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("%s: %q is not host:port", key, v)
	}
	return nil
}

func (k Kafka) validate() error {
	var errs []error
	for _, b := range k.Brokers {
		errs = append(errs, hostPort("kafka.brokers", b))
	}
	if k.Embedded() {
		errs = append(errs, hostPort("kafka.embedded_addr", k.EmbeddedAddr))
		if k.Security.Enabled() {
			errs = append(errs, errors.New("kafka.tls, kafka.sasl: set, but kafka.brokers is empty: the embedded broker speaks plaintext"))
		}
	}
	// Kafka brokers accept session timeouts of 6s to 30 min by default
	// (group.min/max.session.timeout.ms); a member heartbeats several times per session.
	if k.SessionTimeout < 6*time.Second || k.SessionTimeout > 30*time.Minute {
		errs = append(errs, fmt.Errorf("kafka.session_timeout: %v is out of range: allowed 6s..30m, what brokers accept by default", k.SessionTimeout))
	}
	if k.HeartbeatInterval <= 0 || k.HeartbeatInterval > k.SessionTimeout/3 {
		errs = append(errs, fmt.Errorf("kafka.heartbeat_interval: %v must be above 0 and at most a third of kafka.session_timeout (%v)", k.HeartbeatInterval, k.SessionTimeout))
	}
	if k.ExactlyOnce && k.ClientID == "" {
		errs = append(errs, errors.New("kafka.exactly_once: the transactional id is built from kafka.client_id, which is empty: set one, distinct per instance unless kafka.instance_id is"))
	}
	if _, err := franz.Compression(k.Compression); err != nil {
		errs = append(errs, fmt.Errorf("kafka.%w", err))
	}
	return errors.Join(append(errs, keyed("kafka", k.Security.Validate()))...)
}

// validate checks each topic's name (by pipeline.Topics) and partitions, and that the changelog
// is co-partitioned with its input.
func (t Topics) validate() error {
	errs := []error{keyed("topics", t.Names().Validate())}
	for _, kt := range t.byKey() {
		if p := kt.topic.Partitions; p < 1 || p > 10000 {
			errs = append(errs, fmt.Errorf("%s.partitions: %d is out of range: allowed 1..10000", kt.key, p))
		}
	}
	if t.Keyed.Partitions != t.Profiles.Partitions {
		errs = append(errs, fmt.Errorf("topics.profiles.partitions: %d must equal topics.keyed.partitions (%d): the changelog is co-partitioned with its input",
			t.Profiles.Partitions, t.Keyed.Partitions))
	}
	return errors.Join(errs...)
}

// validate checks the model's keys and the chain's, each by its package, and what spans them.
func (l LLM) validate() error {
	errs := []error{l.Config.Validate(), l.Chain.Validate()}
	if l.Chain.TokensPerMin > 0 && l.Chain.TokensPerMin < l.MaxTokens {
		errs = append(errs, fmt.Errorf("tokens_per_minute: %d is below max_tokens (%d): no request would fit", l.Chain.TokensPerMin, l.MaxTokens))
	}
	if l.PromptsDir != "" {
		if _, err := creative.LoadPrompts(l.PromptsDir); err != nil {
			errs = append(errs, fmt.Errorf("prompts_dir: %w", err))
		}
	}
	return errors.Join(errs...)
}

type keyedTopic struct {
	key   string
	topic Topic
}

// byKey lists the topics with their config keys, in declaration order.
func (t Topics) byKey() []keyedTopic {
	return []keyedTopic{
		{"topics.clickstream", t.Clickstream},
		{"topics.dlq", t.DLQ},
		{"topics.shifts", t.Shifts},
		{"topics.profiles", t.Profiles},
		{"topics.ads", t.Ads},
		{"topics.outcomes", t.Outcomes},
		{"topics.keyed", t.Keyed},
		{"topics.identities", t.Identities},
		{"topics.control", t.Control},
	}
}

// validate checks that url_template, when set, names the product id and gives absolute http(s)
// URLs.
func (c Catalog) validate() error {
	if c.URLTemplate == "" {
		return nil
	}
	if !strings.Contains(c.URLTemplate, ProductIDPlaceholder) {
		return fmt.Errorf("catalog.url_template: %q does not contain %s", c.URLTemplate, ProductIDPlaceholder)
	}
	u, err := url.Parse(c.ProductURL("1"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("catalog.url_template: %q does not give an absolute http(s) URL", c.URLTemplate)
	}
	return nil
}

package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/pipeline/creatives"
	"github.com/adshift/adshift/pipeline/features"
	"github.com/adshift/adshift/pipeline/modelchain"
	"github.com/adshift/adshift/pipeline/modelchain/llm"
	"github.com/adshift/adshift/pipeline/outcomes"
	"github.com/adshift/adshift/sinks/clickhouse"
	"github.com/adshift/adshift/sinks/parquet"
	"github.com/adshift/adshift/sources/collector"
	"github.com/adshift/adshift/sources/kafka/franz"
)

// Config is adshift's whole configuration. Keys are the mapstructure tags, dotted:
// kafka.brokers, clickhouse.addr … The environment variable of a key is ADSHIFT_ plus the key
// upper-cased with dots as underscores: kafka.brokers ↔ ADSHIFT_KAFKA_BROKERS.
type Config struct {
	Kafka      Kafka             `mapstructure:"kafka"`
	Topics     Topics            `mapstructure:"topics"`
	ClickHouse clickhouse.Config `mapstructure:"clickhouse"`
	Features   features.Config   `mapstructure:"features"`
	Creatives  creatives.Config  `mapstructure:"creatives"`
	Outcomes   outcomes.Config   `mapstructure:"outcomes"`
	Archive    Archive           `mapstructure:"archive"`
	Collector  collector.Config  `mapstructure:"collector"`
	Catalog    Catalog           `mapstructure:"catalog"`
	LLM        LLM               `mapstructure:"llm"`
	HTTP       HTTP              `mapstructure:"http"`
	Log        Log               `mapstructure:"log"`
	Shutdown   Shutdown          `mapstructure:"shutdown"`
}

// Kafka says where the brokers are and how to reach them. With no brokers adshift starts an
// embedded broker, which speaks plaintext.
type Kafka struct {
	Brokers      []string `mapstructure:"brokers"`
	EmbeddedAddr string   `mapstructure:"embedded_addr"`
	CreateTopics bool     `mapstructure:"create_topics"`
	ClientID     string   `mapstructure:"client_id"`
	// SessionTimeout is how long a stage's consumer group waits for a silent member (a crashed
	// instance) before giving its partitions to the others; HeartbeatInterval how often a member
	// says it is alive, and so how soon the others hear of a rebalance.
	SessionTimeout    time.Duration `mapstructure:"session_timeout"`
	HeartbeatInterval time.Duration `mapstructure:"heartbeat_interval"`
	// InstanceID, when set, makes each stage's member static (KIP-345: the id + "-" + stage):
	// an instance restarted within the session timeout gets its partitions back with no
	// rebalance. Each instance needs its own id. The embedded broker does not implement it.
	InstanceID string `mapstructure:"instance_id"`
	// ExactlyOnce runs the features stage exactly once: each poll's records, the shifts,
	// changelog writes and dead letters they caused, and their offsets commit together in one
	// Kafka transaction, under the transactional id TransactionalID gives. The other stages stay
	// at least once with idempotent effects. Consumers read committed records only either way.
	ExactlyOnce bool `mapstructure:"exactly_once"`
	// Compression is the codec of every record adshift writes (none, gzip, snappy, lz4, zstd).
	Compression    string `mapstructure:"compression"`
	franz.Security `mapstructure:",squash"`
}

// TransactionalID is the transactional id of stage under kafka.exactly_once: client_id-stage,
// then -instance_id when set. It is the same across restarts of an instance, so a restarted
// instance aborts the transaction its predecessor left open; instances running at once need
// distinct ids (a distinct instance_id or client_id each), or they fence each other.
func (k Kafka) TransactionalID(stage string) string {
	id := k.ClientID + "-" + stage
	if k.InstanceID != "" {
		id += "-" + k.InstanceID
	}
	return id
}

// Embedded reports whether adshift runs its own in-process broker.
func (k Kafka) Embedded() bool { return len(k.Brokers) == 0 }

// Topic names a topic and the partitions adshift creates it with.
type Topic struct {
	Name       string `mapstructure:"name"`
	Partitions int32  `mapstructure:"partitions"`
}

// Topics are the topics adshift reads and owns.
type Topics struct {
	Clickstream Topic `mapstructure:"clickstream"`
	DLQ         Topic `mapstructure:"dlq"`
	Shifts      Topic `mapstructure:"shifts"`
	Profiles    Topic `mapstructure:"profiles"`
	Ads         Topic `mapstructure:"ads"`
	Outcomes    Topic `mapstructure:"outcomes"`
	Keyed       Topic `mapstructure:"keyed"`
	Identities  Topic `mapstructure:"identities"`
	Control     Topic `mapstructure:"control"`
}

// Names are the topics' names, as the stages take them.
func (t Topics) Names() pipeline.Topics {
	return pipeline.Topics{Clickstream: t.Clickstream.Name, DLQ: t.DLQ.Name, Shifts: t.Shifts.Name,
		Profiles: t.Profiles.Name, Ads: t.Ads.Name, Outcomes: t.Outcomes.Name,
		Keyed: t.Keyed.Name, Identities: t.Identities.Name, Control: t.Control.Name}
}

// Archive configures the archive stage and its Parquet files: one section, two packages'
// configurations side by side.
type Archive struct {
	Stage archive.Config `mapstructure:",squash"`
	Files parquet.Config `mapstructure:",squash"`
}

// Catalog is the product catalogue ads are grounded on.
type Catalog struct {
	Format string `mapstructure:"format"`
	Path   string `mapstructure:"path"`
	// URLTemplate is the landing page of a product the catalogue has no URL for, {product_id}
	// replaced by its escaped id; empty: none.
	URLTemplate string `mapstructure:"url_template"`
}

// ProductIDPlaceholder is what Catalog.URLTemplate's product id replaces.
const ProductIDPlaceholder = "{product_id}"

// ProductURL is the landing page of product id by the template; empty without one.
func (c Catalog) ProductURL(id string) string {
	if c.URLTemplate == "" {
		return ""
	}
	return strings.ReplaceAll(c.URLTemplate, ProductIDPlaceholder, url.PathEscape(id))
}

// LLM configures the model that writes ads and the chain around it: one section, two packages'
// configurations side by side. With no provider the template generator writes ads.
type LLM struct {
	llm.Config `mapstructure:",squash"`
	Chain      modelchain.Config `mapstructure:",squash"`
	PromptsDir string            `mapstructure:"prompts_dir"` // prompt templates overriding the embedded set
}

// HTTP serves /metrics, /healthz and /readyz.
type HTTP struct {
	Addr string `mapstructure:"addr"`
	// ReadyMaxLag is the consumer lag in records above which a stage is not ready; 0: any lag.
	ReadyMaxLag int64 `mapstructure:"ready_max_lag"`
}

// Log configures the logger.
type Log struct {
	Level  string `mapstructure:"level"`
	Format string `mapstructure:"format"`
	// ProgressInterval is how often run logs a progress line per stage; 0 turns them off.
	ProgressInterval time.Duration `mapstructure:"progress_interval"`
}

// Shutdown bounds a graceful stop: stop polling, drain, flush, commit, close.
type Shutdown struct {
	Timeout time.Duration `mapstructure:"timeout"`
}

// Default returns the configuration adshift runs with when nothing is set: an embedded broker,
// a local ClickHouse, the template generator.
func Default() Config {
	c := Config{
		Kafka: Kafka{EmbeddedAddr: "127.0.0.1:9092", CreateTopics: true, ClientID: "adshift",
			SessionTimeout: 10 * time.Second, HeartbeatInterval: time.Second,
			Compression: franz.CompressionGzip, Security: franz.Security{DialTimeout: franz.DefaultDialTimeout}},
		Topics: Topics{
			Clickstream: Topic{Name: "clickstream", Partitions: 6},
			DLQ:         Topic{Name: "clickstream.dlq", Partitions: 6},
			Shifts:      Topic{Name: "adshift.shifts", Partitions: 6},
			Profiles:    Topic{Name: "adshift.profiles", Partitions: 6},
			Ads:         Topic{Name: "ads.ready", Partitions: 6},
			Outcomes:    Topic{Name: "ad.outcomes", Partitions: 6},
			Keyed:       Topic{Name: "adshift.clickstream.keyed", Partitions: 6},
			Identities:  Topic{Name: "adshift.identities", Partitions: 6},
			Control:     Topic{Name: "adshift.control", Partitions: 1},
		},
		ClickHouse: clickhouse.DefaultConfig(),
		Features:   features.DefaultConfig(),
		Creatives:  creatives.DefaultConfig(),
		Outcomes:   outcomes.DefaultConfig(),
		Archive:    Archive{Stage: archive.DefaultConfig(), Files: parquet.DefaultConfig()},
		Collector:  collector.DefaultConfig(),
		Catalog:    Catalog{Format: "rees46", Path: "data/sample/rees46-sample.csv"},
		LLM: LLM{
			Config: llm.Config{Temperature: 0.7, MaxTokens: 300, MaxAnswerBytes: 64 << 10, Timeout: 20 * time.Second, JSONMode: true,
				EmbeddingBatch: 64},
			Chain: modelchain.Config{Retries: 2, RetryBackoff: 500 * time.Millisecond, RetryMaxBackoff: 10 * time.Second,
				Concurrency: 8, RequestsPerMin: 600, TokensPerMin: 400_000,
				Breaker: modelchain.BreakerConfig{Failures: 5, OpenFor: 30 * time.Second},
				Cache:   modelchain.CacheConfig{Size: 20_000, TTL: 6 * time.Hour}},
		},
		HTTP:     HTTP{Addr: "127.0.0.1:9464", ReadyMaxLag: 100_000},
		Log:      Log{Level: "info", Format: "text", ProgressInterval: 30 * time.Second},
		Shutdown: Shutdown{Timeout: 30 * time.Second},
	}
	return c
}

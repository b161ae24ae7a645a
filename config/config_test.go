package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/adshift/adshift/sources/kafka/franz"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "adshift.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsAreValidAndEmbedded(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatalf("defaults do not load: %v", err)
	}
	if !cfg.Kafka.Embedded() || cfg.Kafka.EmbeddedAddr != "127.0.0.1:9092" {
		t.Fatalf("default kafka = %+v, want embedded on 127.0.0.1:9092", cfg.Kafka)
	}
	if cfg.Topics.Clickstream.Name != "clickstream" || cfg.Topics.DLQ.Name != "clickstream.dlq" {
		t.Fatalf("default topics = %+v", cfg.Topics)
	}
}

func TestPrecedenceFileEnvFlag(t *testing.T) {
	path := writeFile(t, "kafka:\n  brokers: [file:9092]\nlog:\n  level: debug\nshutdown:\n  timeout: 5s\nhttp:\n  addr: 127.0.0.1:1000\n")

	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Kafka.Brokers, []string{"file:9092"}) || cfg.Log.Level != "debug" || cfg.Shutdown.Timeout != 5*time.Second {
		t.Fatalf("file values not applied: %+v", cfg)
	}

	t.Setenv("ADSHIFT_KAFKA_BROKERS", "env1:9092,env2:9092")
	t.Setenv("ADSHIFT_SHUTDOWN_TIMEOUT", "7s")
	cfg, err = Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Kafka.Brokers, []string{"env1:9092", "env2:9092"}) || cfg.Shutdown.Timeout != 7*time.Second {
		t.Fatalf("environment does not override the file: brokers %v timeout %v", cfg.Kafka.Brokers, cfg.Shutdown.Timeout)
	}
	if cfg.Log.Level != "debug" {
		t.Fatalf("a key set only in the file lost its value: %q", cfg.Log.Level)
	}

	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.String("http.addr", "", "")
	fs.StringSlice("kafka.brokers", nil, "")
	if err := fs.Parse([]string{"--kafka.brokers=flag:9092"}); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(path, fs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Kafka.Brokers, []string{"flag:9092"}) {
		t.Fatalf("flag does not override the environment: %v", cfg.Kafka.Brokers)
	}
	if cfg.HTTP.Addr != "127.0.0.1:1000" {
		t.Fatalf("an unset flag overrode the file: http.addr = %q", cfg.HTTP.Addr)
	}
}

func TestEmptyBrokersEnvMeansEmbedded(t *testing.T) {
	t.Setenv("ADSHIFT_KAFKA_BROKERS", "")
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Kafka.Embedded() {
		t.Fatalf("brokers = %q, want none", cfg.Kafka.Brokers)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	f := func(yaml, want string) {
		t.Helper()
		_, err := Load(writeFile(t, yaml), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Load(%q) error = %v, want it to mention %q", yaml, err, want)
		}
	}
	f("kafka:\n  brokerz: [a:1]\n", "brokerz")
	f("llm:\n  provider: openia\n", "llm.provider")
	f("llm:\n  provider: openai\n", "llm.model")
	f("llm:\n  provider: gemini\n  model: gemini-2.0-flash\n", "llm.api_key")
	f("log:\n  level: loud\n", "log.level")
	f("log:\n  progress_interval: -30s\n", "log.progress_interval")
	f("log:\n  progress_interval: often\n", "progress_interval")
	f("topics:\n  shifts:\n    partitions: 0\n", "topics.shifts.partitions")
	f("topics:\n  shifts:\n    name: clickstream\n", "topics.shifts.name")
	f("kafka:\n  brokers: [nohost]\n", "kafka.brokers")
	f("kafka:\n  session_timeout: 5s\n", "kafka.session_timeout: 5s is out of range")
	f("kafka:\n  session_timeout: 31m\n", "kafka.session_timeout: 31m0s is out of range")
	f("kafka:\n  heartbeat_interval: 0s\n", "kafka.heartbeat_interval")
	f("kafka:\n  session_timeout: 6s\n  heartbeat_interval: 2001ms\n", "kafka.heartbeat_interval: 2.001s must be above 0 and at most a third")
	f("shutdown:\n  timeout: soon\n", "timeout")
	f("topics:\n  profiles:\n    partitions: 3\n", "co-partitioned")
	f("creatives:\n  strategy:\n    policy: greedy\n", "creatives.strategy.policy")
	f("creatives:\n  strategy:\n    refresh_interval: 0s\n", "creatives.strategy.refresh_interval")
	f("creatives:\n  strategy:\n    prior_strength: -1\n", "creatives.strategy.prior_strength")
	f("creatives:\n  ad_ttl: -1s\n", "creatives.ad_ttl")
	f("features:\n  shift:\n    min_events: 0\n", "features.shift.min_events")
	f("archive:\n  compression: lz\n", "archive.compression")
	f("llm:\n  breaker:\n    failures: 0\n", "llm.breaker.failures")
	f("llm:\n  tokens_per_minute: 10\n", "llm.tokens_per_minute")
	f("kafka:\n  compression: brotli\n", "kafka.compression")
	f("http:\n  ready_max_lag: -1\n", "http.ready_max_lag")
	f("outcomes:\n  future_skew: 2h\n", "outcomes.future_skew: 2h0m0s is above features.future_skew (1h0m0s)")
	f("features:\n  future_skew: 0s\n", "outcomes.future_skew: 1h0m0s is above features.future_skew (0s)")
	f("catalog:\n  url_template: https://shop.example/p/\n", "does not contain {product_id}")
	f("catalog:\n  url_template: /p/{product_id}\n", "absolute http(s) URL")
	f("kafka:\n  brokers: [a:9092]\n  dial_timeout: 0s\n", "kafka.dial_timeout")
	f("kafka:\n  brokers: [a:9092]\n  sasl:\n    mechanism: scram\n", "kafka.sasl.mechanism")
	f("kafka:\n  brokers: [a:9092]\n  sasl:\n    mechanism: plain\n", "kafka.sasl")
	f("kafka:\n  brokers: [a:9092]\n  tls:\n    ca_file: ca.pem\n", "kafka.tls")
	f("kafka:\n  tls:\n    enabled: true\n", "embedded broker speaks plaintext")

	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("missing file error = %v", err)
	}
}

func TestPrintMasksSecrets(t *testing.T) {
	cfg := Default()
	cfg.LLM.APIKey = "sk-very-secret"
	cfg.ClickHouse.Username, cfg.ClickHouse.Password = "svc", "hunter2"
	cfg.Collector.WriteKeys = []string{"wk_live_1"}
	cfg.Kafka.Brokers = []string{"pkc-1.eu-west-1.aws.confluent.cloud:9092"}
	cfg.Kafka.TLS = franz.TLS{Enabled: true}
	cfg.Kafka.SASL = franz.SASL{Mechanism: franz.MechanismAWSMSKIAM, AWSAccessKeyID: "AKIAEXAMPLE",
		AWSSecretAccessKey: "aws-very-secret", AWSSessionToken: "aws-session-token"}
	var buf bytes.Buffer
	if err := cfg.Print(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"sk-very-secret", "hunter2", "wk_live_1", "aws-very-secret", "aws-session-token"} {
		if strings.Contains(out, s) {
			t.Fatalf("printed config leaks %q:\n%s", s, out)
		}
	}
	for _, s := range []string{"api_key: '****'", "write_keys:\n    - '****'\n", "aws_secret_access_key: '****'", "aws_access_key_id: AKIAEXAMPLE", "username: svc", "embedded_addr: 127.0.0.1:9092", "timeout: 30s"} {
		if !strings.Contains(out, s) {
			t.Fatalf("printed config lacks %q:\n%s", s, out)
		}
	}
	// What Print writes loads back to the same configuration.
	back, err := Load(writeFile(t, strings.ReplaceAll(out, "'****'", "sk-very-secret")), nil)
	if err != nil {
		t.Fatalf("printed config does not load back: %v", err)
	}
	if back.Shutdown != cfg.Shutdown || back.ClickHouse.Username != "svc" {
		t.Fatalf("round trip lost values: %+v", back)
	}
}

// The example file documents every key with its default value.
func TestExampleFileDocumentsEveryKeyWithItsDefault(t *testing.T) {
	raw, err := os.ReadFile("../adshift.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The caller's own ADSHIFT_ variables (a test run pointed at its ClickHouse) are not the
	// example's: they are cleared for this test.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ADSHIFT_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	for _, k := range Keys() {
		last := k[strings.LastIndexByte(k, '.')+1:]
		if !strings.Contains(string(raw), last+":") {
			t.Errorf("adshift.example.yaml does not mention %s", k)
		}
	}
	cfg, err := Load("../adshift.example.yaml", nil)
	if err != nil {
		t.Fatalf("example does not load: %v", err)
	}
	var got, want bytes.Buffer
	if err := cfg.Print(&got); err != nil {
		t.Fatal(err)
	}
	if err := Default().Print(&want); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Fatalf("example values differ from the defaults:\nexample:\n%s\ndefaults:\n%s", got.String(), want.String())
	}
}

// A misspelt ADSHIFT_ variable is an error naming it and the key meant, like a misspelt key in
// the file; clickhouse.sh's own ADSHIFT_CH_ variables pass.
func TestUnknownEnvironmentVariablesAreErrors(t *testing.T) {
	t.Setenv("ADSHIFT_CH_PORT", "9000")
	t.Setenv("ADSHIFT_KAFKA_BROKERS", "a:9092")
	if _, err := Load("", nil); err != nil {
		t.Fatalf("known variables: %v", err)
	}
	t.Setenv("ADSHIFT_KAFKA_BROKER", "b:9092")
	t.Setenv("ADSHIFT_NOTHING_LIKE_IT", "1")
	_, err := Load("", nil)
	if err == nil {
		t.Fatal("ADSHIFT_KAFKA_BROKER was accepted")
	}
	for _, want := range []string{"ADSHIFT_KAFKA_BROKER: no such key (did you mean ADSHIFT_KAFKA_BROKERS?)", "ADSHIFT_NOTHING_LIKE_IT: no such key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestEveryKeyHasItsVariable(t *testing.T) {
	if got := EnvName("kafka.sasl.aws_secret_access_key"); got != "ADSHIFT_KAFKA_SASL_AWS_SECRET_ACCESS_KEY" {
		t.Errorf("EnvName = %s", got)
	}
	t.Setenv(EnvName("kafka.sasl.mechanism"), "plain")
	t.Setenv(EnvName("kafka.sasl.username"), "key")
	t.Setenv(EnvName("kafka.sasl.password"), "secret")
	t.Setenv(EnvName("kafka.brokers"), "pkc.example:9092")
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kafka.SASL.Mechanism != "plain" || cfg.Kafka.SASL.Password != "secret" {
		t.Errorf("nested kafka.sasl keys from the environment: %+v", cfg.Kafka.SASL)
	}
}

func TestProductURL(t *testing.T) {
	f := func(tpl, id, want string) {
		t.Helper()
		if got := (Catalog{URLTemplate: tpl}).ProductURL(id); got != want {
			t.Errorf("ProductURL(%q, %q) = %q, want %q", tpl, id, got, want)
		}
	}
	f("", "1004767", "")
	f("https://shop.example/p/{product_id}", "1004767", "https://shop.example/p/1004767")
	f("https://shop.example/p/{product_id}?src=adshift", "a/b c", "https://shop.example/p/a%2Fb%20c?src=adshift")
}

// kafka.exactly_once is off unless asked for, from the file or ADSHIFT_KAFKA_EXACTLY_ONCE; its
// transactional id is stable per instance and refuses an empty client id.
func TestExactlyOnce(t *testing.T) {
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kafka.ExactlyOnce {
		t.Fatal("kafka.exactly_once is on by default")
	}
	t.Setenv("ADSHIFT_KAFKA_EXACTLY_ONCE", "true")
	if cfg, err = Load("", nil); err != nil || !cfg.Kafka.ExactlyOnce {
		t.Fatalf("ADSHIFT_KAFKA_EXACTLY_ONCE=true: exactly_once %v, %v", cfg.Kafka.ExactlyOnce, err)
	}
	if got := cfg.Kafka.TransactionalID("features"); got != "adshift-features" {
		t.Errorf("transactional id %q, want adshift-features", got)
	}
	t.Setenv("ADSHIFT_KAFKA_EXACTLY_ONCE", "")
	cfg, err = Load(writeFile(t, "kafka:\n  exactly_once: true\n  client_id: shop\n  instance_id: eu-1\n"), nil)
	if err != nil || !cfg.Kafka.ExactlyOnce {
		t.Fatalf("exactly_once: true in the file: %v, %v", cfg.Kafka.ExactlyOnce, err)
	}
	if got := cfg.Kafka.TransactionalID("features"); got != "shop-features-eu-1" {
		t.Errorf("transactional id %q, want shop-features-eu-1", got)
	}
	_, err = Load(writeFile(t, "kafka:\n  exactly_once: true\n  client_id: \"\"\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "kafka.exactly_once") || !strings.Contains(err.Error(), "kafka.client_id") {
		t.Errorf("exactly_once with no client id: %v, want an error naming kafka.exactly_once and kafka.client_id", err)
	}
	if _, err := Load(writeFile(t, "kafka:\n  client_id: \"\"\n"), nil); err != nil {
		t.Errorf("no client id without exactly_once: %v", err)
	}
}

package config

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/adshift/adshift/pipeline/creative"
	"github.com/adshift/adshift/pipeline/strategy"
)

// Providers are the llm.provider values adshift speaks; empty means the template generator.
// Gemini is reached through its OpenAI-compatible endpoint (provider openai).
var providers = []string{"", "openai", "gemini", "ollama", "anthropic"}

// Validate checks every value and names the key and what it allows in its errors.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	hostPort := func(key, v string) {
		if _, _, err := net.SplitHostPort(v); err != nil {
			bad(key, "%q is not host:port", v)
		}
	}

	for _, b := range c.Kafka.Brokers {
		hostPort("kafka.brokers", b)
	}
	if c.Kafka.Embedded() {
		hostPort("kafka.embedded_addr", c.Kafka.EmbeddedAddr)
	}
	names := map[string]string{}
	for _, kt := range c.Topics.byKey() {
		key, t := kt.key, kt.topic
		if t.Name == "" {
			bad(key+".name", "must not be empty")
		}
		if t.Partitions < 1 || t.Partitions > 10000 {
			bad(key+".partitions", "%d is out of range: allowed 1..10000", t.Partitions)
		}
		if other, dup := names[t.Name]; dup {
			bad(key+".name", "%q is also %s.name: every topic needs its own name", t.Name, other)
		}
		names[t.Name] = key
	}
	if c.Topics.Clickstream.Partitions != c.Topics.Profiles.Partitions {
		bad("topics.profiles.partitions", "%d must equal topics.clickstream.partitions (%d): the changelog is co-partitioned with its input",
			c.Topics.Profiles.Partitions, c.Topics.Clickstream.Partitions)
	}
	for _, section := range []struct {
		key string
		err error
	}{
		{"clickhouse", c.ClickHouse.Validate()},
		{"features", c.Features.Validate()},
		{"archive", c.Archive.Stage(c.Topics).Validate()},
		{"archive", c.Archive.Files().Validate()},
		{"outcomes", c.Outcomes.Validate()},
	} {
		if section.err != nil {
			bad(section.key, "%v", section.err)
		}
	}
	if st := c.Creatives.Strategy; !slices.Contains([]string{strategy.ChooseUniform, strategy.ChooseThompson}, st.Policy) {
		bad("creatives.strategy.policy", "%q is not one of %s, %s", st.Policy, strategy.ChooseUniform, strategy.ChooseThompson)
	}
	if c.Creatives.Strategy.RefreshInterval <= 0 {
		bad("creatives.strategy.refresh_interval", "%v must be positive", c.Creatives.Strategy.RefreshInterval)
	}
	var key *strategy.KeyError
	if err := c.Creatives.Strategy.Validate(); errors.As(err, &key) {
		bad("creatives.strategy."+key.Key, "%v", key.Err)
	}
	if !slices.Contains(providers, c.LLM.Provider) {
		bad("llm.provider", "%q is not one of %s (empty = template generator)", c.LLM.Provider, strings.Join(providers[1:], ", "))
	}
	if (c.LLM.Provider == "gemini" || c.LLM.Provider == "anthropic") && c.LLM.APIKey == "" {
		bad("llm.api_key", "must be set when llm.provider is %q", c.LLM.Provider)
	}
	if c.LLM.Provider != "" && c.LLM.Model == "" {
		bad("llm.model", "must be set when llm.provider is %q", c.LLM.Provider)
	}
	if c.LLM.Temperature < 0 || c.LLM.Temperature > 2 {
		bad("llm.temperature", "%v is out of range: allowed 0..2", c.LLM.Temperature)
	}
	if c.LLM.MaxTokens < 1 {
		bad("llm.max_tokens", "%d must be at least 1", c.LLM.MaxTokens)
	}
	if c.LLM.Timeout <= 0 {
		bad("llm.timeout", "%v must be positive", c.LLM.Timeout)
	}
	for _, n := range []struct {
		key string
		v   int
	}{
		{"llm.retries", c.LLM.Retries}, {"llm.concurrency", c.LLM.Concurrency},
		{"llm.requests_per_minute", c.LLM.RequestsPerMin}, {"llm.tokens_per_minute", c.LLM.TokensPerMin},
		{"llm.cache.size", c.LLM.Cache.Size},
	} {
		if n.v < 0 {
			bad(n.key, "%d must not be negative (0 = unbounded, or off for the cache)", n.v)
		}
	}
	if c.LLM.Retries > 10 {
		bad("llm.retries", "%d is out of range: allowed 0..10", c.LLM.Retries)
	}
	if c.LLM.TokensPerMin > 0 && c.LLM.TokensPerMin < c.LLM.MaxTokens {
		bad("llm.tokens_per_minute", "%d is below llm.max_tokens (%d): no request would fit", c.LLM.TokensPerMin, c.LLM.MaxTokens)
	}
	if c.LLM.RetryBackoff <= 0 || c.LLM.RetryMaxBackoff < c.LLM.RetryBackoff {
		bad("llm.retry_backoff", "%v must be positive and at most llm.retry_max_backoff (%v)", c.LLM.RetryBackoff, c.LLM.RetryMaxBackoff)
	}
	if c.LLM.Breaker.Failures < 1 {
		bad("llm.breaker.failures", "%d must be at least 1", c.LLM.Breaker.Failures)
	}
	if c.LLM.Breaker.OpenFor <= 0 {
		bad("llm.breaker.open_for", "%v must be positive", c.LLM.Breaker.OpenFor)
	}
	if c.LLM.Cache.TTL < 0 {
		bad("llm.cache.ttl", "%v must not be negative (0 = until evicted)", c.LLM.Cache.TTL)
	}
	if c.LLM.PromptsDir != "" {
		if _, err := creative.LoadPrompts(c.LLM.PromptsDir); err != nil {
			bad("llm.prompts_dir", "%v", err)
		}
	}
	if c.HTTP.Addr != "" {
		hostPort("http.addr", c.HTTP.Addr)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		bad("log.format", "%q is not one of text, json", c.Log.Format)
	}
	if c.Shutdown.Timeout <= 0 {
		bad("shutdown.timeout", "%v must be positive", c.Shutdown.Timeout)
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
	}
}

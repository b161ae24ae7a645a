package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ScriptEnvPrefix prefixes the variables of scripts/clickhouse.sh (ADSHIFT_CH_PORT …), which are
// not configuration keys and are let through.
const ScriptEnvPrefix = EnvPrefix + "_CH_"

// EnvName is the environment variable of a key: kafka.brokers ↔ ADSHIFT_KAFKA_BROKERS.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// checkEnv returns an error naming every ADSHIFT_ variable of environ ("NAME=value" entries)
// that is no key's, with the nearest key's variable when one is close: a misspelt variable is
// an error, like a misspelt key in the file.
func checkEnv(environ []string) error {
	known := make([]string, 0, len(Keys()))
	for _, k := range Keys() {
		known = append(known, EnvName(k))
	}
	var errs []error
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || strings.HasPrefix(name, ScriptEnvPrefix) || slices.Contains(known, name) {
			continue
		}
		err := fmt.Errorf("environment variable %s: no such key", name)
		if near := nearest(name, known); near != "" {
			err = fmt.Errorf("environment variable %s: no such key (did you mean %s?)", name, near)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// nearest returns the candidate within a few edits of s, or "".
func nearest(s string, candidates []string) string {
	best, bestDist := "", 4
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

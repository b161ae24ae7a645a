package config

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Print writes the effective configuration as YAML, credentials masked.
func (c Config) Print(w io.Writer) error {
	root := map[string]any{}
	walk("", reflect.ValueOf(c), func(key string, fv reflect.Value) {
		val := fv.Interface()
		switch x := val.(type) {
		case time.Duration:
			val = x.String()
		case string:
			if secret(key) && x != "" {
				val = "****"
			}
		case []string:
			if secret(key) {
				val = masked(x)
			}
		}
		parts := strings.Split(key, ".")
		m := root
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = val
	})
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	return enc.Close()
}

// masked returns one "****" for each of the secrets ss, so their number shows but not their text.
func masked(ss []string) []string {
	out := make([]string, len(ss))
	for i := range out {
		out[i] = "****"
	}
	return out
}

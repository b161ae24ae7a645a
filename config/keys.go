package config

import (
	"reflect"
	"strings"
	"time"
)

// walk calls fn for every leaf of the struct v, with its dotted key built from mapstructure tags.
// Leaves are values that are not structs, plus time.Duration.
func walk(prefix string, v reflect.Value, fn func(key string, v reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if name == "-" {
			continue
		}
		if opts == "squash" {
			walk(prefix, v.Field(i), fn)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && fv.Type() != reflect.TypeFor[time.Duration]() {
			walk(key, fv, fn)
			continue
		}
		fn(key, fv)
	}
}

// Keys lists every configuration key, dotted, in declaration order.
func Keys() []string {
	var keys []string
	walk("", reflect.ValueOf(Default()), func(key string, _ reflect.Value) { keys = append(keys, key) })
	return keys
}

// secret reports whether a key holds a credential that is never printed.
func secret(key string) bool {
	last := key[strings.LastIndexByte(key, '.')+1:]
	return last == "password" || last == "api_key" || last == "write_keys" || strings.HasSuffix(last, "_secret") ||
		strings.HasSuffix(last, "secret_access_key") || strings.HasSuffix(last, "session_token")
}

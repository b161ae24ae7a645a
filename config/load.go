package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// EnvPrefix prefixes every environment variable adshift reads.
const EnvPrefix = "ADSHIFT"

// Load reads the configuration: defaults, then the YAML file at path (optional; empty means
// none), then ADSHIFT_* environment variables, then the flags in fs that were set and are named
// after a key (--kafka.brokers). Unknown keys in the file and ADSHIFT_ variables that name no
// key are errors, so a typo never passes unnoticed. The result is validated.
func Load(path string, fs *pflag.FlagSet) (Config, error) {
	if err := checkEnv(os.Environ()); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	walk("", reflect.ValueOf(Default()), func(key string, fv reflect.Value) {
		v.SetDefault(key, fv.Interface())
	})
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return Config{}, fmt.Errorf("config file %s: not found", path)
			}
			return Config{}, fmt.Errorf("read config file %s: %w", path, err)
		}
	}
	if fs != nil {
		var bindErr error
		fs.VisitAll(func(f *pflag.Flag) {
			if v.IsSet(f.Name) || isKey(f.Name) {
				bindErr = errors.Join(bindErr, v.BindPFlag(f.Name, f))
			}
		})
		if bindErr != nil {
			return Config{}, fmt.Errorf("bind flags: %w", bindErr)
		}
	}
	cfg := Default()
	err := v.UnmarshalExact(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
	)))
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	cfg.Kafka.Brokers = compact(cfg.Kafka.Brokers)
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func isKey(name string) bool {
	for _, k := range Keys() {
		if k == name {
			return true
		}
	}
	return false
}

// compact trims entries and drops empty ones, so ADSHIFT_KAFKA_BROKERS="" means none.
func compact(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

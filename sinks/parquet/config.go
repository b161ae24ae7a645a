package parquet

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// Config says where the archive lives and how its files are compressed.
type Config struct {
	// Dir is the archive's root folder; it is created when missing.
	Dir string `mapstructure:"dir"`
	// Compression is the codec of every column: zstd, snappy, gzip or none.
	Compression string `mapstructure:"compression"`
}

// Compressions lists the codecs Config.Compression accepts. All are read by every common
// Parquet reader (Spark, DuckDB, pyarrow, ClickHouse).
var Compressions = []string{"zstd", "snappy", "gzip", "none"}

// DefaultConfig is var/archive with zstd.
func DefaultConfig() Config { return Config{Dir: "var/archive", Compression: "zstd"} }

// Validate reports a setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Dir == "" {
		errs = append(errs, errors.New("dir: must not be empty"))
	}
	if !slices.Contains(Compressions, c.Compression) {
		errs = append(errs, fmt.Errorf("compression: %q is not one of %s", c.Compression, strings.Join(Compressions, ", ")))
	}
	return errors.Join(errs...)
}

func (c Config) codec() compress.Codec {
	switch c.Compression {
	case "snappy":
		return &pq.Snappy
	case "gzip":
		return &pq.Gzip
	case "none":
		return &pq.Uncompressed
	}
	return &pq.Zstd
}

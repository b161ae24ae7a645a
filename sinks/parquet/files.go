package parquet

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/parquet-go/parquet-go/compress"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/schemas"
)

// Files writes archive files as Parquet under Config.Dir.
type Files struct {
	cfg     Config
	codec   compress.Codec
	log     *slog.Logger
	metrics *metrics
}

var _ archive.Files = (*Files)(nil)

// NewFiles returns the archive's files under cfg.Dir, creating the folder. logger and reg may be
// nil to discard logs and metrics.
func NewFiles(cfg Config, logger *slog.Logger, reg prometheus.Registerer) (*Files, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("parquet archive: %w", err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("parquet archive: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &Files{cfg: cfg, codec: cfg.codec(), log: logger.With("sink", "parquet"), metrics: m}, nil
}

// Dir is the archive's root folder.
func (fs *Files) Dir() string { return fs.cfg.Dir }

// Create starts the file f in memory; nothing touches the disk before Publish.
func (fs *Files) Create(f schemas.ArchiveFile) (archive.File, error) {
	if f.Kind == "" || f.Partition < 0 || f.FirstOffset < 0 {
		return nil, fmt.Errorf("parquet archive: cannot name a file for %+v", f)
	}
	return newFile(fs, f), nil
}

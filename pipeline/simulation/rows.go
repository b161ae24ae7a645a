package simulation

import (
	"context"
	"fmt"

	"github.com/adshift/adshift/pipeline/catalog"
	"github.com/adshift/adshift/schemas"
)

// RunRows is Run that also returns the outcome rows the run wrote — its ads and ad events, as
// the ClickHouse sink would store them — so the report's statistics can be measured over many
// seeds (pipeline/evaluation's coverage benchmark).
func RunRows(ctx context.Context, cfg Config, data Data) (Result, schemas.Rows, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Result{}, schemas.Rows{}, fmt.Errorf("simulate: %w", err)
	}
	w, err := newWorld(data.Events, data.BadRows)
	if err != nil {
		return Result{}, schemas.Rows{}, fmt.Errorf("simulate %s: %w", cfg.File, err)
	}
	s, err := newSim(ctx, cfg, w, catalog.NewCatalog(data.Products))
	if err != nil {
		return Result{}, schemas.Rows{}, err
	}
	if err := s.run(ctx); err != nil {
		return Result{}, schemas.Rows{}, err
	}
	return s.result(), s.pipeline.Rows(), nil
}

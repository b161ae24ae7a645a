package strategy

import "context"

// ArmStat is what the outcomes store knows of one (segment, arm) of an experiment's treatment
// group: distinct impressions, and distinct clicks on those ads.
type ArmStat struct {
	Segment     string `json:"segment"`
	Arm         string `json:"arm"`
	Impressions uint64 `json:"impressions"`
	Clicks      uint64 `json:"clicks"`
}

// Stats is where posteriors come from. ArmStats returns the treatment group's impressions and
// clicks per (segment, arm) of experiment, cumulative since it started; the holdout's baseline
// ads are not included.
type Stats interface {
	ArmStats(ctx context.Context, experiment string) ([]ArmStat, error)
}

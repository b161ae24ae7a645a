package main

import "math"

// assumptions are what the tables take beyond the measurements; each has a flag.
type assumptions struct {
	Cores        float64 // GOMAXPROCS of the benchmark machine: whole-machine figures are divided by it
	Headroom     float64 // share of a core a stage is planned at, so it catches up after an outage
	InstanceCPU  float64 // cores of one adshift instance
	InstanceMem  float64 // GiB one instance may use
	GCFactor     float64 // heap the Go runtime needs per live byte (GOGC=100: up to 2)
	BaseMemGiB   float64 // per instance: catalogue, buffers, clients
	ViewRate     float64 // share of ads shown
	CTR          float64 // clicks per impression
	CVR          float64 // orders per click
	TokensIn     float64 // prompt tokens per model call
	TokensOut    float64 // completion tokens per model call
	PriceIn      float64 // dollars per million prompt tokens
	PriceOut     float64 // dollars per million completion tokens
	FailedPerEvt float64 // failed_events rows per event (bad input)
}

// load is one column of the tables: events per second and shoppers tracked.
type load struct {
	Events, Shoppers float64
}

// throughput is what a rate of events costs, whatever the number of shoppers.
type throughput struct {
	Cores                                  map[string]float64 // per stage
	TotalCores                             float64
	MinPartitions, Partitions              int
	RowsPerDay, BytesPerDay, ArchivePerDay float64
	CallsPerSecond, DollarsPerSecond       float64
}

// perCore returns each stage's events per second on one core.
func perCore(f figures, a assumptions) map[string]float64 {
	modelCost := f.FeaturesInProc / f.FeaturesNoModel // the interest model's share, measured in process
	return map[string]float64{
		"features":  f.FeaturesEndToEnd / a.Cores * modelCost,
		"creatives": f.CreativesPerCore / f.ShiftsPerEvent,
		"outcomes":  f.WriterRows / a.Cores / rowsPerEvent(f, a),
		"archive":   f.ArchivePerCore,
	}
}

// rowsPerEvent is the ClickHouse rows an event causes: its share of an ad, and that ad's views,
// clicks and orders at the assumed rates.
func rowsPerEvent(f figures, a assumptions) float64 {
	touches := a.ViewRate * (1 + a.CTR*(1+a.CVR))
	return f.AdsRowsPerEvent*(1+touches) + a.FailedPerEvt
}

func bytesPerEvent(f figures, a assumptions) float64 {
	touches := a.ViewRate * (1 + a.CTR*(1+a.CVR))
	return f.AdsRowsPerEvent * (f.AdsBytesPerRow + touches*f.EventsBytesPerRow)
}

func planThroughput(f figures, a assumptions, events float64) throughput {
	t := throughput{Cores: map[string]float64{}}
	for stage, rate := range perCore(f, a) {
		c := events / (rate * a.Headroom)
		t.Cores[stage] = c
		t.TotalCores += c
	}
	// A partition is one goroutine: it can take no more than a core of the features stage.
	t.MinPartitions = int(math.Ceil(t.Cores["features"]))
	t.Partitions = roundUp(max(2*t.MinPartitions, 12), 12) // room to double, divisible among 2, 3, 4 or 6 instances
	day := 86400.0
	t.RowsPerDay = events * rowsPerEvent(f, a) * day
	t.BytesPerDay = events * bytesPerEvent(f, a) * day
	t.ArchivePerDay = events * f.ArchiveBytes * day
	t.CallsPerSecond = events * f.ShiftsPerEvent * f.CallsPerShift
	t.DollarsPerSecond = t.CallsPerSecond * (a.TokensIn*a.PriceIn + a.TokensOut*a.PriceOut) / 1e6
	return t
}

// fleet is one cell of the grid: instances for both CPU and memory, and what a crash costs.
type fleet struct {
	Instances      int
	Partitions     int     // the throughput's, or more so that every instance has one
	MemPerInstance float64 // GiB
	Changelog      float64 // bytes
	RestoreSeconds float64 // one instance's share of the shoppers, restored by one instance
}

func planFleet(f figures, a assumptions, l load, t throughput) fleet {
	heap := l.Shoppers * f.BytesPerShopper * a.GCFactor / (1 << 30)
	n := int(math.Ceil(max(t.TotalCores/a.InstanceCPU, heap/(a.InstanceMem-a.BaseMemGiB), 1)))
	restoreRate := f.RestoreProfiles / a.Cores * a.InstanceCPU
	return fleet{
		Instances:      n,
		Partitions:     max(t.Partitions, roundUp(n, 12)), // an instance without a partition does nothing
		MemPerInstance: heap/float64(n) + a.BaseMemGiB,
		Changelog:      l.Shoppers * f.ChangelogBytes,
		RestoreSeconds: l.Shoppers / float64(n) / restoreRate,
	}
}

func roundUp(n, step int) int { return (n + step - 1) / step * step }

package interest

import "time"

// Card describes a model: where its data came from, its vocabulary, its settings and weights,
// and how training went. Written beside the model file as JSON.
type Card struct {
	Format     int       `json:"format"`
	Version    string    `json:"version"`
	From       time.Time `json:"from"`
	Until      time.Time `json:"until"`
	Events     int       `json:"events"`
	Users      int       `json:"users"`
	Categories int       `json:"categories"`
	// Steps is how many events the ranker learned from: those of shoppers with a history whose
	// next category was among the candidates.
	Steps  int    `json:"steps"`
	Config Config `json:"config"`
	// Weights are the ranker's weights by feature name.
	Weights map[string]float64 `json:"weights"`
	// TrainedIn is the wall time from NewTrainer to Model, and EventsPerSecond the events over
	// it. They are not in the model file (its bytes depend only on the input): for a model
	// read back they are zero, and the card file written at training keeps them.
	TrainedIn       time.Duration `json:"trained_in_ns"`
	EventsPerSecond float64       `json:"events_per_second"`
}

// Card returns the model's card.
func (m *Model) Card() Card {
	c := Card{
		Format: formatVersion, Version: m.version,
		From: m.from, Until: m.until,
		Events: m.events, Users: m.users, Categories: len(m.names), Steps: m.steps,
		Config:    m.cfg,
		Weights:   make(map[string]float64, numFeatures),
		TrainedIn: m.trainedIn,
	}
	for d, n := range featureNames() {
		c.Weights[n] = m.w[d]
	}
	if m.trainedIn > 0 {
		c.EventsPerSecond = float64(m.events) / m.trainedIn.Seconds()
	}
	return c
}

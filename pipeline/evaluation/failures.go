package evaluation

// Failures are the dead letters in failed_events, each counted once, by the stage that
// dead-lettered them and then by failure kind. A dead letter is that stage's verdict alone: an
// order the features stage found too late for a shopper's profile (late_event) is still a
// conversion to the outcomes stage, which judges it against its attribution window. So a
// stage's figures are never added to, or taken from, another stage's counts.
type Failures map[string]map[string]uint64

// Add counts n dead letters of kind from stage.
func (f Failures) Add(stage, kind string, n uint64) {
	if f[stage] == nil {
		f[stage] = map[string]uint64{}
	}
	f[stage][kind] += n
}

// Stage is how many inputs stage dead-lettered.
func (f Failures) Stage(stage string) uint64 {
	var n uint64
	for _, k := range f[stage] {
		n += k
	}
	return n
}

// Total is every dead letter, whichever stage wrote it.
func (f Failures) Total() uint64 {
	var n uint64
	for stage := range f {
		n += f.Stage(stage)
	}
	return n
}

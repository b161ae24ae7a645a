package pipeline

import (
	"errors"
	"fmt"
)

// Topics names the Kafka topics the stages read and write. The names come from the topics
// section of the configuration; each stage takes them beside its own Config.
type Topics struct {
	Clickstream string // shoppers' Segment events, key = user
	DLQ         string // dead letters: rejected input, undecodable records
	Shifts      string // profile shifts, key = user
	Profiles    string // the compacted profile changelog, key = user
	Ads         string // published ads, key = user
	Outcomes    string // impressions, clicks and conversions reported by delivery
	Keyed       string // the clickstream re-keyed by shopper, and identity merges (rekey stage)
	Identities  string // the compacted anonymous id -> known user mapping, key = anonymous id
	Control     string // requests about a shopper (deletion), key = user
}

// DefaultTopics returns the standard topic names.
func DefaultTopics() Topics {
	return Topics{
		Clickstream: "clickstream",
		DLQ:         "clickstream.dlq",
		Shifts:      "adshift.shifts",
		Profiles:    "adshift.profiles",
		Ads:         "ads.ready",
		Outcomes:    "ad.outcomes",
		Keyed:       "adshift.clickstream.keyed",
		Identities:  "adshift.identities",
		Control:     "adshift.control",
	}
}

// Validate reports every topic without a name and every name two topics share, each error
// naming the topic's name by its key in the topics section (shifts.name …).
func (t Topics) Validate() error {
	var errs []error
	seen := map[string]string{}
	for _, kt := range []struct{ key, name string }{
		{"clickstream", t.Clickstream}, {"dlq", t.DLQ}, {"shifts", t.Shifts},
		{"profiles", t.Profiles}, {"ads", t.Ads}, {"outcomes", t.Outcomes},
		{"keyed", t.Keyed}, {"identities", t.Identities}, {"control", t.Control},
	} {
		if kt.name == "" {
			errs = append(errs, fmt.Errorf("%s.name: must not be empty", kt.key))
			continue
		}
		if other, dup := seen[kt.name]; dup {
			errs = append(errs, fmt.Errorf("%s.name: %q is also %s.name: every topic needs its own name", kt.key, kt.name, other))
		}
		seen[kt.name] = kt.key
	}
	return errors.Join(errs...)
}

package schemas

import (
	"encoding/json"
	"strings"
)

// Consent is what an event's consent preferences say of advertising, read from
// context.consent.categoryPreferences as Segment's consent management writes it: one boolean per
// consent category id, {"Advertising": false, "Analytics": true, …}. Category ids are the
// site's own, so every category named for advertising counts (AdvertisingCategories); any one
// refused refuses advertising. An event without preferences, or whose preferences name no
// advertising category, says nothing (ConsentUnknown), and Segment's own rule holds: such an event
// changes no shopper's consent.
type Consent uint8

// The values of Consent.
const (
	ConsentUnknown Consent = iota // no preference given for advertising
	ConsentGranted                // every advertising category named is true
	ConsentRefused                // an advertising category is false
)

// AdvertisingCategories are the consent category ids (compared case-insensitively, without
// spaces, dashes and underscores) that mean advertising: Segment's example "Advertising",
// "Marketing" as many consent platforms call it, and the IAB and OneTrust names "Targeting" and
// "Personalised ads".
var AdvertisingCategories = []string{"advertising", "marketing", "targeting", "personalisedads", "personalizedads", "ads"}

// IsAdvertisingCategory reports whether the consent category id means advertising.
func IsAdvertisingCategory(id string) bool {
	norm := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_':
			return -1
		}
		return r
	}, strings.ToLower(id))
	for _, c := range AdvertisingCategories {
		if norm == c {
			return true
		}
	}
	return false
}

// Refused reports whether the shopper refused advertising.
func (c Consent) Refused() bool { return c == ConsentRefused }

// note folds the preference of one category into c.
func (c Consent) note(category string, allowed bool) Consent {
	switch {
	case !IsAdvertisingCategory(category):
		return c
	case !allowed:
		return ConsentRefused
	case c == ConsentUnknown:
		return ConsentGranted
	}
	return c
}

// wireConsent is the consent object as Segment writes it.
type wireConsent struct {
	CategoryPreferences map[string]bool `json:"categoryPreferences,omitempty"`
}

// MarshalJSON writes the consent as Segment's consent object, its advertising category alone.
func (c Consent) MarshalJSON() ([]byte, error) {
	switch c {
	case ConsentGranted:
		return []byte(`{"categoryPreferences":{"Advertising":true}}`), nil
	case ConsentRefused:
		return []byte(`{"categoryPreferences":{"Advertising":false}}`), nil
	}
	return []byte(`{}`), nil
}

// UnmarshalJSON reads Segment's consent object.
func (c *Consent) UnmarshalJSON(b []byte) error {
	var w wireConsent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*c = ConsentUnknown
	for k, v := range w.CategoryPreferences {
		*c = c.note(k, v)
	}
	return nil
}

// consent reads context.consent; a field of the wrong type is dropped, as any context field.
func (d *decoder) consent(c *check, dst *Consent) {
	if !d.opens(c, '{', "context.consent", "must be an object") {
		return
	}
	d.object(func(key []byte) {
		if string(key) != "categoryPreferences" {
			d.skip()
			return
		}
		if !d.opens(c, '{', "context.consent.categoryPreferences", "must be an object") {
			return
		}
		d.object(func(key []byte) {
			category := string(key)
			switch d.peek() {
			case 't':
				d.literal("true")
				*dst = dst.note(category, true)
			case 'f':
				d.literal("false")
				*dst = dst.note(category, false)
			case 'n':
				d.literal("null")
			default:
				d.skip()
				c.fail("context.consent.categoryPreferences", "must hold booleans")
			}
		})
	})
}

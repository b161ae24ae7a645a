package collector

import "github.com/adshift/adshift/schemas"

// route is what a path asks for: one call of a type, or a batch.
type route struct {
	name     string // the canonical path, the metrics' label
	callType string // the call's type; "" for a batch, whose events say their own
}

func (r route) batch() bool { return r.callType == "" }

// buildRoutes maps every path the collector serves: Segment's /v1/<call>, and the one-letter paths
// analytics.js posts to (the first letter of the call's type, "b" for a batch) under /v1 as
// its default API host has it, or at the root for an apiHost without /v1. /v1/import is the
// batch endpoint under its older name.
func buildRoutes() map[string]route {
	m := map[string]route{}
	add := func(name, short, callType string) {
		r := route{name: "/v1/" + name, callType: callType}
		for _, p := range []string{"/v1/" + name, "/v1/" + short, "/" + short} {
			m[p] = r
		}
	}
	add("track", "t", schemas.TypeTrack)
	add("page", "p", schemas.TypePage)
	add("screen", "s", schemas.TypeScreen)
	add("identify", "i", schemas.TypeIdentify)
	add("alias", "a", schemas.TypeAlias)
	add("group", "g", schemas.TypeGroup)
	add("batch", "b", "")
	m["/v1/import"] = m["/v1/batch"]
	return m
}

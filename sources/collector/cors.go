package collector

import (
	"net/http"
	"slices"
)

// cors answers browsers' cross-origin checks for the origins allowed. analytics.js posts as
// text/plain to avoid a preflight, but sends Authorization (and X-Retry-Count on retries), so
// browsers preflight anyway.
type cors struct {
	origins []string
	any     bool
}

func newCORS(origins []string) cors {
	return cors{origins: origins, any: slices.Contains(origins, "*")}
}

// apply sets the response headers for r's origin and reports whether r was a preflight, which
// is then answered.
func (c cors) apply(w http.ResponseWriter, r *http.Request) (preflight bool) {
	origin := r.Header.Get("Origin")
	h := w.Header()
	listed := slices.Contains(c.origins, origin)
	if origin != "" && (c.any || listed) {
		h.Set("Access-Control-Allow-Origin", origin)
		if listed {
			// Credentials only for origins named one by one: "*" lets any page post, not
			// with the shopper's cookies.
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		h.Add("Vary", "Origin")
	}
	if r.Method != http.MethodOptions {
		return false
	}
	if h.Get("Access-Control-Allow-Origin") != "" {
		h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding, X-Retry-Count")
		h.Set("Access-Control-Max-Age", "86400")
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}

package collector

import (
	"crypto/subtle"
	"net/http"
)

// keys checks write keys in constant time, so a key cannot be guessed byte by byte.
type keys [][]byte

func newKeys(ks []string) keys {
	out := make(keys, len(ks))
	for i, k := range ks {
		out[i] = []byte(k)
	}
	return out
}

func (ks keys) valid(key string) bool {
	ok := 0
	for _, k := range ks {
		ok |= subtle.ConstantTimeCompare(k, []byte(key))
	}
	return key != "" && ok == 1
}

// fromHeader reads the key of HTTP Basic auth (the username; the password is ignored, as
// Segment's API does). present says whether the request carried one at all.
func fromHeader(r *http.Request) (key string, present bool) {
	if r.Header.Get("Authorization") == "" {
		return "", false
	}
	user, _, ok := r.BasicAuth()
	if !ok {
		return "", true
	}
	return user, true
}

package collector

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// bodyError is a request body the collector cannot read, with the status that says why.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// readBody reads r's body, gunzipped when its Content-Encoding says gzip, up to limit bytes
// once decompressed; past that it fails with 413.
func readBody(r *http.Request, limit int) ([]byte, error) {
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, &bodyError{http.StatusBadRequest, fmt.Sprintf("gzip body: %v", err)}
		}
		defer zr.Close()
		src = zr
	default:
		return nil, &bodyError{http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Encoding %q: only gzip is accepted", enc)}
	}
	data, err := io.ReadAll(io.LimitReader(src, int64(limit)+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(limit)
		}
		return nil, &bodyError{http.StatusBadRequest, fmt.Sprintf("read body: %v", err)}
	}
	if len(data) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

func tooLarge(limit int) *bodyError {
	return &bodyError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", limit)}
}

package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"

	"github.com/adshift/adshift/schemas"
)

// Reader yields a dataset's events in file order. Next returns io.EOF after the last event, a
// *RowError for a row it could not map (call Next again to go on), and any other error when the
// source cannot be read further.
type Reader interface {
	Next() (schemas.Event, error)
	Close() error
}

// Formats Open reads.
const (
	FormatREES46       = "rees46"
	FormatTaobao       = "taobao"
	FormatOnlineRetail = "online-retail"
	FormatSegment      = "segment"
)

// Open opens the dataset at path, a file or a directory of .csv files read in file-name order
// (a single file for segment).
func Open(format, path string) (Reader, error) {
	switch format {
	case FormatREES46:
		rows, err := openCSV(format, path, rees46Header, len(rees46Header))
		if err != nil {
			return nil, err
		}
		return &rees46Reader{rows: rows}, nil
	case FormatTaobao:
		rows, err := openCSV(format, path, nil, taobaoFields)
		if err != nil {
			return nil, err
		}
		return &taobaoReader{rows: rows}, nil
	case FormatOnlineRetail:
		rows, err := openCSV(format, path, onlineRetailHeader, len(onlineRetailHeader))
		if err != nil {
			return nil, err
		}
		return &onlineRetailReader{rows: rows}, nil
	case FormatSegment:
		return openSegment(path)
	}
	return nil, fmt.Errorf("dataset format %q: want %s, %s, %s or %s",
		format, FormatREES46, FormatTaobao, FormatOnlineRetail, FormatSegment)
}

// messageID is the deterministic id of the event made from one source row.
func messageID(format, file string, line int) string {
	return shortHash(32, format, file, strconv.Itoa(line))
}

// shortHash returns the first n (even, at most 64) hex digits of the SHA-256 of parts, each
// part delimited so that ("ab", "c") and ("a", "bc") differ.
func shortHash(n int, parts ...string) string {
	var buf [256]byte
	b := buf[:0]
	for _, p := range parts {
		b = append(b, p...)
		b = append(b, 0)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:n/2])
}

// parsePrice parses a non-negative, finite price.
func parsePrice(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

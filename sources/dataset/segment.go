package dataset

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/adshift/adshift/schemas"
)

// segmentReader reads JSON lines of Segment events, as exported by Segment, RudderStack or a
// previous adshift replay. Blank lines are skipped.
type segmentReader struct {
	f    *os.File
	r    *bufio.Reader
	name string
	line int
}

func openSegment(path string) (*segmentReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s dataset: %w", FormatSegment, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s dataset: %s is a folder; %s reads one JSON lines file (a folder of .csv files is read by the other formats)",
			FormatSegment, path, FormatSegment)
	}
	return &segmentReader{f: f, r: bufio.NewReaderSize(f, 64<<10), name: filepath.Base(path)}, nil
}

func (r *segmentReader) Next() (schemas.Event, error) {
	for {
		line, err := r.r.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return schemas.Event{}, io.EOF
			}
			return schemas.Event{}, fmt.Errorf("read %s: %w", r.name, err)
		}
		r.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		e, err := schemas.DecodeEvent(line, schemas.Limits{})
		if err != nil {
			reason := string(schemas.MalformedJSON)
			if f, ok := schemas.AsFailure(err); ok {
				reason = string(f.Kind)
			}
			return schemas.Event{}, &RowError{File: r.name, Line: r.line, Reason: reason, Err: err}
		}
		return e, nil
	}
}

func (r *segmentReader) Close() error { return r.f.Close() }

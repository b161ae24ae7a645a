package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// pos is where a row is: the base name of its file, so ids do not depend on where the dataset
// is mounted, and its 1-based line.
type pos struct {
	file string
	line int
}

// csvRows reads the records of one CSV file, or of a directory's .csv files in name order, all
// with the same layout. The record it returns is reused by the next call.
type csvRows struct {
	files  []string
	header []string // expected first row of every file; nil when the files have none
	fields int
	next   int // index into files of the file to open next
	f      *os.File
	r      *csv.Reader
	name   string
}

func openCSV(format, path string, header []string, fields int) (*csvRows, error) {
	files, err := csvFiles(path)
	if err != nil {
		return nil, fmt.Errorf("open %s dataset: %w", format, err)
	}
	s := &csvRows{files: files, header: header, fields: fields}
	if err := s.openNext(); err != nil {
		return nil, fmt.Errorf("open %s dataset: %w", format, err)
	}
	return s, nil
}

func csvFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path) // sorted by name
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".csv") {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .csv files in %s", path)
	}
	return files, nil
}

// openNext closes the current file and opens the next one, checking its header. With no files
// left it leaves s.r nil.
func (s *csvRows) openNext() error {
	if err := s.Close(); err != nil {
		return err
	}
	if s.next == len(s.files) {
		return nil
	}
	path := s.files[s.next]
	s.next++
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // a short row is a RowError, not the end of the file
	r.ReuseRecord = true
	s.f, s.r, s.name = f, r, filepath.Base(path)
	if s.header == nil {
		return nil
	}
	got, err := r.Read()
	if err != nil {
		return fmt.Errorf("read header of %s: %w", path, err)
	}
	if len(got) > 0 {
		got[0] = strings.TrimPrefix(got[0], "\ufeff")
	}
	if !slices.Equal(got, s.header) {
		return fmt.Errorf("%s: header %q, want %q", path, strings.Join(got, ","), strings.Join(s.header, ","))
	}
	return nil
}

// read returns the next record and where it is. A record with the wrong number of fields or
// broken quoting is a *RowError; io.EOF follows the last record of the last file.
func (s *csvRows) read() ([]string, pos, error) {
	for s.r != nil {
		rec, err := s.r.Read()
		if err == io.EOF {
			if err := s.openNext(); err != nil {
				return nil, pos{}, err
			}
			continue
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, pos{s.name, pe.StartLine}, rowErrorf(pos{s.name, pe.StartLine}, ReasonMalformedCSV, "%v", pe.Err)
			}
			return nil, pos{}, fmt.Errorf("read %s: %w", s.name, err)
		}
		line, _ := s.r.FieldPos(0)
		p := pos{s.name, line}
		if len(rec) != s.fields {
			return nil, p, rowErrorf(p, ReasonWrongColumnCount, "%d columns, want %d", len(rec), s.fields)
		}
		return rec, p, nil
	}
	return nil, pos{}, io.EOF
}

// Close closes the file being read.
func (s *csvRows) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f, s.r = nil, nil
	return err
}

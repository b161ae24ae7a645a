package parquet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	pq "github.com/parquet-go/parquet-go"

	"github.com/adshift/adshift/pipeline/archive"
	"github.com/adshift/adshift/schemas"
)

// rowGroupBytes is the record bytes after which a row group is closed: big enough for good
// compression and long column scans, small enough for readers to hold one.
const rowGroupBytes = 64 << 20

// ErrDiscarded is returned by a file used after Discard.
var ErrDiscarded = errors.New("parquet archive: file discarded")

// file is one archive file, encoded in memory until it is published.
type file struct {
	fs   *Files
	meta schemas.ArchiveFile
	path string // final path

	buf   bytes.Buffer // the encoded file
	w     *pq.GenericWriter[schemas.ArchiveRow]
	rows  int64
	last  int64 // offset of the last row
	group int64 // record bytes in the row group being filled

	err       error // sticky: an encoding error spoils the file
	encoded   bool  // the footer is written: buf holds the whole file
	published bool
}

var _ archive.File = (*file)(nil)

func newFile(fs *Files, meta schemas.ArchiveFile) *file {
	f := &file{fs: fs, meta: meta, path: filepath.Join(fs.cfg.Dir, filepath.FromSlash(meta.Path()))}
	f.w = pq.NewGenericWriter[schemas.ArchiveRow](&f.buf, pq.Compression(fs.codec))
	return f
}

// Write encodes rows into the file's current row group.
func (f *file) Write(rows []schemas.ArchiveRow) error {
	if f.err != nil {
		return f.err
	}
	if f.encoded {
		return fmt.Errorf("parquet archive: write to %s after publish", f.meta.Path())
	}
	if len(rows) == 0 {
		return nil
	}
	if _, err := f.w.Write(rows); err != nil {
		f.err = fmt.Errorf("encode %d rows of %s: %w", len(rows), f.meta.Path(), err)
		return f.err
	}
	f.rows += int64(len(rows))
	f.last = rows[len(rows)-1].Offset
	for i := range rows {
		f.group += int64(len(rows[i].Key) + len(rows[i].Value))
	}
	if f.group >= rowGroupBytes {
		if err := f.w.Flush(); err != nil {
			f.err = fmt.Errorf("encode a row group of %s: %w", f.meta.Path(), err)
			return f.err
		}
		f.group = 0
	}
	return nil
}

// Publish writes the file under a temporary name, renames it into place and prunes the files it
// supersedes. Once the footer is encoded, a retry only repeats the disk work.
func (f *file) Publish(ctx context.Context) error {
	switch {
	case f.err != nil:
		return f.err
	case f.published:
		return nil
	case f.w == nil && !f.encoded:
		return ErrDiscarded
	}
	if !f.encoded {
		if err := f.finish(); err != nil {
			f.err = err
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("publish %s: %w", f.meta.Path(), err)
	}
	start := time.Now()
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("publish %s: %w", f.meta.Path(), err)
	}
	// A redelivery cut short (by a restart, or a roll at another moment) must not shrink a
	// published file: same name and first offset, so the longer one holds all the shorter holds.
	if last, ok := lastOffset(f.path); !ok || last < f.last {
		if err := writeAtomic(dir, f.path, f.buf.Bytes()); err != nil {
			return fmt.Errorf("publish %s: %w", f.meta.Path(), err)
		}
		f.fs.metrics.written.Add(float64(f.buf.Len()))
	} else {
		f.fs.log.Info("archive file already published with more records; keeping it",
			"path", f.path, "last_offset", last, "this_last_offset", f.last)
	}
	f.fs.prune(dir, f.meta, f.last)
	f.fs.metrics.seconds.Observe(time.Since(start).Seconds())
	f.published = true
	f.buf = bytes.Buffer{}
	return nil
}

// finish writes the metadata and footer into the buffer.
func (f *file) finish() error {
	m := f.meta
	for k, v := range map[string]string{
		schemas.ArchiveMetaKind:        string(m.Kind),
		schemas.ArchiveMetaTopic:       m.Topic,
		schemas.ArchiveMetaPartition:   strconv.FormatInt(int64(m.Partition), 10),
		schemas.ArchiveMetaFirstOffset: strconv.FormatInt(m.FirstOffset, 10),
		schemas.ArchiveMetaLastOffset:  strconv.FormatInt(f.last, 10),
		schemas.ArchiveMetaHour:        m.Hour.UTC().Format(time.RFC3339),
	} {
		f.w.SetKeyValueMetadata(k, v)
	}
	if f.rows == 0 {
		return fmt.Errorf("parquet archive: %s has no rows", m.Path())
	}
	if err := f.w.Close(); err != nil {
		return fmt.Errorf("encode the footer of %s: %w", m.Path(), err)
	}
	f.w, f.encoded = nil, true
	return nil
}

// Discard drops the file and its buffer.
func (f *file) Discard() {
	f.w, f.encoded, f.buf = nil, false, bytes.Buffer{}
}

// writeAtomic writes data to a new temporary file beside path, syncs it, renames it to path and
// syncs the folder, so path holds either its old content or all of data, even after a crash.
func writeAtomic(dir, path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

package parquet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	pq "github.com/parquet-go/parquet-go"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Erased is what Forget did to the archive.
type Erased struct {
	Files     int   // archive files read
	Rewritten int   // files written anew without the shoppers' records
	Removed   int   // files that held nothing else, removed
	Records   int64 // records of the shoppers taken out
}

// Forget takes every record of users out of every archive file under the folder: a record is
// theirs when its key or a header is one of their ids, or its value names one as a shopper —
// the value of a "userId", "anonymousId", "user" or "user_id" member (pipeline.Forgotten.Names,
// the rule by which the archive stage keeps nothing new of them). That covers the
// clickstream (a Segment batch naming them goes whole, other shoppers' events with it: the
// archive keeps records as they flowed), ads and outcomes. A file holding such records is
// written anew without them, with the same name and metadata, under a temporary name renamed
// into place, so a reader sees the old file or the new one, never a part; a file holding nothing
// else is removed. Forgetting again finds nothing to do.
func (fs *Files) Forget(ctx context.Context, users []string) (Erased, error) {
	var out Erased
	if len(users) == 0 {
		return out, nil
	}
	m := pipeline.NewForgotten()
	for _, u := range users {
		if u == "" {
			return out, fmt.Errorf("parquet archive: forget: an empty shopper id")
		}
		m.Add(u)
	}
	err := filepath.WalkDir(fs.cfg.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, schemas.ArchiveSuffix) {
			return nil
		}
		out.Files++
		n, kept, err := fs.erase(path, m)
		if err != nil {
			return err
		}
		out.Records += n
		switch {
		case n == 0:
		case kept == 0:
			out.Removed++
		default:
			out.Rewritten++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return out, fmt.Errorf("parquet archive: forget %d shoppers: %w", len(users), err)
	}
	fs.metrics.erased.Add(float64(out.Records))
	return out, nil
}

// erase rewrites the file at path without m's records, and says how many it took out and kept.
func (fs *Files) erase(path string, m *pipeline.Forgotten) (erased, kept int64, err error) {
	rows, meta, err := readArchiveFile(path)
	if err != nil {
		return 0, 0, err
	}
	keep := rows[:0]
	for _, r := range rows {
		if !m.Names(r.Key, r.Headers, r.Value) {
			keep = append(keep, r)
		}
	}
	erased, kept = int64(len(rows)-len(keep)), int64(len(keep))
	if erased == 0 {
		return 0, kept, nil
	}
	dir := filepath.Dir(path)
	if kept == 0 {
		if err := os.Remove(path); err != nil {
			return 0, 0, fmt.Errorf("remove %s: %w", path, err)
		}
		fs.log.Info("archive file held only forgotten shoppers' records; removed", "path", path, "records", erased)
		return erased, 0, syncDir(dir)
	}
	var buf bytes.Buffer
	w := pq.NewGenericWriter[schemas.ArchiveRow](&buf, pq.Compression(fs.codec))
	for k, v := range meta {
		w.SetKeyValueMetadata(k, v)
	}
	if _, err := w.Write(keep); err != nil {
		return 0, 0, fmt.Errorf("encode %s anew: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return 0, 0, fmt.Errorf("encode %s anew: %w", path, err)
	}
	// The metadata keeps the file's last offset, so a redelivery of the same records, which would
	// bring the forgotten ones back, does not replace it (Publish keeps the longer file).
	if err := writeAtomic(dir, path, buf.Bytes()); err != nil {
		return 0, 0, fmt.Errorf("rewrite %s: %w", path, err)
	}
	fs.metrics.written.Add(float64(buf.Len()))
	fs.log.Info("archive file rewritten without forgotten shoppers' records", "path", path, "erased", erased, "kept", kept)
	return erased, kept, nil
}

// readArchiveFile returns the rows and key/value metadata of the archive file at path.
func readArchiveFile(path string) ([]schemas.ArchiveRow, map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	pf, err := pq.OpenFile(f, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	meta := map[string]string{}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		meta[kv.Key] = kv.Value
	}
	r := pq.NewGenericReader[schemas.ArchiveRow](pf)
	defer r.Close()
	rows := make([]schemas.ArchiveRow, pf.NumRows())
	n, err := r.Read(rows)
	if err != nil && n < len(rows) {
		if n, err = readRest(r, rows, n); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	return rows[:n], meta, nil
}

// readRest reads on into rows[n:] until the reader is done.
func readRest(r *pq.GenericReader[schemas.ArchiveRow], rows []schemas.ArchiveRow, n int) (int, error) {
	for n < len(rows) {
		m, err := r.Read(rows[n:])
		n += m
		if err != nil {
			if n == len(rows) {
				return n, nil
			}
			if m == 0 {
				return n, err
			}
		}
	}
	return n, nil
}

// syncDir syncs the folder, so a removal survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

package parquet

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	pq "github.com/parquet-go/parquet-go"

	"github.com/adshift/adshift/schemas"
)

// prune removes, from the hour folder dir, what a file published for meta with records up to
// offset last makes redundant: the partition's files that start after meta.FirstOffset and end by
// last (every record they hold is in the new file: same hour, same partition, a span of offsets
// inside the new file's), and the partition's temporary files starting within that span, left by
// a crash or by an owner the partition has moved away from. Failures are logged, never returned:
// the archive stays correct with the extra files, which readers dedup.
func (fs *Files) prune(dir string, meta schemas.ArchiveFile, last int64) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		fs.log.Warn("list archive folder to prune", "dir", dir, "err", err)
		return
	}
	for _, e := range entries {
		name := e.Name()
		tmp := false
		if i := strings.Index(name, schemas.ArchiveSuffix+"."); i >= 0 && strings.HasSuffix(name, ".tmp") {
			name, tmp = name[:i+len(schemas.ArchiveSuffix)], true
		}
		p, first, err := schemas.ParseArchiveName(name)
		if err != nil || p != meta.Partition || first < meta.FirstOffset || first > last {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !tmp {
			end, ok := lastOffset(path)
			if first == meta.FirstOffset || !ok || end > last {
				continue
			}
		}
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			fs.log.Warn("prune superseded archive file", "path", path, "err", err)
			continue
		}
		fs.metrics.pruned.Inc()
		fs.log.Info("pruned superseded archive file", "path", path)
	}
}

// lastOffset reads the offset of the last record of the archive file at path from its footer.
// ok is false when there is no such file or it cannot be read as one.
func lastOffset(path string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, false
	}
	pf, err := pq.OpenFile(f, st.Size(), pq.SkipPageIndex(true), pq.SkipBloomFilters(true))
	if err != nil {
		return 0, false
	}
	v, ok := pf.Lookup(schemas.ArchiveMetaLastOffset)
	if !ok {
		return 0, false
	}
	last, err := strconv.ParseInt(v, 10, 64)
	return last, err == nil
}

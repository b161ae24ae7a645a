package parquet

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// File is one complete archive file found under an archive's root.
type File struct {
	schemas.ArchiveFile
	Path string // on disk: the root joined with ArchiveFile.Path
}

// List returns the complete files of kind under the archive root dir, ordered by partition,
// first offset and hour. Temporary files are skipped; any other file whose name ends in .parquet
// must be named as the archive names its files.
func List(dir string, kind schemas.ArchiveKind) ([]File, error) {
	root := filepath.Join(dir, string(kind))
	if st, err := os.Stat(root); err != nil {
		return nil, fmt.Errorf("no %s archive under %s: %w", kind, dir, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	var files []File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// A folder that vanished while we walked (pruned, or removed by hand) holds nothing.
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), schemas.ArchiveSuffix) {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := schemas.ParseArchivePath(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		files = append(files, File{ArchiveFile: f, Path: path})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the %s archive under %s: %w", kind, dir, err)
	}
	slices.SortFunc(files, func(a, b File) int {
		return cmp.Or(cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.FirstOffset, b.FirstOffset), a.Hour.Compare(b.Hour))
	})
	return files, nil
}

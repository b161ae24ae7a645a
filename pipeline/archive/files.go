package archive

import (
	"context"

	"github.com/adshift/adshift/schemas"
)

// Files is where archive files go; sinks/parquet writes them as Parquet files under a directory.
// It is used by every partition's processor at once, so it must be safe for concurrent use.
type Files interface {
	// Create starts the file f. Nothing written to it is visible to readers before Publish.
	Create(f schemas.ArchiveFile) (File, error)
}

// File is one archive file being filled by one partition's processor.
type File interface {
	// Write adds rows, in offset order. An error leaves the file unusable: every later call
	// returns it.
	Write(rows []schemas.ArchiveRow) error
	// Publish completes the file and makes it visible under its final name in one step, durably.
	// It never replaces a published file of the same name that holds more records, and it removes
	// the files of the same hour and partition whose records this one holds all of. After an
	// error it may be called again.
	Publish(ctx context.Context) error
	// Discard drops a file that will not be published, and what it holds in memory.
	Discard()
}

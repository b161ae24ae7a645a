package parquet

import (
	"errors"
	"fmt"
	"io"
	"os"

	pq "github.com/parquet-go/parquet-go"

	"github.com/adshift/adshift/schemas"
)

// schema is the schema every archive file has.
var schema = pq.SchemaOf(new(schemas.ArchiveRow))

// readBatch is how many rows a cursor decodes at a time.
const readBatch = 256

// cursor reads one archive file row by row.
type cursor struct {
	path  string
	topic string
	f     *os.File
	r     *pq.GenericReader[schemas.ArchiveRow]
	buf   []schemas.ArchiveRow
	i, n  int
	eof   bool
}

// openCursor opens the archive file at path. It fails on a file that is not a complete Parquet
// file with the archive's schema.
func openCursor(path string) (*cursor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	pf, err := pq.OpenFile(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read archive file %s: %w", path, err)
	}
	if !pq.EqualNodes(pf.Schema(), schema) {
		f.Close()
		return nil, fmt.Errorf("read archive file %s: its schema is not an archive file's:\n%s", path, pf.Schema())
	}
	topic, _ := pf.Lookup(schemas.ArchiveMetaTopic)
	return &cursor{
		path:  path,
		topic: topic,
		f:     f,
		r:     pq.NewGenericReader[schemas.ArchiveRow](pf),
		buf:   make([]schemas.ArchiveRow, readBatch),
	}, nil
}

// peek returns the next row, or nil at the end of the file. The row stays valid after the
// cursor moves on.
func (c *cursor) peek() (*schemas.ArchiveRow, error) {
	if c.i < c.n {
		return &c.buf[c.i], nil
	}
	if c.eof {
		return nil, nil
	}
	// Fresh rows, so the decoder allocates new byte slices rather than reusing ones handed out.
	clear(c.buf)
	n, err := c.r.Read(c.buf)
	c.i, c.n = 0, n
	if errors.Is(err, io.EOF) {
		c.eof = true
	} else if err != nil {
		return nil, fmt.Errorf("read archive file %s: %w", c.path, err)
	}
	if n == 0 {
		c.eof = true
		return nil, nil
	}
	return &c.buf[0], nil
}

// advance moves past the row peek returned.
func (c *cursor) advance() { c.i++ }

func (c *cursor) close() error {
	return errors.Join(c.r.Close(), c.f.Close())
}

// ReadFile returns every row of the archive file at path, in file order.
func ReadFile(path string) ([]schemas.ArchiveRow, error) {
	c, err := openCursor(path)
	if err != nil {
		return nil, err
	}
	defer c.close()
	var rows []schemas.ArchiveRow
	for {
		r, err := c.peek()
		if err != nil {
			return nil, err
		}
		if r == nil {
			return rows, nil
		}
		rows = append(rows, *r)
		c.advance()
	}
}

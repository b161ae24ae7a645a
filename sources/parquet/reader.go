package parquet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/schemas"
)

// Reader yields the archived records of one kind in the order they flowed. See the package
// documentation.
type Reader struct {
	parts []*partition
	files int
}

// Open returns a Reader of the kind's records under the archive root dir.
func Open(dir string, kind schemas.ArchiveKind) (*Reader, error) {
	files, err := List(dir, kind)
	if err != nil {
		return nil, err
	}
	r := &Reader{files: len(files)}
	for i := 0; i < len(files); {
		j := i
		for j < len(files) && files[j].Partition == files[i].Partition {
			j++
		}
		r.parts = append(r.parts, &partition{files: files[i:j], last: -1})
		i = j
	}
	return r, nil
}

// Files is how many files the Reader reads.
func (r *Reader) Files() int { return r.files }

// Next returns the next record, with its original topic, partition, offset, key, value, headers
// and timestamp, or io.EOF after the last.
func (r *Reader) Next() (pipeline.Record, error) {
	var next *partition
	for _, p := range r.parts {
		row, err := p.peek()
		if err != nil {
			return pipeline.Record{}, err
		}
		if row == nil {
			continue
		}
		if next == nil || row.Timestamp.Before(next.head.Timestamp) {
			next = p
		}
	}
	if next == nil {
		return pipeline.Record{}, io.EOF
	}
	row, topic := next.head, next.headTopic
	next.take()
	rec := pipeline.Record{
		Topic:     topic,
		Partition: row.Partition,
		Offset:    row.Offset,
		Key:       row.Key,
		Value:     row.Value,
		Headers:   row.Headers,
		Timestamp: row.Timestamp,
	}
	return rec, nil
}

// Close closes the files the Reader has open.
func (r *Reader) Close() error {
	var errs []error
	for _, p := range r.parts {
		for _, c := range p.open {
			errs = append(errs, c.close())
		}
		p.open = nil
	}
	return errors.Join(errs...)
}

// partition merges the files of one partition by offset: within a file rows are in offset
// order, and a file holds no offset below its first, so a file needs opening only once the
// smallest offset among the open ones reaches its first offset.
type partition struct {
	files []File    // not opened yet, by first offset
	open  []*cursor // opened, not exhausted
	last  int64     // offset yielded last

	head      *schemas.ArchiveRow // the next row, once peeked
	headTopic string
}

// peek returns the partition's next row not yet yielded, or nil when it has none.
func (p *partition) peek() (*schemas.ArchiveRow, error) {
	for p.head == nil {
		c, row, err := p.smallest()
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, nil
		}
		c.advance()
		if row.Offset <= p.last {
			continue // also in a file read before: yield each offset once
		}
		p.head, p.headTopic = row, c.topic
	}
	return p.head, nil
}

// take moves past the row peek returned.
func (p *partition) take() {
	p.last = p.head.Offset
	p.head = nil
}

// smallest returns the open cursor whose next row has the smallest offset, and that row,
// opening the files that may hold it first; nil when every file is read.
func (p *partition) smallest() (*cursor, *schemas.ArchiveRow, error) {
	for {
		var best *cursor
		var bestRow *schemas.ArchiveRow
		for i := 0; i < len(p.open); {
			c := p.open[i]
			row, err := c.peek()
			if err != nil {
				return nil, nil, err
			}
			if row == nil {
				p.open = append(p.open[:i], p.open[i+1:]...)
				if err := c.close(); err != nil {
					return nil, nil, err
				}
				continue
			}
			if bestRow == nil || row.Offset < bestRow.Offset {
				best, bestRow = c, row
			}
			i++
		}
		if len(p.files) == 0 || (bestRow != nil && bestRow.Offset < p.files[0].FirstOffset) {
			return best, bestRow, nil
		}
		f := p.files[0]
		p.files = p.files[1:]
		c, err := openCursor(f.Path)
		if errors.Is(err, fs.ErrNotExist) {
			continue // pruned since it was listed: a newer file holds its records
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s partition %d: %w", f.Kind, f.Partition, err)
		}
		p.open = append(p.open, c)
	}
}

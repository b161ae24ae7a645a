package embedding

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
)

// Cache is an Embedder that keeps every vector on disk, one file per text under dir, named by
// the sha256 of the model's name and the text: a text embedded once, by this process or an
// earlier one, is never asked for again. Only the texts not found go to the inner Embedder,
// each distinct text once. A file that does not read back whole (torn, truncated, another
// format) is a miss: the vector is fetched again and the file rewritten. A file that cannot be
// written is logged and skipped; the vector is still returned.
type Cache struct {
	inner Embedder
	dir   string
	model string
	log   *slog.Logger

	hits, misses, corrupt atomic.Int64
}

var _ Embedder = (*Cache)(nil)

// NewCache wraps inner with a cache of model's vectors in dir, created if missing. logger may
// be nil.
func NewCache(inner Embedder, dir, model string, logger *slog.Logger) (*Cache, error) {
	if dir == "" {
		return nil, errors.New("embedding cache: no folder")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Cache{inner: inner, dir: dir, model: model, log: logger}, nil
}

// CacheStats counts a Cache's lookups since it was built.
type CacheStats struct {
	Hits, Misses int64
	Corrupt      int64 // misses whose file was there but did not read back
}

// Stats returns the lookups counted so far.
func (c *Cache) Stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load(), Corrupt: c.corrupt.Load()}
}

// Embed implements Embedder.
func (c *Cache) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	var missing []string
	at := map[string][]int{} // a missing text → its places in texts
	for i, t := range texts {
		if idx, ok := at[t]; ok {
			at[t] = append(idx, i)
			continue
		}
		if v, ok := c.read(t); ok {
			out[i] = v
			c.hits.Add(1)
			continue
		}
		c.misses.Add(1)
		at[t] = []int{i}
		missing = append(missing, t)
	}
	if len(missing) == 0 {
		return out, nil
	}
	vecs, err := c.inner.Embed(ctx, missing)
	if err != nil {
		return nil, err
	}
	if len(vecs) != len(missing) {
		return nil, fmt.Errorf("embedding: %d vectors for %d texts", len(vecs), len(missing))
	}
	for j, t := range missing {
		for _, i := range at[t] {
			out[i] = vecs[j]
		}
		if err := c.write(t, vecs[j]); err != nil {
			c.log.Warn("embedding cache: vector not kept", "err", err)
		}
	}
	return out, nil
}

// path is the file of text's vector: dir/ab/abcdef….vec, sha256 of model, NUL, text.
func (c *Cache) path(text string) string {
	h := sha256.New()
	h.Write([]byte(c.model))
	h.Write([]byte{0})
	h.Write([]byte(text))
	name := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.dir, name[:2], name+".vec")
}

// The file format: magic, dimension (uint32), the float32s, then the CRC-32 (IEEE) of all
// before it; little-endian.
var cacheMagic = [4]byte{'A', 'E', 'V', '1'}

func encodeVector(v []float32) []byte {
	b := make([]byte, 0, 8+4*len(v)+4)
	b = append(b, cacheMagic[:]...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// decodeVector reads a file's bytes back; ok is false for anything but a whole, intact file.
func decodeVector(b []byte) ([]float32, bool) {
	if len(b) < 12 || [4]byte(b[:4]) != cacheMagic {
		return nil, false
	}
	n := binary.LittleEndian.Uint32(b[4:8])
	if n == 0 || uint64(len(b)) != 12+4*uint64(n) {
		return nil, false
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, false
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[8+4*i:]))
	}
	return v, true
}

func (c *Cache) read(text string) ([]float32, bool) {
	b, err := os.ReadFile(c.path(text))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.corrupt.Add(1)
			c.log.Warn("embedding cache: unreadable entry, embedding again", "err", err)
		}
		return nil, false
	}
	v, ok := decodeVector(b)
	if !ok {
		c.corrupt.Add(1)
		c.log.Warn("embedding cache: corrupt entry, embedding again", "file", c.path(text), "bytes", len(b))
	}
	return v, ok
}

// write publishes the file whole: a temporary file beside it, renamed over it.
func (c *Cache) write(text string, v []float32) error {
	if len(v) == 0 {
		return errors.New("empty vector")
	}
	p := c.path(text)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(encodeVector(v))
	if err := errors.Join(werr, f.Close()); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), p); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}

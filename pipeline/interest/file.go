package interest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// The model file: magic, format version (uint32, big-endian), payload length (uint64,
// big-endian), payload (codec.go), SHA-256 of the payload.
const (
	magic         = "ADSHIFTI"
	formatVersion = 4
	groupsFormat  = 4 // the first format with interest groups; 3 is read as a model without
	oldestFormat  = 3
	headerLen     = len(magic) + 4 + 8
	maxPayload    = 1 << 32
)

// Errors reading a model file, for errors.Is.
var (
	// ErrFormat: the bytes are not an interest model file of a format this build reads.
	ErrFormat = errors.New("not an interest model file of a known format")
	// ErrCorrupt: the bytes start as a model file of this format but do not hold a valid model.
	ErrCorrupt = errors.New("corrupt interest model file")
)

// Write writes m as a model file. The same model writes the same bytes.
func Write(w io.Writer, m *Model) error {
	payload := encodePayload(m)
	head := make([]byte, 0, headerLen)
	head = append(head, magic...)
	head = binary.BigEndian.AppendUint32(head, formatVersion)
	head = binary.BigEndian.AppendUint64(head, uint64(len(payload)))
	sum := sha256.Sum256(payload)
	for _, b := range [][]byte{head, payload, sum[:]} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("write interest model: %w", err)
		}
	}
	return nil
}

// Read reads a model file. Bytes that are not a model file of this format give ErrFormat;
// a model file that is truncated, altered or inconsistent gives ErrCorrupt.
func Read(r io.Reader) (*Model, error) {
	head := make([]byte, headerLen)
	if n, err := io.ReadFull(r, head); err != nil {
		if n >= len(magic) && string(head[:len(magic)]) == magic {
			return nil, fmt.Errorf("%w: header: %w", ErrCorrupt, err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: %d bytes", ErrFormat, n)
		}
		return nil, fmt.Errorf("read interest model: %w", err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: no magic", ErrFormat)
	}
	format := binary.BigEndian.Uint32(head[len(magic):])
	if format < oldestFormat || format > formatVersion {
		return nil, fmt.Errorf("%w: format %d, this build reads %d to %d (train the model again with this build)", ErrFormat, format, oldestFormat, formatVersion)
	}
	n := binary.BigEndian.Uint64(head[len(magic)+4:])
	if n > maxPayload {
		return nil, fmt.Errorf("%w: payload of %d bytes", ErrCorrupt, n)
	}
	// One byte past the checksum is enough to notice trailing data; any larger margin reads alike.
	rest, err := io.ReadAll(io.LimitReader(r, int64(n)+sha256.Size+1))
	if err != nil {
		return nil, fmt.Errorf("read interest model: %w", err)
	}
	if uint64(len(rest)) != n+sha256.Size {
		return nil, fmt.Errorf("%w: %d bytes after the header, want %d", ErrCorrupt, len(rest), n+sha256.Size)
	}
	payload, sum := rest[:n], rest[n:]
	if want := sha256.Sum256(payload); !bytes.Equal(sum, want[:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	m, err := decodePayload(payload, format)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return m, nil
}

// versionOf is a payload's version: the first 8 bytes of its SHA-256, in hex.
func versionOf(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:8])
}

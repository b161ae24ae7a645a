package schemas

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// ContentIDPrefix starts the messageId the decoder gives an event that has none.
const ContentIDPrefix = "adshift-sha256-"

// contentID is the messageId of an event that has none: a hash of its payload, so that the
// same payload sent twice is the same event to dedup, and a replay gives it the same id. An
// event handed over decoded (CheckEvent) is hashed as encoding/json encodes it.
func (w *wireEvent) contentID() string {
	data := w.data
	if data == nil {
		data, _ = json.Marshal(w.ev) // an Event always encodes
	}
	sum := sha256.Sum256(data)
	var buf [len(ContentIDPrefix) + 32]byte
	n := copy(buf[:], ContentIDPrefix)
	hex.Encode(buf[n:], sum[:16])
	if w.keep != nil {
		return w.keep(buf[:])
	}
	return string(buf[:])
}

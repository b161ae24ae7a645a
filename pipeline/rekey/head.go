package rekey

import (
	"unsafe"

	"github.com/adshift/adshift/schemas"
)

// headReader reads who each event is about with schemas.DecodeIdentityHead, its strings kept in
// a slab that the next read overwrites, so a read allocates nothing once the slab has grown.
type headReader struct {
	strs []byte
}

// read returns the head of one event value; ok is false when it is not a JSON object.
func (r *headReader) read(value []byte) (schemas.IdentityHead, bool) {
	r.strs = r.strs[:0]
	return schemas.DecodeIdentityHead(value, r.keep)
}

// keep copies a string of the event into the slab; it is valid until the next read.
func (r *headReader) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(r.strs)-len(r.strs) < len(b) {
		r.strs = make([]byte, 0, max(4096, 2*cap(r.strs), len(b)))
	}
	start := len(r.strs)
	r.strs = append(r.strs, b...)
	return unsafe.String(&r.strs[start], len(b))
}

// join returns the anonymous id and known user an identify or alias call joins, if any.
func join(h schemas.IdentityHead) (anon, known string, ok bool) {
	switch h.Type {
	case schemas.TypeIdentify:
		anon, known = h.AnonymousID, h.UserID
	case schemas.TypeAlias:
		anon, known = h.PreviousID, h.UserID
		if anon == "" {
			anon = h.AnonymousID
		}
	default:
		return "", "", false
	}
	return anon, known, anon != "" && known != "" && anon != known
}

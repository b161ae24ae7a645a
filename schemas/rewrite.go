package schemas

import "strings"

// Rewrites says what the decoder changed of an event to accept it, one bit per kind. It is
// not part of the event's wire shape: encoding a rewritten event gives the event as adshift
// read it, which decodes again with no rewrites.
type Rewrites uint16

// Rewrite kinds.
const (
	// RewriteFieldDropped: an optional field of the wrong type or out of range (a price
	// "abc", a quantity 1.5, a position -1, a context that is no object) was dropped.
	RewriteFieldDropped Rewrites = 1 << iota
	// RewritePriceText: a price or order value written for people ("$19.99", "19,99",
	// "1.299,00 €") was read as its number.
	RewritePriceText
	// RewriteEpochTime: the timestamp was an epoch number (seconds or milliseconds).
	RewriteEpochTime
	// RewriteMessageID: the event had no messageId and got a hash of its content.
	RewriteMessageID
	// RewriteEventName: the event's name was a variant (snake_case, GA4) of a spec name.
	RewriteEventName
	// RewriteCategoryPath: a category path written with '/', '>' or '|' between its levels,
	// or with blank levels or spaces around them, was rewritten as the dotted path.
	RewriteCategoryPath
	// RewriteGA4: GA4 e-commerce fields (items[], item_id, transaction_id, search_term, …)
	// were read as the spec's.
	RewriteGA4

	rewriteEnd
)

// rewriteNames are the kinds' names, in bit order: the label of the rewritten counters and
// the words of the HeaderRewritten header.
var rewriteNames = [...]string{
	"field_dropped", "price_text", "epoch_time", "message_id", "event_name", "category_path", "ga4",
}

// HeaderRewritten is the header on the records an event caused (its shift, its dead letter)
// when the decoder rewrote it: the kinds, comma-separated.
const HeaderRewritten = "adshift.rewritten"

// RewriteKinds lists every rewrite kind, in bit order.
func RewriteKinds() []Rewrites {
	out := make([]Rewrites, 0, len(rewriteNames))
	for k := Rewrites(1); k < rewriteEnd; k <<= 1 {
		out = append(out, k)
	}
	return out
}

// Has reports whether every kind of k is in r.
func (r Rewrites) Has(k Rewrites) bool { return r&k == k }

// String names the kinds in r, comma-separated, in bit order; "" for none.
func (r Rewrites) String() string { return string(r.AppendText(nil)) }

// AppendText appends r as String writes it.
func (r Rewrites) AppendText(b []byte) []byte {
	first := true
	for i, name := range rewriteNames {
		if r&(1<<i) == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		b = append(b, name...)
		first = false
	}
	return b
}

// ParseRewrites reads String's form back; unknown words are ignored.
func ParseRewrites(s string) Rewrites {
	var r Rewrites
	for word := range strings.SplitSeq(s, ",") {
		for i, name := range rewriteNames {
			if word == name {
				r |= 1 << i
			}
		}
	}
	return r
}

package features

import "strings"

// categoryLevels calls fn for every level of a dotted category path, broadest first:
// "electronics.audio.headphone" gives "electronics", "electronics.audio" and the full path, the
// leaf, last. Blank segments and surrounding spaces are dropped; an empty path gives no levels.
func categoryLevels(path string, fn func(level string)) {
	path = cleanCategory(path)
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			fn(path[:i])
		}
	}
	if path != "" {
		fn(path)
	}
}

// cleanCategory returns path without blank segments or spaces around segments, allocating only
// when there is something to clean.
func cleanCategory(path string) string {
	if path == "" {
		return ""
	}
	clean := true
	for seg := range strings.SplitSeq(path, ".") {
		if seg == "" || strings.TrimSpace(seg) != seg {
			clean = false
			break
		}
	}
	if clean {
		return path
	}
	segs := make([]string, 0, strings.Count(path, ".")+1)
	for seg := range strings.SplitSeq(path, ".") {
		if seg = strings.TrimSpace(seg); seg != "" {
			segs = append(segs, seg)
		}
	}
	return strings.Join(segs, ".")
}

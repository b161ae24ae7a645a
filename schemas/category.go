package schemas

// category reads a category path and returns it dotted: levels written with '.', '/', '>' or
// '|' between them ("Electronics/Audio/Headphones", "Electronics > Audio") are joined with '.',
// spaces around levels and blank levels dropped ("Games" stays "Games"). A rewritten path is
// noted in c.
func (d *decoder) category(c *check, field string) string {
	b, ok := d.quoted(c, field)
	if !ok {
		return ""
	}
	clean, changed := cleanPath(b, d.path[:0])
	if changed {
		d.path = clean
		c.rw |= RewriteCategoryPath
	}
	return d.string(clean)
}

// cleanPath returns path dotted as category does, in buf when it had to change it, and reports
// whether it did.
func cleanPath(path, buf []byte) ([]byte, bool) {
	if isCleanPath(path) {
		return path, false
	}
	out := buf[:0]
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && !isPathSeparator(path[i]) {
			continue
		}
		level := trimSpace(path[start:i])
		start = i + 1
		if len(level) == 0 {
			continue
		}
		if len(out) > 0 {
			out = append(out, '.')
		}
		out = append(out, level...)
	}
	return out, true
}

// isCleanPath reports whether path is dotted already: no other separator, no blank level, no
// space around a level.
func isCleanPath(path []byte) bool {
	prev := byte('.')
	for _, c := range path {
		switch {
		case c == '/' || c == '>' || c == '|':
			return false
		case c == '.' && (prev == '.' || isSpace(prev)):
			return false
		case isSpace(c) && prev == '.':
			return false
		}
		prev = c
	}
	return len(path) == 0 || prev != '.' && !isSpace(prev)
}

func isPathSeparator(c byte) bool { return c == '.' || c == '/' || c == '>' || c == '|' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

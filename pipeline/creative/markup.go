package creative

import (
	"fmt"
	"regexp"
	"strings"
)

// markup is HTML tags and entities and markdown (bold, emphasis, links, headings, code, lists).
var markup = regexp.MustCompile(`(?i)<[a-z/!?][^>]*>|&(?:[a-z]{2,8}|#\d{2,5});|\*\*|__|~~|\]\(|\[[^\]]*\]\[|` +
	"`" + `|^\s*#{1,6}\s|^\s*(?:[-*+]|\d+\.)\s|(?:^|[\s(（])[*_][^*_\s][^*_]*[*_](?:$|[\s.,!?;:)）。，！？])`)

// link is a URL, a script or data scheme, or a bare domain. The ad's landing page is its URL
// field, never its text.
var link = regexp.MustCompile(`(?i)\b(?:https?|ftp|javascript|vbscript|mailto|weixin)\s?:|\bdata\s?:\s?[a-z]+/|\bwww\s?\.|` +
	`\b[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:com|net|org|cn|io|co|shop|store|xyz|info|biz|top|app|me|uk|de|in|ly|ai|tv|cc|us|ru|jp|hk|tw|site|online|link|club|vip|ink|wang|xin|ltd|tk|gl|gg|to|sh|page|dev)\b(?:/\S*)?`)

// markupViolations flag markup and links in folded copy.
func markupViolations(field string, t *copyText) []Violation {
	text := t.folded
	m := ""
	if mayMarkup(text) {
		m = markup.FindString(text)
	}
	if m == "" && mayLink(t) {
		m = link.FindString(text)
	}
	if m == "" {
		return nil
	}
	return []Violation{{RuleMarkup, field, fmt.Sprintf("markup or link %q", strings.TrimSpace(m))}}
}

// mayMarkup reports whether text holds what every match of markup does: a tag's opening or an
// entity, a bracket, a backtick, a doubled tilde, two emphasis marks, or a heading, list or
// numbered line's mark at its start.
func mayMarkup(text string) bool {
	if strings.ContainsAny(text, "`[]") || strings.Contains(text, "~~") || strings.Count(text, "*")+strings.Count(text, "_") >= 2 ||
		tagOrEntity(text) {
		return true
	}
	return lineMark(strings.TrimLeft(text, " \t\n\f\r"))
}

// tagOrEntity reports whether text opens an HTML tag ("<b", "</", "<!") or holds an entity
// ("&amp;", "&#39;").
func tagOrEntity(text string) bool {
	for i := 0; i+1 < len(text); i++ {
		switch c := text[i+1] | 0x20; text[i] {
		case '<':
			if 'a' <= c && c <= 'z' || strings.IndexByte("/!?", text[i+1]) >= 0 {
				return true
			}
		case '&':
			if entityLen(text[i+1:]) > 0 {
				return true
			}
		}
	}
	return false
}

// entityLen is the length of the entity name and ';' s starts with ("amp;", "#39;"), or 0.
func entityLen(s string) int {
	lo, hi, digits := 2, 8, false
	start := 0
	if strings.HasPrefix(s, "#") {
		lo, hi, digits, start = 2, 5, true, 1
	}
	n := 0
	for start+n < len(s) && n <= hi {
		c := s[start+n]
		if digits && '0' <= c && c <= '9' || !digits && 'a' <= c|0x20 && c|0x20 <= 'z' {
			n++
			continue
		}
		break
	}
	if n < lo || n > hi || start+n >= len(s) || s[start+n] != ';' {
		return 0
	}
	return start + n + 1
}

// lineMark reports whether a line (its leading spaces trimmed) starts as a markdown heading, a
// list item or a numbered item: "# ", "- ", "* ", "+ ", "1. ".
func lineMark(t string) bool {
	switch {
	case t == "":
		return false
	case t[0] == '#':
		return true
	case strings.IndexByte("-*+", t[0]) >= 0:
		return len(t) > 1 && isSpace(t[1])
	}
	i := 0
	for i < len(t) && '0' <= t[i] && t[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(t) && t[i] == '.' && isSpace(t[i+1])
}

// mayLink reports whether t holds what every match of link does: a scheme's name and a colon,
// www, or a dot before a letter.
func mayLink(t *copyText) bool {
	colon := strings.IndexByte(t.folded, ':') >= 0
	return colon && t.gates&gateLink != 0 || dotBeforeLetter(t.folded)
}

// dotBeforeLetter reports whether a dot in s is followed by a letter, as in every domain.
func dotBeforeLetter(s string) bool {
	for i := strings.IndexByte(s, '.'); i >= 0 && i+1 < len(s); {
		if c := s[i+1] | 0x20; 'a' <= c && c <= 'z' {
			return true
		}
		j := strings.IndexByte(s[i+1:], '.')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

package creative

import (
	"fmt"
	"regexp"
	"strings"
)

// markupOrLink is anything in copy that is not plain text: HTML tags and entities, markdown
// (bold, emphasis, links, headings, code, lists), URLs, script and data schemes, and bare
// domains. The ad's landing page is its URL field, never its text.
var markupOrLink = regexp.MustCompile(`(?i)<[a-z/!?][^>]*>|&(?:[a-z]{2,8}|#\d{2,5});|\*\*|__|~~|\]\(|\[[^\]]*\]\[|` +
	"`" + `|^\s*#{1,6}\s|^\s*(?:[-*+]|\d+\.)\s|(?:^|[\s(（])[*_][^*_\s][^*_]*[*_](?:$|[\s.,!?;:)）。，！？])|` +
	`\b(?:https?|ftp|javascript|vbscript|mailto|weixin)\s?:|\bdata\s?:\s?[a-z]+/|\bwww\s?\.|` +
	`\b[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:com|net|org|cn|io|co|shop|store|xyz|info|biz|top|app|me|uk|de|in|ly|ai|tv|cc|us|ru|jp|hk|tw|site|online|link|club|vip|ink|wang|xin|ltd|tk|gl|gg|to|sh|page|dev)\b(?:/\S*)?|` +
	`\b(?:bit\.ly|t\.co|tinyurl|goo\.gl)\b`)

// markupViolations flag markup and links in folded copy.
func markupViolations(field, text string) []Violation {
	if !strings.ContainsAny(text, "<>&*_~[]`#:.-+") {
		return nil
	}
	if m := markupOrLink.FindString(text); m != "" {
		return []Violation{{RuleMarkup, field, fmt.Sprintf("markup or link %q", strings.TrimSpace(m))}}
	}
	return nil
}

package creative

import (
	"regexp"
	"strings"
)

// gated is a regular expression run only on text holding one of its stems (lower-case words
// or characters every match contains): most copy holds none, and a plain substring test costs a
// fraction of the expression.
type gated struct {
	stems []string
	re    *regexp.Regexp
}

func gate(re string, stems ...string) gated {
	return gated{stems: stems, re: regexp.MustCompile(re)}
}

// find returns the first match in text, whose lower-case form is lower; "" when there is none.
func (g gated) find(text, lower string) string {
	for _, s := range g.stems {
		if strings.Contains(lower, s) {
			return g.re.FindString(text)
		}
	}
	return ""
}

// all returns every submatch in text, whose lower-case form is lower.
func (g gated) all(text, lower string) [][]string {
	for _, s := range g.stems {
		if strings.Contains(lower, s) {
			return g.re.FindAllStringSubmatch(text, -1)
		}
	}
	return nil
}

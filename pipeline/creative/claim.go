package creative

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// englishClaims are the absolute claims no English ad may make, as word stems with their
// inflections and the numerals they are written with; matched case-insensitively on folded copy
// (see foldCopy) as whole words, or literally for the ones made of symbols.
var englishClaims = regexp.MustCompile(`(?i)\b(?:` +
	`best(?:[- ]?(?:sell(?:ing|ers?)|in[- ]class|rated|ever))?|bestsell(?:ing|ers?)|` +
	`cheapest|lowest[- ]pric(?:e[ds]?|es)|lowest ever|` +
	`guarantee[sd]?|guaranteeing|finest|greatest|` +
	`top[- ]?(?:rated|selling|sellers?|ranked|1|one)|highest[- ]rated|` +
	`number\s?(?:one|1)|num\.?\s?(?:one|1)|no\.\s?(?:one|1)|no\s?1|n°\s?1|` +
	`unbeatable|unbeaten|unmatched|unrivall?ed|unparalleled|` +
	`risk[- ]?free|world'?s (?:first|finest|leading|greatest)|worlds? ?(?:first|finest|leading|greatest|class)|world[- ]class|(?:industry|market)[- ]leading|` +
	`second to none|unsurpassed|peerless|one hundred (?:percent|per cent)|` +
	`first[- ]choice|most (?:popular|trusted|advanced|powerful|comfortable|loved|reliable|affordable)` +
	`)\b|#\s?(?:1|one)\b|\b100\s?(?:%|percent\b|per cent\b)`)

// claimStems are in every English claim englishClaims matches, lower-cased: a cheap test first.
var claimStems = []string{"best", "cheap", "lowest", "guarant", "finest", "greatest", "top", "highest",
	"num", "no.", "no1", "no 1", "n°", "unbeat", "unmatch", "unrival", "unparallel", "risk", "world", "leading",
	"first", "most", "#", "100", "second", "unsurpass", "peerless", "hundred", "class"}

// chineseClaims are the absolute terms China's Advertising Law (article 9) bans, with the usual
// ways around them, in simplified characters (copy is folded first, so traditional forms match).
var chineseClaims = [...]string{
	"最", "第一", "第1", "国家级", "世界级", "全球级", "宇宙级", "顶级", "顶尖", "尖端", "极品", "极致", "极佳",
	"唯一", "首选", "首个", "首家", "绝对", "万能", "全网", "保证", "百分百", "百分之百", "遥遥领先", "领先",
	"领导品牌", "领袖品牌", "销冠", "冠军", "之王", "王牌", "无敌", "独家", "独一无二", "史无前例", "前所未有",
	"绝无仅有", "空前", "巅峰", "永久", "零风险", "无风险", "驰名", "特供", "专供", "一流", "金牌",
	"国际级", "全球首", "全国首", "首款", "王者", "霸主", "无与伦比", "绝佳",
}

// chineseAllowed are everyday words that contain a banned term and claim nothing: 最新 (newest,
// of a product line), 最近 (recently), 第一次 (the first time), 全网通 (all-network phones) …
var chineseAllowed = []string{
	"最新", "最近", "最后", "最初", "最终", "最多", "最少", "最小", "最大功率", "最大容量", "最高温度",
	"第一次", "第一步", "第一天", "第一眼", "第一口", "第一件", "第一时间", "第1次", "第1天", "第1步", "第一代", "第1代",
	"全网通",
}

// claims returns a violation for every banned absolute claim in the folded text, except the
// phrases the product's own record carries, which are facts ("100% cotton" in the title).
func claims(field string, ct *copyText, gr *grounding) []Violation {
	var vs []Violation
	text := ct.folded
	var seen []string // lower-cased claims flagged already
	for pass, t := range [...]string{text, squeeze(text)} {
		if pass == 1 && t == text {
			break // nothing squeezed: the same text finds the same claims
		}
		lower := ct.lower
		if pass == 1 {
			lower = strings.ToLower(t)
		}
		if !mayClaim(lower) {
			continue
		}
		for _, loc := range englishClaims.FindAllStringIndex(t, -1) {
			claim := t[loc[0]:loc[1]]
			lc := strings.ToLower(claim)
			if strings.Contains(gr.claimRecord, strings.ToLower(claim+nextWord(t[loc[1]:]))) || slices.Contains(seen, lc) {
				continue
			}
			seen = append(seen, lc)
			vs = append(vs, Violation{RuleClaim, field, fmt.Sprintf("absolute claim %q", claim)})
		}
	}
	if !ct.han {
		return vs // every Chinese claim holds a Chinese character
	}
	for _, term := range chineseClaimsIn(text) {
		vs = append(vs, Violation{RuleClaim, field, fmt.Sprintf("absolute claim %q", term)})
	}
	return vs
}

// chineseFirst files the indexes of chineseClaims under their first character.
var chineseFirst = func() map[rune][]int {
	m := map[rune][]int{}
	for i, term := range chineseClaims {
		r, _ := utf8.DecodeRuneInString(term)
		m[r] = append(m[r], i)
	}
	return m
}()

// chineseClaimsIn returns the terms of chineseClaims that text uses anywhere but inside an
// allowed word, in their order: what chineseClaim of each would find, in one pass. As there, an
// allowed use of a term skips the text it covers.
func chineseClaimsIn(text string) []string {
	var from [len(chineseClaims)]int // where each term's next use may start
	var found [len(chineseClaims)]bool
	any := false
	for i, r := range text {
		for _, k := range chineseFirst[r] {
			term := chineseClaims[k]
			if found[k] || i < from[k] || !strings.HasPrefix(text[i:], term) {
				continue
			}
			if allowedAt(text, i, term) {
				from[k] = i + len(term)
				continue
			}
			found[k], any = true, true
		}
	}
	if !any {
		return nil
	}
	var out []string
	for k, f := range found {
		if f {
			out = append(out, chineseClaims[k])
		}
	}
	return out
}

// mayClaim reports whether text may hold an English claim, before the regular expression runs.
func mayClaim(lower string) bool {
	for _, s := range claimStems {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// chineseClaim reports whether text uses term anywhere but inside an allowed word.
func chineseClaim(text, term string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], term)
		if i < 0 {
			return false
		}
		i += from
		if !allowedAt(text, i, term) {
			return true
		}
		from = i + len(term)
	}
}

// allowedAt reports whether the term at text[i:] is part of one of chineseAllowed.
func allowedAt(text string, i int, term string) bool {
	for _, a := range chineseAllowed {
		k := strings.Index(a, term)
		if k < 0 || i < k {
			continue
		}
		if strings.HasPrefix(text[i-k:], a) {
			return true
		}
	}
	return false
}

// nextWord is the word that follows a match, with the space before it: " cotton" after
// "100%"; "" when a letter does not come next.
func nextWord(s string) string {
	rest := strings.TrimLeft(s, " ")
	end := 0
	for end < len(rest) {
		r, n := utf8.DecodeRuneInString(rest[end:])
		if !unicode.IsLetter(r) {
			break
		}
		end += n
	}
	if end == 0 {
		return ""
	}
	return s[:len(s)-len(rest)] + rest[:end]
}

// leet are the digits and signs written for letters inside a word ("b3st", "gu@rantee").
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i', '|': 'l'}

// squeeze is folded text with the signs inside words dropped ("guar-anteed", "be.st") and the
// digits and signs written for letters read as letters ("b3st"), for the English claims;
// text itself when there is nothing to squeeze.
func squeeze(text string) string {
	if !squeezable(text) {
		return text
	}
	rs := []rune(text)
	changed := false
	out := rs[:0:0]
	for i, r := range rs {
		between := i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1])
		if between {
			switch r {
			case '-', '.', '\'', '’', '_', '*', '·':
				changed = true
				continue
			}
			if l, ok := leet[r]; ok {
				r, changed = l, true
			}
		}
		out = append(out, r)
	}
	if !changed {
		return text
	}
	return string(out)
}

// squeezable reports whether text has a sign or a digit between two letters, which squeeze
// drops or reads as a letter.
func squeezable(text string) bool {
	prev, cur := rune(-1), rune(-1)
	for _, next := range text {
		_, sign := leet[cur]
		sign = sign || strings.ContainsRune("-.'’_*·", cur)
		if sign && unicode.IsLetter(prev) && unicode.IsLetter(next) {
			return true
		}
		prev, cur = cur, next
	}
	return false
}

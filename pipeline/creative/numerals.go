package creative

import (
	"regexp"
	"strings"
)

// chineseDigits are the Chinese numerals for 0 to 9.
var chineseDigits = map[rune]float64{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// chineseUnits are the Chinese numerals for powers of ten.
var chineseUnits = map[rune]float64{'十': 10, '百': 100, '千': 1000, '万': 10000}

// chineseNumeral matches a run of Chinese numerals.
var chineseNumeral = regexp.MustCompile(`[零〇一二两三四五六七八九十百千万]+`)

// chineseNumber reads Chinese numerals: "九十九" = 99, "一百二十" = 120, "两千" = 2000, and a run
// of bare digits positionally as a discount reads ("八五" = 85).
func chineseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	positional := !strings.ContainsAny(s, "十百千万")
	var total, section, digit float64
	seen := false
	for _, r := range s {
		if d, ok := chineseDigits[r]; ok {
			if positional {
				total = total*10 + d
			} else {
				digit = d
			}
			seen = true
			continue
		}
		u, ok := chineseUnits[r]
		if !ok {
			return 0, false
		}
		if u == 10000 {
			section = (section + digit) * u
			total += section
			section, digit = 0, 0
			continue
		}
		if digit == 0 && u == 10 {
			digit = 1 // 十二 = 12
		}
		section += digit * u
		digit = 0
		seen = true
	}
	if !seen {
		return 0, false
	}
	if positional {
		return total, true
	}
	return total + section + digit, true
}

// englishNumberWords are the number words prices are spelt with.
var englishNumberWords = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// englishNumber matches number words written out ("ninety-nine", "a hundred and twenty").
var englishNumber = regexp.MustCompile(`(?i)\b(?:(?:a|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)(?:[\s-]+(?:and[\s-]+)?|\b))+`)

// englishNumberValue reads number words: "ninety-nine" = 99, "a hundred and twenty" = 120,
// "two thousand" = 2000.
func englishNumberValue(s string) (float64, bool) {
	var total, section float64
	seen := false
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' || r == '\t' }) {
		switch w {
		case "and":
		case "a":
			section += 1
		case "hundred":
			section = max(section, 1) * 100
		case "thousand":
			total += max(section, 1) * 1000
			section = 0
		default:
			v, ok := englishNumberWords[w]
			if !ok {
				return 0, false
			}
			section += v
			seen = true
		}
	}
	if !seen && total == 0 && section <= 1 {
		return 0, false // "a" alone is no amount
	}
	return total + section, true
}

package creative

import (
	"regexp"
	"slices"
	"testing"
)

// amountLike is the expression amounts reads without running it.
var amountLike = regexp.MustCompile(amount)

// The scanners that stand in for regular expressions find what the expressions find.
func TestScannersMatchTheirExpressions(t *testing.T) {
	f := func(s string) {
		t.Helper()
		var want [][2]int
		for _, loc := range amountLike.FindAllStringIndex(s, -1) {
			want = append(want, [2]int{loc[0], loc[1]})
		}
		if got := amounts(s); !slices.Equal(got, want) {
			t.Errorf("amounts(%q) = %v, want %v", s, got, want)
		}
		for i := 0; i <= len(s); i++ {
			before := s[:i]
			if got, want := markerBeforeIn(before), markerBefore.FindStringSubmatch(before); !slices.Equal(got, want) {
				t.Errorf("markerBeforeIn(%q) = %q, want %q", before, got, want)
			}
			if got, want := priceWordEnds(before), priceWordBefore.MatchString(before); got != want {
				t.Errorf("priceWordEnds(%q) = %v, want %v", before, got, want)
			}
		}
		if got, want := wordsOf(s), latinWord.FindAllString(s, -1); !slices.Equal(got, want) {
			t.Errorf("wordsOf(%q) = %q, want %q", s, got, want)
		}
		if markup.MatchString(s) && !mayMarkup(s) {
			t.Errorf("mayMarkup(%q) = false, but markup matches %q", s, markup.FindString(s))
		}
		if got, want := chinesePhone(s), regexp.MustCompile(`[零〇一二三四五六七八九幺]{7,}`).MatchString(s); got != want {
			t.Errorf("chinesePhone(%q) = %v, want %v", s, got, want)
		}
		if got, want := repeatedPunctIn(s), regexp.MustCompile(`[!?！？.。,，;；:：~～]{2,}`).FindString(s); got != want {
			t.Errorf("repeatedPunctIn(%q) = %q, want %q", s, got, want)
		}
	}
	f("")
	f("Galaxy A50 for $1,299.50, was USD 1,499 and now only 1,2345.6.7 or 12,345,678.90")
	f("1234,567 1,23 ,123 9块9 ¥ 99 Rs.220 rs 5 US$ 12 售价：199 仅需 9.9 price: 3 PRICED AT 4 yours for 5")
	f("1. 2.. 3.x .5 0001,000.5 x9 a1,000b only  7 for\t8 costs:  9 Save:10")
	f("&amp; &#39; &abcdefghi; &a; <b>x</b> < 3 **bold** _x_ ~~s~~ [a](b) `c`")
	f("  # Heading")
	f("\t- item")
	f("12. step")
	f("12.5 kg & more")
	f("电话一三八零零一三八零零零 一二三四五六 幺二三四五六七")
	f("Hey!! What?？ Wait... ok。。 fine~～ l'amour vs rock-n-roll ’tis ２０２４ ⅷ 三星 naïve -x- x'")
}

func FuzzScannersMatchTheirExpressions(f *testing.F) {
	f.Add("only $1,299.50 USD 12 ok!! l'x")
	f.Fuzz(func(t *testing.T, s string) {
		var want [][2]int
		for _, loc := range amountLike.FindAllStringIndex(s, -1) {
			want = append(want, [2]int{loc[0], loc[1]})
		}
		if got := amounts(s); !slices.Equal(got, want) {
			t.Errorf("amounts(%q) = %v, want %v", s, got, want)
		}
		if got, want := wordsOf(s), latinWord.FindAllString(s, -1); !slices.Equal(got, want) {
			t.Errorf("wordsOf(%q) = %q, want %q", s, got, want)
		}
		if markup.MatchString(s) && !mayMarkup(s) {
			t.Errorf("mayMarkup(%q) = false, but markup matches %q", s, markup.FindString(s))
		}
	})
}

// Every gate's stems open it: the stem index holds each of them under the gate's bit.
func TestEveryGateIsIndexed(t *testing.T) {
	for _, g := range []gated{refusal, metaTalk, instruction, phoneWord, spelledPhone, handle, greeting, nameFirst, chineseName, streetAddress} {
		for _, s := range g.stems {
			if !g.open(readFolded("x " + s + " x")) {
				t.Errorf("stem %q does not open %s", s, g.re)
			}
		}
	}
}

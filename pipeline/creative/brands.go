package creative

import (
	"strings"
	"unicode/utf8"

	"github.com/adshift/adshift/pipeline/catalog"
)

// brandSet finds brand names in copy, so the guard can hold a creative to the one brand its
// record names: the catalogue's brands and the well-known marks (wellKnownMarks), matched
// case-insensitively as runs of up to maxWords words, and, for names of five letters or more,
// at one edit (a letter added, dropped, changed or two swapped: "Samsnug"). Names in Chinese are
// matched as substrings. Brands that are also everyday copy words ("Home", "Fresh") are left
// out: naming them is no claim about another maker. Immutable once built.
type brandSet struct {
	names    map[string]string   // lower-cased, single-spaced name -> the brand family it names
	near     map[string][]string // a long single-word name with one letter deleted -> the names
	han      []string            // names written with Chinese characters
	firsts   map[string]bool     // the first words of the names of several words
	maxWords int
}

// fuzzyMin is the length, in letters, from which a name is also matched at one edit; words
// longer than fuzzyMax are no misspelt brand (and would cost their length squared to try).
const (
	fuzzyMin = 5
	fuzzyMax = 32
)

// mark is a well-known brand with its product names and its names in Chinese. plain lists the
// category words under which a name is an everyday word (苹果 is the fruit in food).
type mark struct {
	names []string
	plain []string
}

// wellKnownMarks are competitor marks a model names unprompted, whatever the catalogue holds.
var wellKnownMarks = []mark{
	{names: []string{"apple", "iphone", "ipad", "macbook", "airpods", "imac", "苹果"}, plain: []string{"food", "fruit", "grocery", "beverage", "drink", "juice", "snack", "bakery", "produce"}},
	{names: []string{"samsung", "三星"}},
	{names: []string{"huawei", "华为"}},
	{names: []string{"xiaomi", "redmi", "小米"}, plain: []string{"food", "grain", "grocery", "rice", "cereal", "millet"}},
	{names: []string{"sony", "索尼", "playstation"}},
	{names: []string{"nike", "耐克"}},
	{names: []string{"adidas", "阿迪达斯"}},
	{names: []string{"dyson", "戴森"}},
	{names: []string{"bose"}},
	{names: []string{"lenovo", "联想"}},
	{names: []string{"oppo"}},
	{names: []string{"vivo"}},
	{names: []string{"microsoft", "xbox", "微软"}},
	{names: []string{"nintendo", "任天堂"}},
	{names: []string{"canon", "佳能"}},
	{names: []string{"nikon", "尼康"}},
	{names: []string{"philips", "飞利浦"}},
	{names: []string{"panasonic", "松下"}},
	{names: []string{"l'oreal", "loreal", "欧莱雅"}},
	{names: []string{"starbucks", "星巴克"}},
	{names: []string{"coca-cola", "可口可乐"}},
	{names: []string{"pepsi", "百事可乐"}},
	{names: []string{"amazon", "亚马逊"}},
	{names: []string{"taobao", "淘宝"}},
	{names: []string{"tmall", "天猫"}},
	{names: []string{"pinduoduo", "拼多多"}},
	{names: []string{"京东"}},
}

// notBrands are everyday words one edit away from a well-known mark ("ample", "apply" for
// Apple): never taken for a misspelt brand.
var notBrands = map[string]bool{"ample": true, "apply": true, "amply": true, "apples": true, "canon": false,
	"canons": true, "dyson": false, "tidal": true, "brain": true, "sonny": true, "nikes": true}

func newBrandSet(brands []string) *brandSet {
	s := &brandSet{names: make(map[string]string), near: make(map[string][]string), firsts: make(map[string]bool)}
	add := func(name, family string) {
		name = strings.Join(strings.Fields(catalog.NormName(name)), " ")
		if utf8.RuneCountInString(name) < 2 || copyWords[name] || stopWords[name] {
			return
		}
		if hasHan(name) {
			s.han = append(s.han, name)
			s.names[name] = family
			return
		}
		if _, dup := s.names[name]; dup {
			return
		}
		s.names[name] = family
		s.maxWords = max(s.maxWords, len(strings.Fields(name)))
		if first, _, several := strings.Cut(name, " "); several {
			s.firsts[first] = true
		}
		if !strings.Contains(name, " ") && utf8.RuneCountInString(name) >= fuzzyMin {
			for _, d := range deletions(name) {
				s.near[d] = append(s.near[d], name)
			}
		}
	}
	for _, m := range wellKnownMarks {
		for _, n := range m.names {
			add(n, m.names[0])
		}
	}
	for _, b := range brands {
		n := catalog.NormName(b)
		add(n, familyOf(n))
	}
	return s
}

// familyOf is the well-known mark a brand name belongs to, or the name itself.
func familyOf(name string) string {
	name = catalog.NormName(name)
	for _, m := range wellKnownMarks {
		for _, n := range m.names {
			if n == name {
				return m.names[0]
			}
		}
	}
	return name
}

// markOf is the well-known mark a family names, if it is one.
func markOf(family string) (mark, bool) {
	for _, m := range wellKnownMarks {
		if m.names[0] == family {
			return m, true
		}
	}
	return mark{}, false
}

// brandMention is a brand name found in copy: the name as the set holds it, its family, and
// whether the copy wrote it at one edit from that name.
type brandMention struct {
	name, family, written string
	misspelt              bool
}

// in returns the brands folded copy names.
func (s *brandSet) in(t *copyText) []brandMention {
	var out []brandMention
	words := make([]string, len(t.words))
	for i, w := range t.words {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if !asciiLower(w) {
			w = strings.ToLower(w)
		}
		words[i] = w
	}
	var buf []byte
	for i := 0; i < len(words); i++ {
		found := false
		for n := min(s.maxWords+1, len(words)-i); n >= 1; n-- {
			name, ok := s.nameAt(words[i:i+n], &buf)
			if ok {
				out = append(out, brandMention{name: name, family: s.names[name], written: name})
				i += n - 1
				found = true
				break
			}
		}
		if found {
			continue
		}
		w := words[i]
		if n := utf8.RuneCountInString(w); n < fuzzyMin-1 || n > fuzzyMax || copyWords[w] || notBrands[w] {
			continue
		}
		if name := s.nearName(w); name != "" {
			out = append(out, brandMention{name: name, family: s.names[name], written: w, misspelt: true})
		}
	}
	if !t.han {
		return out // every name in s.han holds a Chinese character
	}
	for _, b := range s.han {
		if strings.Contains(t.folded, b) {
			out = append(out, brandMention{name: b, family: s.names[b], written: b})
		}
	}
	return out
}

// nameAt returns the name words spell: one word, several spaced as a name of several words is,
// or, up to 12 letters, written apart to hide it ("i Phone", "Sam sung"). buf is reused.
func (s *brandSet) nameAt(words []string, buf *[]byte) (string, bool) {
	if len(words) == 1 {
		_, ok := s.names[words[0]]
		return words[0], ok
	}
	spacedLen := len(words) - 1
	for _, w := range words {
		spacedLen += len(w)
	}
	if spacedLen <= 12 {
		*buf = joinWords((*buf)[:0], words, "")
		if s.names[string(*buf)] != "" {
			return string(*buf), true
		}
	}
	if !s.firsts[words[0]] {
		return "", false // no name of several words starts with it
	}
	*buf = joinWords((*buf)[:0], words, " ")
	_, ok := s.names[string(*buf)]
	if !ok {
		return "", false
	}
	return string(*buf), true
}

// joinWords appends words to buf, sep between them.
func joinWords(buf []byte, words []string, sep string) []byte {
	for i, w := range words {
		if i > 0 {
			buf = append(buf, sep...)
		}
		buf = append(buf, w...)
	}
	return buf
}

// nearName returns a name of the set one edit away from w, or "": of the names one deletion of
// w's away (s.near[w]), then, for each deletion d of w in turn, d itself when it is a long name
// and the names d is one deletion away from.
func (s *brandSet) nearName(w string) string {
	for _, c := range s.near[w] {
		if c != w && oneEdit(c, w) {
			return c
		}
	}
	var buf []byte
	prev := rune(-1)
	for i, r := range w {
		if r == prev {
			prev = r
			continue // the same deletion as the one before
		}
		prev = r
		buf = append(append(buf[:0], w[:i]...), w[i+utf8.RuneLen(r):]...)
		if name, ok := s.nameOf(buf); ok && utf8.RuneCount(buf) >= fuzzyMin && name != w && oneEdit(name, w) {
			return name
		}
		for _, c := range s.near[string(buf)] {
			if c != w && oneEdit(c, w) {
				return c
			}
		}
	}
	return ""
}

// nameOf returns the name of the set spelt b.
func (s *brandSet) nameOf(b []byte) (string, bool) {
	if _, ok := s.names[string(b)]; !ok {
		return "", false
	}
	return string(b), true
}

// deletions are w with one letter left out, each once.
func deletions(w string) []string {
	rs := []rune(w)
	out := make([]string, 0, len(rs))
	for i := range rs {
		d := string(rs[:i]) + string(rs[i+1:])
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

// oneEdit reports whether a and b differ by exactly one added, dropped or changed letter, or
// two neighbours swapped.
func oneEdit(a, b string) bool {
	if plainASCII(a) && plainASCII(b) {
		return oneEditBytes(a, b)
	}
	x, y := []rune(a), []rune(b)
	if len(x) < len(y) {
		x, y = y, x
	}
	switch len(x) - len(y) {
	case 0:
		diff := []int{}
		for i := range x {
			if x[i] != y[i] {
				diff = append(diff, i)
			}
		}
		return len(diff) == 1 || len(diff) == 2 && diff[1] == diff[0]+1 && x[diff[0]] == y[diff[1]] && x[diff[1]] == y[diff[0]]
	case 1:
		for i := range y {
			if x[i] != y[i] {
				return string(x[i+1:]) == string(y[i:])
			}
		}
		return true
	}
	return false
}

// oneEditBytes is oneEdit of ASCII strings, letter for byte.
func oneEditBytes(x, y string) bool {
	if len(x) < len(y) {
		x, y = y, x
	}
	switch len(x) - len(y) {
	case 0:
		first, n := -1, 0
		for i := 0; i < len(x); i++ {
			if x[i] != y[i] {
				if n == 0 {
					first = i
				}
				n++
			}
		}
		if n == 1 {
			return true
		}
		return n == 2 && first+1 < len(x) && x[first+1] != y[first+1] && x[first] == y[first+1] && x[first+1] == y[first]
	case 1:
		for i := 0; i < len(y); i++ {
			if x[i] != y[i] {
				return x[i+1:] == y[i:]
			}
		}
		return true
	}
	return false
}

// copyWords are the words of the template copy book: never taken for a brand.
var copyWords = func() map[string]bool {
	words := map[string]bool{}
	for _, arms := range copyBook {
		for _, structures := range arms {
			for _, s := range structures {
				for _, w := range latinWord.FindAllString(s.headline+" "+s.body+" "+s.cta, -1) {
					words[strings.ToLower(w)] = true
				}
			}
		}
	}
	return words
}()

// wellKnownSet is the brand set of the well-known marks alone, for a guard built with no
// catalogue brands; immutable, like the tables above.
var wellKnownSet = newBrandSet(nil)

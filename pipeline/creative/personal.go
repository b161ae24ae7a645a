package creative

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	email = regexp.MustCompile(`(?i)[a-z0-9._%+-]+\s?(?:@|\(at\)|\[at\])\s?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}`)
	// phone matches international, grouped, dotted and Chinese mobile numbers, and a bare run of
	// ten or more digits.
	phone = regexp.MustCompile(`\+\s?\d[\d\s().-]{6,}\d|\(\d{2,4}\)\s?\d{3,4}[\s.-]?\d{3,4}|\b\d{2,4}[\s.-]\d{3,4}[\s.-]\d{3,4}\b|\b\d{3}[.-]\d{4}\b|\b\d{10,}\b|1[3-9]\d{9}`)
	// phoneWord is a number written after the words that introduce one ("call", 电话, 热线 …).
	phoneWord = gateWords(`(?i)(?:\b(?:call|text|phone|tel|ring|dial|sms|hotline|whatsapp|contact)\b(?: us| me)?(?: at| on)?\s?[:：]?|电话|手机|热线|致电|拨打|联系|客服)\s?[:：]?\s?[\d零〇一二两三四五六七八九幺][\d\s().零〇一二两三四五六七八九幺-]{4,}`, gatePhoneWord, stemPhoneWord, "电话", "手机", "热线", "致电", "拨打", "联系", "客服")
	// spelledPhone is seven or more digits written as English words: "five five five one two …".
	// Each of its seven or more words is a whole word: spelledDigitsMin of them open it.
	spelledPhone = gateWords(`(?i)\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)[\s-]+){6,}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b`, gateSpelledDigit, 0)
	// handle is a messaging or social account: a platform and an id, or a solicitation to add one.
	handle = gateWords(`(?i)\b(?:wechat|weixin|wx|whatsapp|telegram|tg|qq|line|kakao|skype|signal|snapchat|instagram|insta|ig|tiktok|twitter|discord|viber)\b\s?(?:id|number|no\.?|#|account|handle)?\s?[:：]\s?@?[\w.-]{3,}|`+
		`\b(?:wechat|weixin|whatsapp|telegram|qq|line|kakao|skype|signal|snapchat|instagram|tiktok|discord|viber)\b\s?(?:id|number|account|handle)?\s@?[a-z]*[\d_][\w.-]{2,}|`+
		`(?:微信号?|加微信?|加v|威信|薇信|v信|vx|扣扣|qq号?|qq群|抖音号|小红书号)\s?[:：]?\s?[a-z0-9_-]{4,}|加我?(?:微信|qq|好友)|私信我|`+
		`(?:^|[\s(（,，:：])@[a-z0-9_][a-z0-9_.]{1,}`, gateHandle, stemHandle, "@", "qq", "vx", "微信", "加微", "加v", "威信", "薇信", "v信", "vx", "扣扣", "抖音号", "小红书号", "加我", "加好友", "私信")
	// greeting is a name after a greeting: "Hi John", "Dear Mary"; nameFirst a name opening the
	// copy and spoken to: "John, your tea is here".
	greeting  = gateWords(`(?i:\b(?:hi|hello|hey|dear|welcome back|welcome|thanks|thank you|congrats|congratulations|good (?:morning|afternoon|evening)|happy birthday|yo)\b)[,!]?\s+([A-Z][\p{Ll}]+)`, gateGreeting, 0)
	nameFirst = gate(`^\s*([A-Z][\p{Ll}]+),\s+(?i:you|your|you're|we|we've|this|here's|don't|still|check|ready)\b`, stemNameFirst, ",")
	// chineseName is a name greeted or addressed: 亲爱的小王, 您好，李娜, 王先生. Names are told
	// from words by their first character: a common surname, 小, 老 or 阿.
	chineseName = gate(`(?:亲爱的|尊敬的|你好|您好|嗨|哈喽)[，,]?\s?(`+surname+`\p{Han}{0,2})|(`+surname+`\p{Han}?)(?:先生|女士|小姐)`, stemChineseName, "亲爱的", "尊敬的", "你好", "您好", "嗨", "哈喽", "先生", "女士", "小姐")
	// streetAddress is a number and a capitalised street name and its kind, a unit or a
	// post-office box (gated on their lower-case words); postcode a city, state and US ZIP or a UK
	// postcode.
	// Kinds that are also everyday words (Way, Place, Close, Square …) need a house number of two
	// digits or more, so "1 Easy Way" is no address; a unit or flat needs the comma that ends it
	// in an address ("Flat 4B, …"), so "Flat 20% off" and "Unit 4 pack" are none either.
	streetAddress = gateWords(`\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][\p{Ll}]+\.?\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Parkway|Crescent)\b|`+
		`\b\d{2,5}[A-Za-z]?\s+(?:[A-Z][\p{Ll}]+\.?\s+){1,3}(?:Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Square|Sq|Close)\b|`+
		`(?i:\b(?:apt|apartment|suite)\.?\s?#?\d+[a-z]?\b|\b(?:unit|flat)\.?\s?#?\d+[a-z]?,|\bp\.?\s?o\.?\s?box\s?\d+)`,
		gateStreetKind, stemStreet, "apt", "suite", "unit", "flat", "box")
	postcode = regexp.MustCompile(`\b[A-Z][a-z]+,\s[A-Z]{2}\s\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b`)
	// chineseAddress is a Chinese road and number, a building, unit or room, an estate, or a
	// province and city or a city and district.
	chineseAddress = regexp.MustCompile(`\p{Han}{1,10}(?:路|街|大道|道|巷|弄|胡同|村)[\d一二三四五六七八九十百零〇]+号|[\d一二三四五六七八九十]+(?:号楼|栋|单元|号院)|\d+室|\p{Han}{2,6}(?:小区|公寓|花园|大厦)\d|\p{Han}{2,}(?:省|自治区)\p{Han}{2,}市|\p{Han}{2,3}市\p{Han}{2,4}(?:区|县)`)
)

// surname is the first character of a Chinese name as copy would greet it.
const surname = `[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤小老阿]`

// notNames may follow a greeting without naming anyone.
var notNames = map[string]bool{"There": true, "Everyone": true, "Friend": true, "Friends": true, "Shopper": true,
	"Shoppers": true, "Again": true, "Folks": true, "All": true, "You": true, "Neighbour": true, "Neighbor": true,
	"Spring": true, "Summer": true, "Autumn": true, "Winter": true, "Weekend": true, "Monday": true, "Friday": true,
	// Words greetings in ads are followed by that are no one's name.
	"Home": true, "Aboard": true, "Back": true, "Gorgeous": true, "Beautiful": true, "Handsome": true, "Lovely": true,
	"Love": true, "Darling": true, "Sweetie": true, "Sunshine": true, "World": true, "Mom": true, "Mum": true, "Dad": true,
	"Holidays": true, "Christmas": true, "Style": true, "Comfort": true, "Savings": true, "Today": true, "Tomorrow": true}

// notChineseNames may follow 亲爱的 or 您好 without naming anyone.
var notChineseNames = []string{"顾客", "用户", "朋友", "会员", "买家", "客户", "你", "您", "家人", "亲", "茶友", "大家", "各位", "同学",
	"小伙伴", "老铁", "小可爱", "小仙女", "小主", "老板", "老朋友", "老顾客", "老客户", "小宝贝", "宝贝", "小姐姐", "小哥哥"}

// personalViolations are the personal data folded copy holds: an e-mail address, a phone
// number in any common format or script, a messaging handle, a street address, or a name
// after a greeting the record does not hold (a brand or title word is no shopper's name).
// Nothing is exempt because the record carries it: a phone in a title is still a phone.
func personalViolations(field string, t *copyText, gr *grounding) []Violation {
	var vs []Violation
	add := func(what string) { vs = append(vs, Violation{RulePII, field, what}) }
	text := t.folded
	han, digits := t.han, t.digits
	if strings.ContainsAny(text, "@([") && email.MatchString(text) {
		add("e-mail address")
	}
	if digits >= 7 && phone.MatchString(text) || (digits >= 5 || han) && phoneWord.find(t) != "" ||
		han && chinesePhone(text) || t.spelt >= 7 && spelledPhone.find(t) != "" {
		add("phone number")
	}
	if m := handle.find(t); m != "" && !email.MatchString(text) {
		add(fmt.Sprintf("messaging handle %q", strings.TrimSpace(m)))
	}
	if m := addressIn(t); m != "" {
		add(fmt.Sprintf("street address %q", m))
	}
	if n := greetedName(t, gr.personRecord); n != "" {
		add(fmt.Sprintf("the shopper's name %q", n))
	}
	return vs
}

// addressIn returns a street address in text, or "".
func addressIn(t *copyText) string {
	text, digits, han := t.folded, t.digits, t.han
	if digits > 0 {
		if m := streetAddress.find(t); m != "" {
			return m
		}
	}
	if digits >= 2 { // a UK postcode (SW1A 1AA) holds two digits
		for _, m := range postcode.FindAllString(text, -1) {
			if !memorySize(m) {
				return m
			}
		}
	}
	if han && strings.ContainsAny(text, addressHan) {
		return chineseAddress.FindString(text)
	}
	return ""
}

// memorySize reports whether a match of the UK postcode pattern is a chip and its memory
// ("M2 8GB", "S2 4GB"): an inward code ending in GB, MB or TB is read as a size, not an address.
func memorySize(m string) bool {
	n := len(m)
	return n >= 3 && '0' <= m[n-3] && m[n-3] <= '9' && (strings.HasSuffix(m, "GB") || strings.HasSuffix(m, "MB") || strings.HasSuffix(m, "TB"))
}

// addressHan are the characters every Chinese address the address rule knows holds one of.
const addressHan = "路街道巷弄胡同村号栋单元室区县市省小区公寓花园大厦"

// shopperViolations flag copy naming the shopper's own ids (user id, anonymous id).
// lower is the field's folded copy, lower-cased (copyText.lower).
func shopperViolations(field, lower string, ids []string) []Violation {
	for _, id := range ids {
		if idLike(id) && containsToken(lower, strings.ToLower(id)) {
			return []Violation{{RulePII, field, "the shopper's id"}}
		}
	}
	return nil
}

// joins reports whether r, next to an id, would make it part of a longer word: an ASCII letter or
// digit (Chinese copy writes ids right against its characters: 为U-83751挑选).
func joins(r rune) bool { return r < 0x80 && isWordRune(r) }

// idLike reports whether a shopper id would be recognised in copy as theirs: four characters or
// more, and not a short plain word (an id "home" is no leak in "feels like home").
func idLike(id string) bool {
	if len(id) < 4 {
		return false
	}
	if len(id) >= 8 {
		return true
	}
	return strings.IndexFunc(id, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0
}

// containsToken reports whether s holds tok as a whole token: not inside a longer run of
// letters and digits, so a shopper named "home" does not block copy that says "at home".
func containsToken(s, tok string) bool {
	for from := 0; ; {
		i := strings.Index(s[from:], tok)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(tok)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (start == 0 || !joins(before)) && (end == len(s) || !joins(after)) {
			return true
		}
		from = start + 1
	}
}

// greetedName returns a name copy greets the shopper by, or "".
func greetedName(t *copyText, record string) string {
	for _, re := range [...]gated{greeting, nameFirst} {
		for _, m := range re.all(t) {
			if n := m[1]; !notNames[n] && !strings.Contains(record, n) {
				return n
			}
		}
	}
	for _, m := range chineseName.all(t) {
		n := m[1] + m[2]
		if n == "" || strings.Contains(record, n) || hasPrefixAny(n, notChineseNames) {
			continue
		}
		return n
	}
	return ""
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// chinesePhone reports whether text writes seven or more digits in a row in Chinese numerals
// (一三八零零一三八零零零), as `[零〇一二三四五六七八九幺]{7,}` matches.
func chinesePhone(text string) bool {
	run := 0
	for _, r := range text {
		if !strings.ContainsRune("零〇一二三四五六七八九幺", r) {
			run = 0
			continue
		}
		if run++; run >= 7 {
			return true
		}
	}
	return false
}

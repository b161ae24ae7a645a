package creative

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"unicode"
)

var (
	// refusal is a model declining or apologising instead of writing the ad.
	refusal = gate(`(?i)\b(?:i'?m sorry|i am sorry|sorry,? (?:but )?i\b|i apologi[sz]e|unfortunately,? i\b|`+
		`i (?:can ?not|can't|cannot|won't|will not|am unable to|'m unable to|am not able to|'m not able to) (?:help|assist|write|create|comply|provide|generate|produce|do that|do this|fulfil|fulfill|complete|make)|i must decline|`+
		`i'?m (?:unable|not able)\b|(?:not|never) (?:able|allowed|permitted) to (?:help|assist|write|create|comply)|against my (?:guidelines|policy|programming))|`+
		`抱歉|对不起(?:[，,。！!]|我)|很遗憾|我(?:无法|不能|不可以|没办法)(?:为您|为你|帮您|帮你)?(?:提供|完成|协助|帮助|撰写|写|生成|满足|处理|回答)|我拒绝|无法(?:满足|提供|完成|协助|帮助)(?:您|你|这|该)?|恕我`, stemRefusal,
		"sorry", "apolog", "unfortunately", "i can", "i won", "i will", "i am", "i'm", "i must", "able to", "allowed to", "permitted to", "against my",
		"抱歉", "对不起", "遗憾", "我无法", "我不", "我没", "我拒", "无法", "恕我")
	// metaTalk is a model speaking about itself, the task or its answer instead of the product.
	metaTalk = gate(`(?i)\b(?:as an? (?:ai|artificial intelligence|language model|large language model|llm|assistant|chatbot)|`+
		`ai (?:language )?model|language model|i'?m an ai|i am an ai|openai|chatgpt|anthropic|claude|gemini model|`+
		`here(?:'s| is| are) (?:an?|the|your|my) (?:ad|ads|advert|json|headline|copy|response|answer|creative|draft|version)|`+
		`(?:sure|certainly|of course|okay|ok)[,!.] here|as requested|hope (?:this|that) helps|let me know if|`+
		`(?:this|the) (?:ad|copy|headline) (?:follows|respects|complies with|meets) (?:the|all|your)|(?:my|your) (?:instructions|guidelines)\b|(?:my|the|your) (?:system )?prompt\b|`+
		`word count|(?:character|column) (?:count|limit))|`+
		`作为一?[个名]?(?:ai|人工智能|语言模型|大模型|助手|ai助手)|语言模型|以下是|下面是|^好的[，,]|根据(?:您|你)的要求|`+
		`(?:我|这)(?:为您|为你)?(?:写|撰写|生成)(?:了|的)(?:一[条则个])?(?:广告|文案)|希望(?:这|以上)?(?:条|则|篇)?(?:广告|文案)?(?:对您|对你)?(?:有(?:所)?帮助|满意|符合)|希望这(?:条|则|篇)(?:广告|文案)|字数|字符数|系统提示|提示词`, stemMetaTalk,
		"as a", "as an", "model", "i'm an", "i am an", "openai", "chatgpt", "anthropic", "claude", "here", "as requested", "hope", "let me",
		"follows", "respects", "complies", "meets", "instructions", "guidelines", "prompt", "count", "limit", "column",
		"作为", "模型", "以下", "下面", "好的", "要求", "广告", "文案", "希望", "字数", "字符", "提示")
)

// promptShingles are the word sequences of the embedded system and user prompts: copy that holds
// one echoes the instructions, a leaked prompt. English shingles are five words, Chinese ones
// eight characters; template actions are left out.
var promptShingles = buildShingles(embeddedPrompts, "prompts/"+EmbeddedPromptSet)

// misbehaviourViolations flag an answer in which the model refused, spoke about itself or the
// task, leaked its prompt, or obeyed an instruction injected in the record (its folded
// instructions are injections).
func misbehaviourViolations(field string, t *copyText, injections []string) []Violation {
	var vs []Violation
	add := func(what string, m string) {
		vs = append(vs, Violation{RuleModel, field, fmt.Sprintf("%s %q", what, m)})
	}
	text := t.folded
	if m := refusal.find(t); m != "" {
		add("refusal", m)
	}
	if m := metaTalk.find(t); m != "" {
		add("talks about the task", m)
	}
	if m := instruction.find(t); m != "" {
		add("instruction to a model", m)
	}
	if m := leakedShingle(t.lower); m != "" {
		add("repeats its prompt", m)
	}
	for _, inj := range injections {
		if m := sharedRun(text, inj); m != "" {
			add("obeys the record's injected instruction", m)
			break
		}
	}
	return vs
}

// shingles are the word runs of text: five words for alphabetic scripts, eight characters for
// Chinese, lower-cased, punctuation dropped.
func shingles(text string) []string {
	var out []string
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	var latin []string
	for _, w := range words {
		if hasHan(w) {
			rs := []rune(w)
			for i := 0; i+8 <= len(rs); i++ {
				out = append(out, string(rs[i:i+8]))
			}
			latin = latin[:0]
			continue
		}
		latin = append(latin, w)
		if len(latin) >= 5 {
			out = append(out, strings.Join(latin[len(latin)-5:], " "))
		}
	}
	return out
}

func buildShingles(fsys fs.FS, root string) map[string]bool {
	set := map[string]bool{}
	action := regexp.MustCompile(`\{\{[^}]*\}\}`)
	for _, loc := range promptLocales {
		for _, file := range []string{"system", "user"} {
			b, err := fs.ReadFile(fsys, root+"/"+loc+"/"+file+".tmpl")
			if err != nil {
				panic(err) // the embedded tree is part of the binary
			}
			for _, line := range strings.Split(action.ReplaceAllString(string(b), "\n"), "\n") {
				for _, s := range shingles(foldCopy(line)) {
					set[s] = true
				}
			}
		}
	}
	return set
}

// leakedShingle returns a run of the prompt's own words that lower-cased text repeats, or "":
// the first of its shingles (see shingles) the prompts hold, found without building them all.
func leakedShingle(lower string) string {
	var last [5]string // the latin words before, a ring
	n := 0
	var buf []byte
	found := ""
	shingleWords(lower, func(w string) bool {
		if hasHan(w) {
			n = 0
			at := make([]int, 0, len(w)+1) // where each character starts, and the end
			for i := range w {
				at = append(at, i)
			}
			at = append(at, len(w))
			for i := 0; i+8 < len(at); i++ {
				if s := w[at[i]:at[i+8]]; promptShingles[s] {
					found = s
					return false
				}
			}
			return true
		}
		last[n%5] = w
		if n++; n >= 5 {
			buf = buf[:0]
			for i := n - 5; i < n; i++ {
				if i > n-5 {
					buf = append(buf, ' ')
				}
				buf = append(buf, last[i%5]...)
			}
			if promptShingles[string(buf)] {
				found = string(buf)
				return false
			}
		}
		return true
	})
	return found
}

// shingleWords calls f with the words shingles splits text into, in order, until f returns false.
func shingleWords(text string, f func(w string) bool) {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !f(text[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		f(text[start:])
	}
}

// sharedRun returns a run of an injected instruction that text repeats, or "": three words, two
// words that are neither stop words nor short ("cures colds"), or four Chinese characters.
func sharedRun(text, injection string) string {
	lower := strings.ToLower(text)
	words := strings.FieldsFunc(strings.ToLower(injection), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
	for i := 0; i+2 <= len(words); i++ {
		if run := strings.Join(words[i:i+2], " "); contentWord(words[i]) && contentWord(words[i+1]) && strings.Contains(lower, run) {
			return run
		}
		if i+3 <= len(words) {
			if run := strings.Join(words[i:i+3], " "); strings.Contains(lower, run) {
				return run
			}
		}
	}
	for _, w := range words {
		rs := []rune(w)
		for i := 0; i+4 <= len(rs); i++ {
			if run := string(rs[i : i+4]); hasHan(run) && strings.Contains(text, run) {
				return run
			}
		}
	}
	return ""
}

func contentWord(w string) bool { return len(w) >= 4 && !stopWords[w] && !hasHan(w) }

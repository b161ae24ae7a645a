package creative

import (
	"regexp"
	"strings"

	"github.com/adshift/adshift/schemas"
)

// instruction is text in a catalogue field that speaks to a language model instead of
// describing a product: "Ignore previous instructions", "you are now …", 忽略之前的指令. Matched
// on folded text, so spelling does not hide it.
var instruction = gate(`(?i)`+
	`\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?。！？]{0,30}\b(?:instructions?|rules?|prompts?|guidelines?|policy|policies|directions?|above|previous|prior)\b|`+
	`\b(?:system|developer|hidden) (?:prompt|message|instructions?)\b|\bnew instructions?\b|\binstructions? (?:to|for) (?:the )?(?:ai|assistant|model|llm|bot|writer)\b|`+
	`\byou are now\b|\bpretend (?:to be|you)\b|\bjailbreak|\bdeveloper mode\b|\bdo anything now\b|`+
	`\b(?:assistant|ai|model|chatbot|bot|llm|gpt)\s?[:,]\s?(?:write|say|ignore|include|add|output|reply|respond|print)\b|`+
	`\b(?:write|say|include|add|put|insert|mention|output|print|reply|respond)\b[^.!?。！？]{0,40}\b(?:in|into|to) (?:the|your|every|each) (?:ad|ads|copy|headline|answer|response|reply|output)\b|`+
	`\b(?:respond|reply|answer) (?:only )?with\b|\b(?:repeat|reveal|print|show|output) (?:your|the) (?:system |initial |hidden )?(?:prompt|instructions|rules)\b|`+
	`(?:忽略|无视|忘记|忘掉)(?:掉)?(?:之前|以上|前面|上面|所有|先前|上述|此前)|(?:之前|以上|前面|上面|所有)的?(?:指令|指示|提示|规则|要求)|系统提示|提示词|新的?指令|你现在是|扮演|`+
	`(?:请|务必)?(?:在|于)(?:广告|文案|标题|正文|回答|回复)(?:中|里)(?:写|加|说|提|包含|输出)|(?:请|务必)(?:输出|回复|回答|写上|加上)`, stemInstruction,
	"ignore", "disregard", "forget", "override", "bypass", "skip", "prompt", "message", "instruction", "rules", "you are now",
	"pretend", "jailbreak", "developer mode", "anything now", "assistant", "llm", "gpt", "ai:", "ai,", "model:", "model,", "bot:", "bot,",
	"the ad", "your ad", "every ad", "each ad", "the ads", "copy", "headline", "answer", "response", "reply", "respond", "output",
	"忽略", "无视", "忘", "指令", "指示", "提示", "规则", "要求", "你现在是", "扮演", "广告", "文案", "标题", "正文", "回答", "回复", "请", "务必")

// segmentBreak ends a piece of a catalogue field that is judged on its own: a sentence, a line,
// or a part set off by a bar, a bracket or a semicolon.
var segmentBreak = regexp.MustCompile(`[.!?;|\n\r\[\]{}<>()。！？；【】（）,，、]+\s*`)

// SanitizeProduct is the catalogue record with every instruction to a model taken out of its
// title, brand and category, as both generators (the template and the prompt) see it: what is
// left describes the product and nothing else. A field that is all instruction becomes empty.
// The record's numbers (price, list price) and identity are untouched.
func SanitizeProduct(p schemas.Product) schemas.Product {
	p.Title, _ = sanitizeField(p.Title)
	p.Brand, _ = sanitizeField(p.Brand)
	p.Category, _ = sanitizeField(p.Category)
	return p
}

// sanitizeField splits s into segments (see segmentBreak) and drops each one holding an
// instruction; it returns what is left, trimmed, and the folded segments it dropped.
func sanitizeField(s string) (string, []string) {
	if s == "" {
		return s, nil
	}
	if f := foldCopy(s); instruction.findString(f, strings.ToLower(f)) == "" {
		return s, nil
	}
	var kept []string
	var removed []string
	last := 0
	pieces := segmentBreak.FindAllStringIndex(s, -1)
	pieces = append(pieces, []int{len(s), len(s)})
	for _, loc := range pieces {
		seg := s[last:loc[1]]
		last = loc[1]
		if strings.TrimSpace(seg) == "" {
			continue
		}
		folded := foldCopy(seg)
		if instruction.findString(folded, strings.ToLower(folded)) == "" {
			kept = append(kept, seg)
			continue
		}
		removed = append(removed, folded)
		// An instruction run on from the product's words without a break (common in Chinese
		// titles) leaves those words.
		if loc := instruction.re.FindStringIndex(seg); loc != nil && loc[0] > 0 {
			kept = append(kept, seg[:loc[0]])
		}
	}
	out := strings.TrimSpace(strings.Join(kept, ""))
	return strings.TrimRight(out, " -–—:：,，、|;；.!?。！？([{<（【"), removed
}

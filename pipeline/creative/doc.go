// Package creative is copywriting: what an ad says and the rules it is held to. A Generator
// turns a Request (the shopper's shift, the product, the arm, the locale) into a Creative. The
// Template writes grounded copy with no model from a copy book per arm and locale (copy.go); the
// Guard holds every creative, whoever wrote it, to length per placement (Width: CJK counts
// double), editorial rules, banned absolute claims (claim.go), prices, discounts and offers
// (price.go, discount.go, numerals.go; a price of 0 is never shown: a product without a known price gets copy that names none) and brands (brands.go)
// grounded in the catalogue record, no personal data (personal.go: the shopper's ids and name,
// e-mail, phones in every format and script, addresses, messaging handles), no raw ids
// (rawid.go), no markup or links (markup.go) and no sign of a misbehaving model (misbehaviour.go:
// refusals, talk about the task, a leaked prompt, an obeyed injection). Catalogue text reaches
// neither generator with an instruction to a model in it (sanitize.go). Its word rules read copy folded first (normalize.go: NFKC, width,
// look-alike letters, spaced letters, traditional characters), so spelling hides nothing; copy
// carrying hidden format characters or invalid UTF-8 is rejected, never published. For a
// language model it renders the Prompts (the embedded prompts/v1/<locale>/{system,user,<arm>}.tmpl,
// overridable) and reads the answer back strictly (DecodeAnswer); the model chain that asks the
// model is pipeline/modelchain, and the stage that publishes ads is pipeline/creatives.
//
// Concurrency: Template, Guard and Prompts are immutable once built and safe for concurrent use;
// one of each is shared by every partition worker.
package creative

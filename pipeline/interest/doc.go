// Package interest is adshift's learned interest model: for a shopper's latest categories it
// gives a ranked distribution over the categories the shopper is likely to engage with next.
// It is pure domain code with no infrastructure; `adshift train` builds a model from a dataset
// (Trainer) and writes it as a versioned file (Write, Read).
//
// # The model
//
// A listwise softmax regression (a conditional logit) over a small candidate set. A shopper
// is a State: their latest StateSize (8) distinct categories, latest first, each with a count
// decayed per event and a plain count, in 60 bytes with no pointers; the trainer and a live
// stage update it with the same Observe. The candidates are the state's categories, the most
// frequent next categories of its latest RecentDistinct ones, and the most popular categories.
// Each candidate has nine features (features.go): is it the latest category, the shopper's
// decayed and logarithmic counts of it, 1/its recency rank, P(it | latest category),
// recency-weighted P(it | each of the latest distinct categories), log popularity, a bias, and
// whether the shopper has never engaged with it. P(next | category) counts only moves to
// another category, so transitions say where shoppers go, not that they stay. The transition
// table is the co-occurrence the model learns: which categories follow which in shoppers'
// sessions, counted with bounded memory (below).
//
// Why this and not a deep sequence model or dense embeddings first: on the shared data the
// shopper's own latest category is already right 42% (Taobao) and 88% (REES46) of the time, and
// what earns its place is knowing when and where a shopper moves on. A first-order transition
// table with recency and a popularity prior captures that, learns in one streaming pass, ranks
// in about a microsecond (Ranker.Top, no allocation) and explains itself by nine weights on the
// model card. On a 70/30 split by event time (`adshift profile-eval --train-share 0.7`,
// bootstrap intervals over shoppers) it ranks Taobao's next category at hit@1 0.426 and hit@3
// 0.608 against the last category's 0.422 and 0.597 (differences +0.004 [0.001, 0.008] and
// +0.012 [0.009, 0.015]), and REES46's at 0.875 and 0.902 against 0.876 and 0.895: hit@3 above
// every baseline on both, hit@1 above on Taobao and 0.1 point short on REES46. Categories new to
// the shopper are a question of their own (Moves, below). Embeddings of catalogue text by a
// language model (package embedding) place products and categories of other taxonomies; they do
// not feed this ranker yet.
//
// # Ranking live
//
// A stage ranks with a Ranker per goroutine: Top gives the head of the prediction (the best k,
// renormalised over them) for a State without allocating, and Probabilities the same head with
// the probabilities over every candidate, for what a shift publishes. Ids from Vocabulary() up
// are the caller's own numbering of categories the model never saw: they rank from the
// shopper's state alone.
//
// # Moves
//
// Where a shopper goes when they leave their latest RecentDistinct categories (a move: what an
// ad can show them that they are not already looking at) is a different question from what they
// do next, and the main ranker, fitted on every event, answers it badly: most of its weight says
// "stay". So a model has a second weight vector, fitted only on moves and with the softmax over
// the candidates outside those latest categories, exactly as RankMoves is asked. Moves are a
// small share of the events (the model cards count the ones it learned from: 736 of REES46's
// 17,434, 17,445 of Taobao's 84,475), so it learns with
// AdaGrad's per-feature steps (MoveLearningRate), which leaves the starting weights as fast on
// a small file as on a large one; plain SGD at the main rate barely moved it on REES46.
//
// A move ranking also has two more features and candidates of its own: co-occurrence. Whenever
// a shopper moves to b, b is counted with every other category of their State, both ways, in a
// second set of Space-Saving counters per category (SuccessorSlots, so memory stays bound by the
// vocabulary: no V×V matrix). related is Σ 0.5^i P_co(it | the i-th latest distinct category)
// over the State, related2 the same through one intermediate category (the top 10 related of
// each of the latest RecentDistinct, and their top 10): it reaches categories that belong with
// the shopper's but were never seen beside them, which sparse data needs. The 10 categories
// most related to each latest one join the candidates. Conditional probabilities did better than
// PPMI or their logarithms on both files. The live stage's Ranker.Top does not compute them (its
// candidates and cost are today's); only RankMoves and training do.
//
// On the same split, next_new_category hit@3 (RankMoves, the latest 5 excluded, against every
// predictor ranking only outside them): Taobao 0.184 against the best baseline's 0.171 (profile),
// 1.08×; REES46 0.240 against 0.164 (transition), 1.46×. Taobao stays short of 1.3×: of its new
// categories 53% were never seen by the shopper and 31% were seen before their State's 8 distinct
// categories, which a State of fixed size cannot recall; the model ranks the ones still in its
// State (15%) in its top 3 about three times in four.
//
// # Training
//
// One pass, prequential: each event is first predicted from the statistics so far and the
// shopper's history, the weights take one gradient step on the listwise log-likelihood of the
// category that came, and only then is the event counted. So the ranker learns under exactly
// the conditions it scores under (the same gather code, statistics that have not seen the
// event), with no leakage inside training. The weights start at "latest category, then decayed
// history", the strongest simple rule, so early predictions are sane.
//
// # Memory
//
// Training memory grows with the vocabulary and the shoppers, never with the events: per
// category its event count, at most SuccessorSlots next-category counters and as many
// co-occurrence counters; per shopper one
// fixed-size State (its latest StateSize distinct categories with their counts). The counters are Space-Saving (Metwally et al.):
// when a category's slots are full, a new next category takes the lowest counter's place with
// its count plus one. Unlike a count-min sketch it keeps the identities of the heavy successors
// (which the candidates need), overestimates a count by at most the evicted count, and keeps
// every successor seen in more than 1/SuccessorSlots of the moves; with twice as many slots
// as successors used, the top ones are stable. Unlike periodic pruning it needs no schedule
// and the same events always give the same counters.
//
// # Interest groups: shops without a category tree
//
// Where products have no category (UCI Online Retail: titles, prices and invoices only), a
// GroupLearner derives interest groups that stand for categories everywhere: profiles, shifts,
// segments, the catalogue and this ranker. Simple and explainable first: a product is the
// tf-idf vector of its title's telling words (lower case, plurals folded, grammar, sizes and
// colours left out: a colour names a variant, not an interest) plus, at weight CoPurchase (0.5),
// the normalised mean title vector of what it was bought with (the other lines of its invoices;
// a shopper's single-product events within 30 minutes for clickstreams), cut to its 32 heaviest
// words. Spherical k-means clusters the vectors into √(products/2) groups (k-means++ from a
// fixed seed, products in id order, ties to the lower index), so the same data always gives the
// same groups and the same file. A group is named by its one or two most distinctive title words
// (share of the group's titles × log of that share over the share of all titles), spelled and
// ordered as its titles have them: on December 2010 "christmas decoration", "hot water",
// "cake cases", "cushion cover", "fridge magnets". Groups.Place puts a product the learner never
// saw in the group whose centre its title's words are closest to.
//
// The groups travel in the model file (format 4); a model trained on such data ranks group
// names as it ranks categories, and the features stage gives every product of an event that
// names no category its group (features.FillGroups) before profiling it. An order is one
// interest per distinct group among its lines.
//
// # Files and determinism
//
// A model file is a magic, a format version, a binary payload and the payload's SHA-256. Format
// 4 adds the interest groups; format 3 files still read, as models without groups. Ids
// are assigned in order of first appearance and everything is written in id order, so the same
// events in the same order give the same bytes; Version is the payload's hash. Read returns
// ErrFormat for bytes of another kind or format version and ErrCorrupt for a damaged file,
// never panicking (fuzzed).
//
// A Trainer is used by one goroutine at a time; a Model is immutable and safe for any number.
package interest

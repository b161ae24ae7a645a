package profileeval

// purchaseWindow is how far ahead of a shift next_purchase_category looks for cart adds and
// orders, in event time.
var purchaseWindow = dayMillis

// rankAll is every predictor's first maxRank categories for the shopper as it stands, none
// left out: what each would have advertised at a shift on its latest event.
func (e *evaluator) rankAll(user string, u *shopper) [][]string {
	out := make([][]string, len(e.preds))
	q := query{user: user, u: u, k: maxRank, exclude: func(string) bool { return false }}
	for p, pred := range e.preds {
		q.dst = make([]string, 0, maxRank)
		out[p] = pred.rank(e, q)
	}
	return out
}

// scorePurchases tallies next_purchase_category: for every shift ranked after the guard whose
// shopper added a categorised product to the cart or ordered one in the following day of
// event time, where each predictor's first category in that set fell. A shift without any is
// not scored: there is nothing to hit.
func (e *evaluator) scorePurchases() {
	const t = purchaseTask
	for _, sh := range e.shifts {
		if sh.ranks == nil {
			continue
		}
		u := e.users[sh.user]
		bought := purchased(u, sh.at, e.orders)
		if len(bought) == 0 {
			continue
		}
		for p, ranked := range sh.ranks {
			rank := 0
			for i, c := range ranked {
				if bought[c] {
					rank = i + 1
					break
				}
			}
			u.tally[t][p].add(rank)
		}
	}
}

// purchased is the set of categories the shopper added to the cart or ordered after its
// event at, within purchaseWindow of it; with nextOrder, the categories of the shopper's next
// order instead: every purchase at the first later instant with one, however far ahead.
func purchased(u *shopper, at int, nextOrder bool) map[string]bool {
	if nextOrder {
		return nextOrderAfter(u, at)
	}
	var set map[string]bool
	for j := at + 1; j < len(u.cats) && u.at[j]-u.at[at] <= purchaseWindow; j++ {
		if u.buy[j] {
			if set == nil {
				set = map[string]bool{}
			}
			set[u.cats[j]] = true
		}
	}
	return set
}

// nextOrderAfter is the set of categories bought at the first instant after event at's at
// which the shopper bought anything.
func nextOrderAfter(u *shopper, at int) map[string]bool {
	var set map[string]bool
	var when int64
	for j := at + 1; j < len(u.cats); j++ {
		if !u.buy[j] || u.at[j] <= u.at[at] {
			continue
		}
		if set != nil && u.at[j] != when {
			break
		}
		if set == nil {
			set, when = map[string]bool{}, u.at[j]
		}
		set[u.cats[j]] = true
	}
	return set
}

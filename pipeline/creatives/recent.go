package creatives

import "container/list"

// recent remembers the last few products advertised to each shopper of one partition, so the
// next ad shows something else. It holds at most maxUsers shoppers, forgetting the one advertised
// to least recently. Owned by one processor; not safe for concurrent use.
type recent struct {
	perUser  int
	maxUsers int
	byUser   map[string]*list.Element
	order    *list.List // of *recentEntry, most recently advertised first
}

type recentEntry struct {
	user     string
	products []string // oldest first
}

func newRecent(perUser, maxUsers int) *recent {
	return &recent{perUser: perUser, maxUsers: maxUsers, byUser: make(map[string]*list.Element), order: list.New()}
}

// get returns the products recently advertised to user, oldest first.
func (r *recent) get(user string) []string {
	if e, ok := r.byUser[user]; ok {
		return e.Value.(*recentEntry).products
	}
	return nil
}

// add records that product was advertised to user.
func (r *recent) add(user, product string) {
	if r.perUser <= 0 {
		return
	}
	e, ok := r.byUser[user]
	if !ok {
		e = r.order.PushFront(&recentEntry{user: user})
		r.byUser[user] = e
		if r.order.Len() > r.maxUsers {
			last := r.order.Back()
			r.order.Remove(last)
			delete(r.byUser, last.Value.(*recentEntry).user)
		}
	}
	r.order.MoveToFront(e)
	ent := e.Value.(*recentEntry)
	ent.products = append(ent.products, product)
	if n := len(ent.products); n > r.perUser {
		ent.products = append(ent.products[:0:0], ent.products[n-r.perUser:]...)
	}
}

// last returns the newest products of products (oldest first) that the memory keeps per shopper.
func (r *recent) last(products []string) []string {
	return products[max(0, len(products)-r.perUser):]
}

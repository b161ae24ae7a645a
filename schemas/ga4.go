package schemas

// GA4's e-commerce parameters, read as the spec's fields. A spec field, when an event has both,
// wins whatever the order of the keys.

// eventName reads the event name: a spec name, a variant of one (mapped to it, noted in rw), or
// any other name as it is.
func (d *decoder) eventName(c *check, rw *Rewrites) string {
	b, ok := d.quoted(c, "event")
	if !ok {
		return ""
	}
	if s, ok := constant(b); ok {
		return s
	}
	if s, ok := eventVariant(b); ok {
		*rw |= RewriteEventName
		return s
	}
	return d.string(b)
}

// eventVariant returns the spec name b is a variant of: the spec name in another case or with
// '_', '-', '.' or no space between its words ("product_viewed", "productViewed"), or a GA4
// e-commerce event ("view_item", "purchase").
func eventVariant(b []byte) (string, bool) {
	var buf [32]byte
	n := 0
	for _, c := range b {
		switch {
		case c == ' ' || c == '_' || c == '-' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c < 'a' || c > 'z':
			return "", false
		}
		if n == len(buf) {
			return "", false
		}
		buf[n] = c
		n++
	}
	switch string(buf[:n]) {
	case "productviewed", "viewitem":
		return ProductViewed, true
	case "productclicked", "selectitem":
		return ProductClicked, true
	case "productlistviewed", "viewitemlist":
		return ProductListViewed, true
	case "productssearched", "productsearched", "search", "viewsearchresults":
		return ProductsSearched, true
	case "productadded", "addtocart":
		return ProductAdded, true
	case "productaddedtowishlist", "addtowishlist":
		return ProductAddedWishlist, true
	case "checkoutstarted", "begincheckout":
		return CheckoutStarted, true
	case "ordercompleted", "purchase":
		return OrderCompleted, true
	case "promotionviewed", "viewpromotion":
		return PromotionViewed, true
	case "promotionclicked", "selectpromotion":
		return PromotionClicked, true
	}
	return "", false
}

// ga4Param reads an event-level GA4 parameter into the spec field it stands for, unless that
// field is set already.
func (d *decoder) ga4Param(c *check, key []byte, p *Properties) {
	switch string(key) {
	case "item_list_id":
		ga4Set(c, &p.ListID, d.id(c, "properties.item_list_id"))
	case "transaction_id":
		ga4Set(c, &p.OrderID, d.id(c, "properties.transaction_id"))
	case "search_term":
		ga4Set(c, &p.Query, d.text(c, "properties.search_term"))
	case "creative_name":
		ga4Set(c, &p.Creative, d.text(c, "properties.creative_name"))
	default:
		d.skip()
	}
}

// ga4Set sets *dst to v, noting the rewrite, unless *dst is set or v is empty.
func ga4Set(c *check, dst *string, v string) {
	if v != "" && *dst == "" {
		*dst = v
		c.rw |= RewriteGA4
	}
}

// ga4ItemField reads a GA4 item field into the line item field it stands for, unless that is
// set already; it skips any other key.
func (d *decoder) ga4ItemField(c *check, key []byte, it *LineItem, levels *categoryLevels) {
	switch string(key) {
	case "item_id":
		ga4Set(c, &it.ProductID, d.id(c, "properties.items.item_id"))
	case "item_name":
		ga4Set(c, &it.Name, d.text(c, "properties.items.item_name"))
	case "item_brand":
		ga4Set(c, &it.Brand, d.text(c, "properties.items.item_brand"))
	case "item_category", "item_category2", "item_category3", "item_category4", "item_category5":
		level := 0
		if k := key[len(key)-1]; k >= '2' && k <= '5' {
			level = int(k - '1')
		}
		if b, ok := d.quoted(c, "properties.items.item_category"); ok && len(b) > 0 {
			levels.set(level, b)
			c.rw |= RewriteGA4
		}
	default:
		d.skip()
	}
}

// categoryLevels holds GA4's item_category … item_category5 of one item.
type categoryLevels struct {
	level [5][]byte
	n     int // how many are set
}

func (l *categoryLevels) set(i int, b []byte) {
	if l.level[i] == nil {
		l.n++
	}
	l.level[i] = append(l.level[i][:0], b...)
}

// join returns the levels set as a dotted path, cleaned as a category is.
func (l *categoryLevels) join() []byte {
	var path []byte
	for _, b := range l.level {
		if len(b) == 0 {
			continue
		}
		if len(path) > 0 {
			path = append(path, '.')
		}
		path = append(path, b...)
	}
	clean, _ := cleanPath(path, nil)
	return clean
}

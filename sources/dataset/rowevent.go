package dataset

import "github.com/adshift/adshift/schemas"

// requireIDs fails a row that names no user or no product; productField is the product id's
// column in the source.
func requireIDs(p pos, userID, productID, productField string) error {
	if userID == "" {
		return rowErrorf(p, ReasonMissingUser, "empty user_id")
	}
	if productID == "" {
		return rowErrorf(p, ReasonMissingProduct, "empty %s", productField)
	}
	return nil
}

// rowProperties are the properties of an event made from one source row about one product:
// an order of one unit of it, with an order id hashed from orderKey, an add to cart of one
// unit, or any other event about the product.
func rowProperties(name string, item schemas.LineItem, currency string, orderKey ...string) schemas.Properties {
	if name == schemas.OrderCompleted {
		item.Quantity = 1
		return schemas.Properties{
			OrderID:  shortHash(16, orderKey...),
			Revenue:  item.Price,
			Currency: currency,
			Products: []schemas.LineItem{item},
		}
	}
	p := schemas.Properties{
		ProductID: item.ProductID, Brand: item.Brand, Category: item.Category, Price: item.Price, Currency: currency,
	}
	if name == schemas.ProductAdded {
		p.Quantity = 1
	}
	return p
}

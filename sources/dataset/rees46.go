package dataset

import (
	"time"

	"github.com/adshift/adshift/schemas"
)

var rees46Header = []string{"event_time", "event_type", "product_id", "category_id", "category_code", "brand", "price", "user_id", "user_session"}

const rees46Time = "2006-01-02 15:04:05 UTC"

// rees46Reader maps the REES46 "eCommerce behavior data from multi category store" CSV.
type rees46Reader struct {
	rows *csvRows
}

func (r *rees46Reader) Next() (schemas.Event, error) {
	rec, p, err := r.rows.read()
	if err != nil {
		return schemas.Event{}, err
	}
	return rees46Event(rec, p)
}

func (r *rees46Reader) Close() error { return r.rows.Close() }

func rees46Event(rec []string, p pos) (schemas.Event, error) {
	eventTime, eventType, productID, categoryID, categoryCode, brand, price, userID, session :=
		rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], rec[8]

	name, ok := rees46Name(eventType)
	if !ok {
		return schemas.Event{}, rowErrorf(p, ReasonUnknownEvent, "event_type %q", eventType)
	}
	ts, err := time.Parse(rees46Time, eventTime)
	if err != nil {
		return schemas.Event{}, rowErrorf(p, ReasonBadTimestamp, "event_time %q", eventTime)
	}
	if err := requireIDs(p, userID, productID, "product_id"); err != nil {
		return schemas.Event{}, err
	}
	amount, ok := parsePrice(price)
	if !ok {
		return schemas.Event{}, rowErrorf(p, ReasonBadPrice, "price %q", price)
	}
	category := categoryCode
	if category == "" {
		category = "category_id:" + categoryID
	}
	currency := ""
	if amount > 0 { // 0.00 is how the store says it did not know the price
		currency = "USD"
	}
	item := schemas.LineItem{ProductID: productID, Brand: brand, Category: category, Price: amount}
	return schemas.Event{
		Type:       "track",
		Event:      name,
		UserID:     userID,
		MessageID:  messageID(FormatREES46, p.file, p.line),
		Timestamp:  ts,
		Properties: rowProperties(name, item, currency, session, productID, eventTime),
	}, nil
}

// rees46Name is the event a REES46 event_type stands for.
func rees46Name(eventType string) (string, bool) {
	switch eventType {
	case "view":
		return schemas.ProductViewed, true
	case "cart":
		return schemas.ProductAdded, true
	case "purchase":
		return schemas.OrderCompleted, true
	}
	return "", false
}

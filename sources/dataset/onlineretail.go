package dataset

import (
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/adshift/adshift/schemas"
)

var onlineRetailHeader = []string{"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"}

const onlineRetailTime = "2006-01-02 15:04:05"

// onlineRetailReader maps the UCI "Online Retail" invoice lines, gathering the contiguous lines
// of one invoice into one Order Completed, and those of a cancellation (an invoice number
// starting with C, negative quantities) into one Order Refunded of the quantities cancelled.
type onlineRetailReader struct {
	rows  *csvRows
	order *schemas.Event // the invoice being gathered; nil before the first good line
	file  string         // the file order came from: an invoice never spans files
}

// retailLine is one invoice line that passed validation.
type retailLine struct {
	invoice string
	user    string // CustomerID without the ".0" the export added; empty for guests
	ts      time.Time
	item    schemas.LineItem
	refund  bool // a cancellation's line: its quantity is what was cancelled
}

func (r *onlineRetailReader) Next() (schemas.Event, error) {
	for {
		rec, p, err := r.rows.read()
		if err == io.EOF && r.order != nil {
			done := r.finish()
			r.order = nil
			return done, nil
		}
		if err != nil {
			return schemas.Event{}, err
		}
		l, err := onlineRetailLine(rec, p)
		if err != nil {
			return schemas.Event{}, err
		}
		if r.order != nil && (l.invoice != r.order.Properties.OrderID || p.file != r.file) {
			done := r.finish()
			r.start(l, p)
			return done, nil
		}
		if r.order == nil {
			r.start(l, p)
			continue
		}
		r.order.Properties.Products = append(r.order.Properties.Products, l.item)
	}
}

func (r *onlineRetailReader) Close() error { return r.rows.Close() }

func (r *onlineRetailReader) start(l retailLine, p pos) {
	e := &schemas.Event{
		Type:      "track",
		Event:     schemas.OrderCompleted,
		UserID:    l.user,
		MessageID: messageID(FormatOnlineRetail, p.file, p.line),
		Timestamp: l.ts,
		Properties: schemas.Properties{
			OrderID:  l.invoice,
			Currency: "GBP",
			Products: []schemas.LineItem{l.item},
		},
	}
	if l.refund {
		e.Event = schemas.OrderRefunded
	}
	if l.user == "" {
		e.AnonymousID = "invoice:" + l.invoice // a guest checkout
	}
	r.order, r.file = e, p.file
}

// finish returns the gathered order with its revenue.
func (r *onlineRetailReader) finish() schemas.Event {
	e := *r.order
	var revenue float64
	for _, it := range e.Properties.Products {
		revenue += it.Price * float64(it.Quantity)
	}
	e.Properties.Revenue = math.Round(revenue*100) / 100
	return e
}

func onlineRetailLine(rec []string, p pos) (retailLine, error) {
	invoice, stockCode, description, quantity, invoiceDate, unitPrice, customerID :=
		rec[0], rec[1], rec[2], rec[3], rec[4], rec[5], rec[6]

	refund := strings.HasPrefix(invoice, "C")
	ts, err := time.Parse(onlineRetailTime, invoiceDate)
	if err != nil {
		return retailLine{}, rowErrorf(p, ReasonBadTimestamp, "InvoiceDate %q", invoiceDate)
	}
	if stockCode == "" {
		return retailLine{}, rowErrorf(p, ReasonMissingProduct, "empty StockCode")
	}
	if isServiceCode(stockCode) {
		return retailLine{}, rowErrorf(p, ReasonNotAProduct, "StockCode %s (%s) is a charge, not merchandise", stockCode, description)
	}
	qty, err := strconv.Atoi(quantity)
	switch {
	case err != nil:
		return retailLine{}, rowErrorf(p, ReasonBadQuantity, "Quantity %q", quantity)
	case refund && qty >= 0:
		return retailLine{}, rowErrorf(p, ReasonBadQuantity, "Quantity %q on cancellation %s", quantity, invoice)
	case refund:
		qty = -qty
	case qty <= 0:
		return retailLine{}, rowErrorf(p, ReasonBadQuantity, "Quantity %q on a sale", quantity)
	}
	price, ok := parsePrice(unitPrice)
	if !ok || price == 0 {
		return retailLine{}, rowErrorf(p, ReasonBadPrice, "UnitPrice %q", unitPrice)
	}
	return retailLine{
		invoice: invoice,
		user:    strings.TrimSuffix(customerID, ".0"),
		ts:      ts,
		refund:  refund,
		item: schemas.LineItem{
			ProductID: stockCode,
			Name:      tidyTitle(description),
			Price:     price,
			Quantity:  qty,
		},
	}, nil
}

// isServiceCode reports whether a UCI Online Retail StockCode books a charge or an adjustment
// (postage, carriage, fees, manual entries, samples, vouchers) rather than a product.
func isServiceCode(code string) bool {
	switch code {
	case "POST", "DOT", "C2", "M", "m", "D", "S", "B", "CRUK", "AMAZONFEE", "BANK CHARGES":
		return true
	}
	return strings.HasPrefix(code, "gift_")
}

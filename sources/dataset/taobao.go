package dataset

import (
	"strconv"
	"time"

	"github.com/adshift/adshift/schemas"
)

// taobaoFields is the width of Tianchi UserBehavior rows: user_id,item_id,category_id,behavior,unix_ts.
const taobaoFields = 5

// taobaoReader maps the Alibaba Tianchi "UserBehavior" CSV, which has no header.
type taobaoReader struct {
	rows *csvRows
}

func (r *taobaoReader) Next() (schemas.Event, error) {
	rec, p, err := r.rows.read()
	if err != nil {
		return schemas.Event{}, err
	}
	return taobaoEvent(rec, p)
}

func (r *taobaoReader) Close() error { return r.rows.Close() }

func taobaoEvent(rec []string, p pos) (schemas.Event, error) {
	userID, itemID, categoryID, behavior, unixTS := rec[0], rec[1], rec[2], rec[3], rec[4]

	var name string
	switch behavior {
	case "pv":
		name = schemas.ProductViewed
	case "fav":
		name = schemas.ProductAddedWishlist
	case "cart":
		name = schemas.ProductAdded
	case "buy":
		name = schemas.OrderCompleted
	default:
		return schemas.Event{}, rowErrorf(p, ReasonUnknownEvent, "behavior %q", behavior)
	}
	secs, err := strconv.ParseInt(unixTS, 10, 64)
	if err != nil {
		return schemas.Event{}, rowErrorf(p, ReasonBadTimestamp, "unix timestamp %q", unixTS)
	}
	if userID == "" {
		return schemas.Event{}, rowErrorf(p, ReasonMissingUser, "empty user_id")
	}
	if itemID == "" {
		return schemas.Event{}, rowErrorf(p, ReasonMissingProduct, "empty item_id")
	}
	category := "taobao:" + categoryID

	e := schemas.Event{
		Type:      "track",
		Event:     name,
		UserID:    userID,
		MessageID: messageID(FormatTaobao, p.file, p.line),
		Timestamp: time.Unix(secs, 0).UTC(),
		Context:   schemas.Context{Locale: "zh-CN"},
	}
	switch name {
	case schemas.OrderCompleted:
		e.Properties = schemas.Properties{
			OrderID:  shortHash(16, userID, itemID, unixTS),
			Products: []schemas.LineItem{{ProductID: itemID, Category: category, Quantity: 1}},
		}
	case schemas.ProductAdded:
		e.Properties = schemas.Properties{ProductID: itemID, Category: category, Quantity: 1}
	default:
		e.Properties = schemas.Properties{ProductID: itemID, Category: category}
	}
	return e, nil
}

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

	name, ok := taobaoName(behavior)
	if !ok {
		return schemas.Event{}, rowErrorf(p, ReasonUnknownEvent, "behavior %q", behavior)
	}
	secs, err := strconv.ParseInt(unixTS, 10, 64)
	if err != nil {
		return schemas.Event{}, rowErrorf(p, ReasonBadTimestamp, "unix timestamp %q", unixTS)
	}
	if err := requireIDs(p, userID, itemID, "item_id"); err != nil {
		return schemas.Event{}, err
	}
	item := schemas.LineItem{ProductID: itemID, Category: "taobao:" + categoryID}
	return schemas.Event{
		Type:       "track",
		Event:      name,
		UserID:     userID,
		MessageID:  messageID(FormatTaobao, p.file, p.line),
		Timestamp:  time.Unix(secs, 0).UTC(),
		Context:    schemas.Context{Locale: "zh-CN"},
		Properties: rowProperties(name, item, "", userID, itemID, unixTS),
	}, nil
}

// taobaoName is the event a Tianchi behavior stands for.
func taobaoName(behavior string) (string, bool) {
	switch behavior {
	case "pv":
		return schemas.ProductViewed, true
	case "fav":
		return schemas.ProductAddedWishlist, true
	case "cart":
		return schemas.ProductAdded, true
	case "buy":
		return schemas.OrderCompleted, true
	}
	return "", false
}

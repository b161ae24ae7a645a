package profileeval

import (
	"testing"

	"github.com/adshift/adshift/schemas"
	"github.com/adshift/adshift/sources/dataset"
)

const (
	taobao = "../../../shared/data/taobao/UserBehavior_first815users.csv"
	rees46 = "../../../shared/data/rees46/2019-Oct_head17434.csv"
)

// read loads a shared dataset in event-time order.
func read(t testing.TB, format, file string) []schemas.Event {
	t.Helper()
	events, _, err := dataset.ReadAll(format, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatalf("%s has no events", file)
	}
	return events
}

// firstShoppers keeps the events of the first n shoppers to appear.
func firstShoppers(events []schemas.Event, n int) []schemas.Event {
	kept := map[string]bool{}
	var out []schemas.Event
	for _, ev := range events {
		u := ev.User()
		if _, seen := kept[u]; !seen {
			kept[u] = len(kept) < n
		}
		if kept[u] {
			out = append(out, ev)
		}
	}
	return out
}

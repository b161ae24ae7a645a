package profileeval

// task is a prediction the evaluation scores: the next event's category, among the categories
// outside the shopper's latest skip distinct ones, scored only on events whose category is
// outside them too; or, atShifts, the categories a shopper buys in the day after a shift.
type task struct {
	name     string
	skip     int
	atShifts bool
}

var tasks = [...]task{
	{"next_category", 0, false},
	{"next_new_category", 5, false},
	{"next_purchase_category", 0, true},
}

// unit is what a task scores, for text output.
func (tk task) unit() string {
	if tk.atShifts {
		return "shifts"
	}
	return "events"
}

const (
	taskCount    = len(tasks)
	purchaseTask = 2 // the index of next_purchase_category in tasks
)

// tally is one shopper's scored events for one task and predictor: how many, how many the
// predictor's first 1, 3 and 10 categories named, and the sum of reciprocal ranks within 10.
type tally struct {
	n, at1, at3, at10 int
	rr                float64
}

const maxRank = 10

// add counts one scored event whose category the predictor ranked at rank (1-based; 0: not in
// its first maxRank).
func (t *tally) add(rank int) {
	t.n++
	if rank == 0 {
		return
	}
	if rank == 1 {
		t.at1++
	}
	if rank <= 3 {
		t.at3++
	}
	t.at10++
	t.rr += 1 / float64(rank)
}

package pipeline

import "context"

// Retry is the retry protocol of a Processor, written once for every stage. The source offers a
// failed batch again to the same processor, so a processor must neither apply a record twice nor
// lose what an earlier attempt produced: the bandit, the model or the attribution state may answer
// differently the second time, and the failed write may have delivered part of the first attempt.
//
// A processor keeps a Retry and hands every batch to Process with the two things only it knows:
// how to apply records, and how to send what they produced. Retry remembers how far the partition
// was applied, so a retried batch re-sends the first attempt's output and applies nothing again.
type Retry struct {
	// Applied is the offset after the last record applied. Records before it are skipped: on a
	// retried batch they were applied already, and after a restore (which sets it) the previous
	// owner processed them and everything they caused is durable.
	Applied int64
}

// Process runs one attempt at batch. apply is given the records from Applied on, in order (none,
// on a retry of a batch an earlier attempt applied), keeps what they produce for send, and reports
// how many of them it applied; Applied moves past those even when apply fails, and the attempt
// then fails with apply's error. Otherwise send delivers everything applied records produced that
// is not yet acknowledged, and forgets it once it is; it is called on every such attempt, a retry
// that applies nothing included, so a failed send is simply tried again with the same output.
// (A send may also hand the output to an Outbox and return before it is acknowledged: a failure
// then surfaces at a later attempt's send, which sends everything unacknowledged again.)
func (r *Retry) Process(ctx context.Context, batch []Record, apply func(fresh []Record) (int, error), send func(context.Context) error) error {
	if fresh := r.fresh(batch); len(fresh) > 0 {
		n, err := apply(fresh)
		if n > 0 {
			r.Applied = fresh[n-1].Offset + 1
		}
		if err != nil {
			return err
		}
	}
	return send(ctx)
}

// fresh returns the records of batch at or after Applied. A batch holds consecutive offsets of
// one partition, so those are a suffix of it.
func (r *Retry) fresh(batch []Record) []Record {
	i := 0
	for i < len(batch) && batch[i].Offset < r.Applied {
		i++
	}
	return batch[i:]
}

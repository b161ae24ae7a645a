package clickhouse

import (
	"bytes"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adshift/adshift/schemas"
)

// BenchmarkLanding compares the rate at which ad_events rows land through the Writer (8
// concurrent writers of 5,000-row batches, as partition workers write a full poll each, each
// waiting for its rows to be acknowledged before writing more) with clickhouse-client inserting
// the same rows natively (TSV on stdin, one INSERT of all of them), both measured in the same run
// against the same server and table. It reports both rates and their ratio, writer/native, with
// the default batch_rows and with a larger one. clickhouse-client's time includes starting the
// process and connecting, which the Writer (its connections open) does not pay: writer/native-warm
// takes that start, timed in the same run as `clickhouse-client --query 'SELECT 1'`, off.
// Each op lands the rows through each side twice, once in either order.
//
//	make clickhouse-up && go test ./sinks/clickhouse -run '^$' -bench Landing -benchtime 5x
func BenchmarkLanding(b *testing.B) {
	for _, batchRows := range []int{DefaultConfig().BatchRows, 100_000} {
		b.Run(fmt.Sprint("batch_rows=", batchRows), func(b *testing.B) { benchmarkLanding(b, batchRows) })
	}
}

func benchmarkLanding(b *testing.B, batchRows int) {
	const rows, writers, perWrite = 200_000, 8, 5000
	cfg := testConfig()
	cfg.BatchRows = batchRows
	c := migratedTest(b, cfg)
	w := newWriter(b, c, cfg, nil)
	defer w.Close(b.Context())
	port := strings.TrimPrefix(testAddr(), "127.0.0.1:")

	events := func(prefix string) []schemas.AdEvent {
		out := make([]schemas.AdEvent, rows)
		for i := range out {
			out[i] = schemas.AdEvent{EventID: fmt.Sprintf("%s:imp:%d", prefix, i), Kind: schemas.Impression,
				AdID: "ad-" + strconv.Itoa(i/3), ProductID: "p" + strconv.Itoa(i%5000), User: "u" + strconv.Itoa(i/3),
				EventTime: epoch.Add(time.Duration(i) * time.Second)}
		}
		return out
	}
	tsv := func(evs []schemas.AdEvent) []byte {
		var buf bytes.Buffer
		for _, e := range evs {
			fmt.Fprintf(&buf, "%s\t%s\t%s\t%s\t%s\t%s\t%g\t%s\t%s\t%s\t%s\n", e.EventID, e.Kind, e.AdID, e.ImpressionID,
				e.ProductID, e.User, e.Revenue, e.Currency, e.OrderID, e.Attribution, e.EventTime.UTC().Format(time.DateTime))
		}
		return buf.Bytes()
	}
	query := "INSERT INTO " + c.table(TableAdEvents) + " (" + eventsTable.columnList() + ") FORMAT TSV"

	var writerTime, nativeTime, startTime time.Duration
	b.ResetTimer()
	for i := range 2 * b.N {
		b.StopTimer()
		viaWriter := events(fmt.Sprintf("w%d", i))
		native := tsv(events(fmt.Sprintf("n%d", i)))
		runtime.GC() // the garbage of making the rows is not the Writer's to collect
		b.StartTimer()

		viaWriterRun := func() {
			start := time.Now()
			var wg sync.WaitGroup
			for g := range writers {
				wg.Go(func() {
					for lo := g * perWrite; lo < rows; lo += writers * perWrite {
						if err := w.Write(b.Context(), schemas.Rows{Events: viaWriter[lo:min(lo+perWrite, rows)]}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			writerTime += time.Since(start)
		}
		nativeRun := func() {
			start := time.Now()
			cmd := exec.CommandContext(b.Context(), "clickhouse-client", "--host", "127.0.0.1", "--port", port, "--query", query)
			cmd.Stdin = bytes.NewReader(native)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("clickhouse-client: %v\n%s", err, out)
			}
			nativeTime += time.Since(start)
		}
		// Whichever goes first pays for the server's first parts, and whichever goes second
		// inserts while the server merges the first one's parts: alternate, and run both orders
		// in every op (a run of -benchtime 1x would have only the first), so neither side
		// carries that alone.
		if i%2 == 0 {
			viaWriterRun()
			nativeRun()
		} else {
			nativeRun()
			viaWriterRun()
		}

		b.StopTimer()
		start := time.Now()
		cmd := exec.CommandContext(b.Context(), "clickhouse-client", "--host", "127.0.0.1", "--port", port, "--query", "SELECT 1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("clickhouse-client: %v\n%s", err, out)
		}
		startTime += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	n, err := distinctCounts(b.Context(), c)
	if err != nil {
		b.Fatal(err)
	}
	if want := uint64(4 * rows * b.N); n[TableAdEvents] != want {
		b.Fatalf("%d rows landed, want %d", n[TableAdEvents], want)
	}
	landed := float64(2 * rows * b.N) // by each side
	writerRate := landed / writerTime.Seconds()
	nativeRate := landed / nativeTime.Seconds()
	b.ReportMetric(writerRate, "writer-rows/s")
	b.ReportMetric(nativeRate, "native-rows/s")
	b.ReportMetric(writerRate/nativeRate, "writer/native")
	b.ReportMetric(writerRate/(landed/(nativeTime-startTime).Seconds()), "writer/native-warm")
}

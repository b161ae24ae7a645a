package kafka

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"

	"github.com/adshift/adshift/pipeline"
	"github.com/adshift/adshift/sources/dataset"
	kafkasrc "github.com/adshift/adshift/sources/kafka"
	"github.com/adshift/adshift/sources/kafka/franz"
	"github.com/adshift/adshift/sources/replay"
)

// countingConn counts the bytes a client writes to the broker.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// realClickstream is the first n events of the shared REES46 sample as replay writes them.
func realClickstream(b *testing.B, n int) []pipeline.Record {
	b.Helper()
	r, err := dataset.Open(dataset.FormatREES46, "../../../shared/data/rees46/2019-Oct_head17434.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	src := replay.Events(r)
	var recs []pipeline.Record
	for len(recs) < n {
		rec, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			continue // a bad row; replay skips it too
		}
		rec.Topic = "clickstream"
		recs = append(recs, rec)
	}
	return recs
}

// BenchmarkProducerCompression produces real clickstream records to the embedded broker at each
// kafka.compression, reporting records/s and the bytes sent per record: what gzip, the default
// every client reads, costs against snappy, lz4, zstd and none.
func BenchmarkProducerCompression(b *testing.B) {
	recs := realClickstream(b, 10000)
	emb, err := kafkasrc.StartEmbedded(b.Context(), "127.0.0.1:0", []kafkasrc.TopicSpec{{Name: "clickstream", Partitions: 6}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer emb.Close()
	var raw int64
	for _, r := range recs {
		raw += int64(len(r.Key) + len(r.Value))
	}
	for _, codec := range []string{franz.CompressionNone, franz.CompressionGzip, franz.CompressionSnappy, franz.CompressionLZ4, franz.CompressionZstd} {
		b.Run(codec, func(b *testing.B) {
			var sent atomic.Int64
			dial := func(ctx context.Context, network, host string) (net.Conn, error) {
				c, err := (&net.Dialer{}).DialContext(ctx, network, host)
				if err != nil {
					return nil, err
				}
				return countingConn{c, &sent}, nil
			}
			p, err := NewProducer(ProducerConfig{Brokers: emb.Addrs(), Compression: codec, Conn: franz.Connection{Dialer: dial}}, nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close(context.Background())
			if err := p.Emit(b.Context(), recs[:1]); err != nil { // connect before timing
				b.Fatal(err)
			}
			sent.Store(0)
			b.SetBytes(raw)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := p.Emit(b.Context(), recs); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			perRecord := float64(sent.Load()) / float64(b.N*len(recs))
			b.ReportMetric(perRecord, "wire-B/record")
			b.ReportMetric(float64(raw)/float64(len(recs))/perRecord, "ratio")
			b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
		})
	}
}

package dataset

import (
	"io"
	"os"
	"testing"
)

func BenchmarkReadREES46(b *testing.B) {
	fi, err := os.Stat(rees46File)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(fi.Size())
	for b.Loop() {
		r, err := Open(FormatREES46, rees46File)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
}

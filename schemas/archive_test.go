package schemas

import (
	"testing"
	"time"
)

func TestArchivePathRoundTrip(t *testing.T) {
	f := func(file ArchiveFile, want string) {
		t.Helper()
		if got := file.Path(); got != want {
			t.Fatalf("Path() = %q, want %q", got, want)
		}
		back, err := ParseArchivePath(want)
		if err != nil {
			t.Fatalf("ParseArchivePath(%q): %v", want, err)
		}
		file.Topic = ""
		file.Hour = file.Hour.UTC()
		if back != file {
			t.Fatalf("ParseArchivePath(%q) = %+v, want %+v", want, back, file)
		}
	}
	f(ArchiveFile{Kind: ArchiveClickstream, Topic: "clickstream", Hour: time.Date(2019, 10, 1, 0, 0, 0, 0, time.UTC), Partition: 3, FirstOffset: 1200},
		"clickstream/dt=2019-10-01/hour=00/part-3-1200.parquet")
	// Hours are UTC whatever the zone of the time given.
	f(ArchiveFile{Kind: ArchiveAds, Hour: time.Date(2017, 12, 3, 7, 0, 0, 0, time.FixedZone("CST", 8*3600)), Partition: 0, FirstOffset: 0},
		"ads/dt=2017-12-02/hour=23/part-0-0.parquet")
}

func TestParseArchivePathRejects(t *testing.T) {
	f := func(path string) {
		t.Helper()
		if got, err := ParseArchivePath(path); err == nil {
			t.Fatalf("ParseArchivePath(%q) = %+v, want an error", path, got)
		}
	}
	f("clickstream/dt=2019-10-01/hour=00/part-3-1200.parquet.123.tmp")
	f("clickstream/dt=2019-10-01/hour=00/export.parquet")
	f("clickstream/dt=2019-10-01/hour=00/part-3.parquet")
	f("clickstream/dt=2019-10-01/hour=00/part--1-5.parquet")
	f("clickstream/dt=2019-10-01/hour=24/part-3-1200.parquet")
	f("clickstream/2019-10-01/hour=00/part-3-1200.parquet")
	f("dt=2019-10-01/hour=00/part-3-1200.parquet")
}

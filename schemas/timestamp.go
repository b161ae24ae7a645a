package schemas

import (
	"time"
)

// parseTime reads RFC 3339 and the variants trackers send: a space (or lower-case t) for the T,
// any number of fractional digits, and a zone that is absent (UTC), Z, UTC, ±hh:mm, ±hhmm or ±hh,
// optionally after a space. The result is in UTC.
func parseTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' ||
		b[10] != 'T' && b[10] != ' ' && b[10] != 't' {
		return time.Time{}, false
	}
	year, ok1 := atoiFixed(b[0:4])
	month, ok2 := atoiFixed(b[5:7])
	day, ok3 := atoiFixed(b[8:10])
	hour, ok4 := atoiFixed(b[11:13])
	minute, ok5 := atoiFixed(b[14:16])
	sec, ok6 := atoiFixed(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		start := i
		for ; i < len(b) && isDigit(b[i]); i++ {
			if i-start < 9 {
				nsec = nsec*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return time.Time{}, false
		}
		for k := i - start; k < 9; k++ {
			nsec *= 10
		}
	}
	if i < len(b) && b[i] == ' ' {
		i++
		if i == len(b) {
			return time.Time{}, false
		}
	}
	offset, ok := zoneOffset(b[i:])
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// zoneOffset reads a zone as parseTime accepts it and returns its offset from UTC in seconds.
func zoneOffset(zone []byte) (int, bool) {
	switch {
	case len(zone) == 0, string(zone) == "Z", string(zone) == "z", string(zone) == "UTC":
		return 0, true
	case zone[0] != '+' && zone[0] != '-':
		return 0, false
	}
	var hh, mm int
	okh, okm := false, true
	switch {
	case len(zone) == 3:
		hh, okh = atoiFixed(zone[1:3])
	case len(zone) == 5:
		hh, okh = atoiFixed(zone[1:3])
		mm, okm = atoiFixed(zone[3:5])
	case len(zone) == 6 && zone[3] == ':':
		hh, okh = atoiFixed(zone[1:3])
		mm, okm = atoiFixed(zone[4:6])
	}
	if !okh || !okm || hh > 23 || mm > 59 {
		return 0, false
	}
	offset := hh*3600 + mm*60
	if zone[0] == '-' {
		offset = -offset
	}
	return offset, true
}

func atoiFixed(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

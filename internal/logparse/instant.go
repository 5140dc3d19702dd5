package logparse

import (
	"math"
	"time"
)

// instant is a time as seconds and nanoseconds since the zero time. The accumulator keeps and compares its times
// as instants: a time.Time carries a location pointer, which makes every store of one a write the garbage
// collector must see, and its comparisons decode two fields. Event times are UTC, and instants give them back as
// such: instantOf(t).time() is t for every time in UTC, and the zero instant is the zero time.
type instant struct {
	sec  int64
	nsec int32
}

// zeroUnix is the zero time in Unix seconds.
const zeroUnix = -62135596800

func instantOf(t time.Time) instant {
	return instant{sec: t.Unix() - zeroUnix, nsec: int32(t.Nanosecond())}
}

func (i instant) time() time.Time { return time.Unix(i.sec+zeroUnix, int64(i.nsec)).UTC() }

func (i instant) compare(j instant) int {
	switch {
	case i.sec < j.sec || i.sec == j.sec && i.nsec < j.nsec:
		return -1
	case i == j:
		return 0
	}
	return 1
}

func (i instant) before(j instant) bool { return i.sec < j.sec || i.sec == j.sec && i.nsec < j.nsec }
func (i instant) after(j instant) bool  { return j.before(i) }

// sub is i - j, saturated at the bounds of a Duration.
func (i instant) sub(j instant) time.Duration {
	const maxSec = math.MaxInt64/int64(time.Second) - 1
	ds := i.sec - j.sec
	switch {
	case ds > maxSec:
		return math.MaxInt64
	case ds < -maxSec:
		return math.MinInt64
	}
	return time.Duration(ds)*time.Second + time.Duration(i.nsec-j.nsec)
}

// add is i + d.
func (i instant) add(d time.Duration) instant {
	s, ns := int64(d/time.Second), int64(d%time.Second)+int64(i.nsec)
	if ns < 0 {
		s, ns = s-1, ns+int64(time.Second)
	} else if ns >= int64(time.Second) {
		s, ns = s+1, ns-int64(time.Second)
	}
	return instant{sec: i.sec + s, nsec: int32(ns)}
}

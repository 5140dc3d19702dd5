package logparse

// Timestamps: the epoch numbers and human-readable times the logs carry.

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// parseEpoch reads an epoch timestamp (a decimal number, possibly with a
// fraction or an exponent) and picks its unit by magnitude: below 1e11 it
// is seconds, below 1e14 milliseconds, below 1e17 microseconds, else
// nanoseconds.
//
// UNCONFIRMED: the unit of event_timestamp (the BGP example is in
// milliseconds, AWS's monitoring sample treats tunnel activity as seconds).
func parseEpoch(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	ip := scanWhile(s, 0, isDigit)
	if ip == 0 || ip > 19 {
		return time.Time{}, false
	}
	var n int64
	for i := 0; i < ip; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if n < 0 { // overflow
		return time.Time{}, false
	}
	// frac is the fractional part in billionths of the unit.
	var frac int64
	if ip < len(s) {
		if s[ip] != '.' {
			return parseEpochFloat(s)
		}
		fs := ip + 1
		fe := scanWhile(s, fs, isDigit)
		if fe != len(s) {
			return parseEpochFloat(s)
		}
		for i, scale := fs, int64(1e8); i < fe && scale > 0; i, scale = i+1, scale/10 {
			frac += int64(s[i]-'0') * scale
		}
	}
	switch {
	case n == 0:
		return time.Time{}, false
	case n < 1e11:
		return time.Unix(n, frac).UTC(), true
	case n < 1e14:
		return time.Unix(0, n*1e6+frac/1e3).UTC(), true
	case n < 1e17:
		return time.Unix(0, n*1e3+frac/1e6).UTC(), true
	default:
		return time.Unix(0, n).UTC(), true
	}
}

// parseEpochFloat handles exponent notation ("1.762580429641E12").
func parseEpochFloat(s string) (time.Time, bool) {
	if scanWhile(s, 0, isNumberByte) != len(s) {
		return time.Time{}, false // not a number; spares ParseFloat's error
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f >= 1) || f >= 9.2e18 {
		return time.Time{}, false
	}
	unit := 1.0 // nanoseconds per unit
	switch {
	case f < 1e11:
		unit = 1e9
	case f < 1e14:
		unit = 1e6
	case f < 1e17:
		unit = 1e3
	}
	// Whole units and the fraction apart, so that whole milliseconds stay exact.
	whole := math.Floor(f)
	if whole*unit >= 9.2e18 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(whole)*int64(unit)+int64(math.Round((f-whole)*unit))).UTC(), true
}

// ParseTime reads a time in the forms the logs and their exports print at the
// start of s ("2025-11-08 05:40:29.641Z", "2025-11-08T05:40:29.641Z", see
// parseHumanTime) and returns it with the number of bytes read.
func ParseTime(s string) (t time.Time, n int, ok bool) { return parseHumanTime(s) }

// parseHumanTime reads "2025-11-08 05:40:29.641Z" and its relatives at the
// start of s: 'T' or space between date and time, optional fraction ('.' or
// ','), then Z, a ±hh:mm / ±hhmm offset, " UTC", or nothing (UTC). It
// returns the time and the number of bytes read.
func parseHumanTime(s string) (time.Time, int, bool) {
	minute, ok := humanMinute(s)
	if !ok {
		return time.Time{}, 0, false
	}
	return humanRest(s, minute)
}

// humanMinute reads the date, hour and minute a human-readable time starts
// with ("2025-11-08 05:40" of "2025-11-08 05:40:29.641Z", with the colon
// and two more bytes after it) and returns that minute in Unix seconds, as
// if in UTC.
func humanMinute(s string) (int64, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	y, mo, d, h, mi := digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 {
		return 0, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC).Unix(), true
}

// humanRest reads what follows the minute (humanMinute) of a human-readable
// time at s: the seconds, a fraction and a zone.
func humanRest(s string, minute int64) (time.Time, int, bool) {
	sec := digits(s, 17, 2)
	if sec < 0 || sec > 60 {
		return time.Time{}, 0, false
	}
	i, nanos := 19, 0
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		j := scanWhile(s, i+1, isDigit)
		for k, scale := i+1, 100000000; k < j && scale > 0; k, scale = k+1, scale/10 {
			nanos += int(s[k]-'0') * scale
		}
		i = j
	}
	var offset int
	switch {
	case i < len(s) && (s[i] == 'Z' || s[i] == 'z'):
		i++
	case i < len(s) && (s[i] == '+' || s[i] == '-'):
		j := i + 3
		if j < len(s) && s[j] == ':' {
			j++
		}
		if oh, om := digits(s, i+1, 2), digits(s, j, 2); oh >= 0 && oh < 24 && om >= 0 && om < 60 {
			offset = (oh*60 + om) * 60
			if s[i] == '-' {
				offset = -offset
			}
			i = j + 2
		}
	case strings.HasPrefix(s[i:], " UTC"):
		i += 4
	}
	return time.Unix(minute+int64(sec-offset), int64(nanos)).UTC(), i, true
}

// digits reads n decimal digits at s[i:], or returns -1.
func digits(s string, i, n int) int {
	if i+n > len(s) {
		return -1
	}
	v := 0
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return -1
		}
		v = v*10 + int(s[k]-'0')
	}
	return v
}

// clock is parseHumanTime that remembers the last minute it read: the times
// of consecutive events share their date and minute (the 16 bytes
// "2025-11-08 05:40"), and a time that starts as the last one did is read
// from its seconds on.
type clock struct {
	prefix [2]uint64 // the minute's 16 bytes, as read
	minute int64     // in Unix seconds; prefix is set when minute is not 0
}

func (c *clock) parse(s string) (time.Time, int, bool) {
	if c.minute != 0 && len(s) >= 19 && s[16] == ':' && load64(s, 0) == c.prefix[0] && load64(s, 8) == c.prefix[1] {
		return humanRest(s, c.minute)
	}
	minute, ok := humanMinute(s)
	if !ok {
		return time.Time{}, 0, false
	}
	if minute != 0 {
		c.prefix, c.minute = [2]uint64{load64(s, 0), load64(s, 8)}, minute
	}
	return humanRest(s, minute)
}

package profile

import (
	"fmt"
	"strconv"
)

// Period is a calendar period, the module's one type for it: the unit that cohorts are grouped
// by (segment.Period is this type) and that purchase histories are counted in. Periods are UTC:
// Day is the calendar day, Week the ISO week (Monday to Sunday), Month the calendar month,
// Quarter the calendar quarter (January, April, July, October) and Year the calendar year. The
// zero Period is "not set": a Config that holds one documents its default. It encodes as text
// ("day", "week", "month", "quarter", "year") in JSON.
type Period uint8

// The periods; the zero Period means a Config's default.
const (
	Day Period = iota + 1
	Week
	Month
	Quarter
	Year
)

var periodNames = [...]string{Day: "day", Week: "week", Month: "month", Quarter: "quarter", Year: "year"}

// Valid reports whether p is one of the named periods (the zero Period is not).
func (p Period) Valid() bool { return p >= Day && p <= Year }

// String returns the period's name, or "Period(n)" for another value.
func (p Period) String() string {
	if p.Valid() {
		return periodNames[p]
	}
	return "Period(" + strconv.Itoa(int(p)) + ")"
}

// ParsePeriod parses a period's name ("day", "week", "month", "quarter", "year").
func ParsePeriod(s string) (Period, error) {
	for p := Day; p <= Year; p++ {
		if periodNames[p] == s {
			return p, nil
		}
	}
	return 0, fmt.Errorf("profile: period %q: want day, week, month, quarter or year: %w", s, ErrOutOfRange)
}

// MarshalText encodes the period as its name; the zero or an unknown Period is an error.
func (p Period) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("profile: %v has no name: %w", p, ErrOutOfRange)
	}
	return []byte(periodNames[p]), nil
}

// UnmarshalText decodes a period's name (ParsePeriod).
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

package session

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestReadTSVBad: every bad line is a *RowError with its line number and cause, and the good
// lines around it are read.
func TestReadTSVBad(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       error
	}{
		{"two columns", "s\ti", ErrColumns},
		{"four columns", "s\ti\t1\tx", ErrColumns},
		{"empty session", " \ti\t1", ErrMissing},
		{"empty item", "s\t\t1", ErrMissing},
		{"empty time", "s\ti\t", ErrMissing},
		{"not a number", "s\ti\tnoon", ErrNumber},
		{"NaN", "s\ti\tNaN", ErrNumber},
		{"Inf", "s\ti\t+Inf", ErrNumber},
		{"1e308", "s\ti\t1e308", ErrTime},
		{"2^62", "s\ti\t4611686018427387904", ErrTime},
		{"before year 1", "s\ti\t-62135596801", ErrTime},
		{"long line", "s\ti\t" + strings.Repeat("9", 1<<20+10), ErrLineTooLong},
	} {
		in := "a\tx\t1451606400\n" + c.line + "\nb\t\"y\t1451606401.5\n"
		var good []Event
		var errs []error
		for e, err := range ReadTSV(strings.NewReader(in)) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			good = append(good, e)
		}
		var re *RowError
		if len(errs) != 1 || !errors.As(errs[0], &re) || re.Line != 2 || !errors.Is(errs[0], c.want) {
			t.Errorf("%s: errors %v, want one at line 2 wrapping %v", c.name, errs, c.want)
			continue
		}
		if len(re.Value) > 80 {
			t.Errorf("%s: value of %d bytes in the error", c.name, len(re.Value))
		}
		// an unterminated quote is part of an ID: the next line is read on its own
		if len(good) != 2 || good[1].Item != "\"y" || !good[1].Time.Equal(time.Unix(1451606401, 5e8)) {
			t.Errorf("%s: good rows %+v", c.name, good)
		}
	}
}

// TestReadTSVValues: tiny, fractional and 2^53 times are read as given.
func TestReadTSVValues(t *testing.T) {
	in := "s\ti\t5e-324\ns\ti\t1451606400.123\ns\ti\t9007199254740992\n\n"
	var got []Event
	for e, err := range ReadTSV(strings.NewReader(in)) {
		if err != nil {
			if strings.Contains(err.Error(), "line 3") {
				continue // 2^53 s is past year 9999
			}
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 2 || !got[0].Time.Equal(time.Unix(0, 0)) || got[1].Time.Sub(time.Unix(1451606400, 0)) != 123*time.Millisecond {
		t.Fatalf("%+v", got)
	}
}

// FuzzReadTSV: the reader never panics, and every good row has a session, an item and a time.
func FuzzReadTSV(f *testing.F) {
	f.Add("1\t2\t1451606400\n")
	f.Add("a\tb\t1e308\n\t\t\n")
	f.Add("x\"\ty\t-5\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		for e, err := range ReadTSV(strings.NewReader(s)) {
			if err == nil && (e.Session == "" || e.Item == "" || e.Time.IsZero() && e.Time != time.Unix(0, 0).UTC()) {
				t.Fatalf("bad good row %+v", e)
			}
		}
	})
}

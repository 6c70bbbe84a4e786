package recommend

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/internal/textio"
)

func TestReadTSV(t *testing.T) {
	in := "u1\ti1\t4\t881250949\n" + // MovieLens u.data row
		"u1\ti2\n" + // weight and time optional
		"\n" + // blank lines are skipped
		"u2\ti1\t-1.5\r\n" + // CRLF, negative weight (a return)
		"u3\ti9\t2\t1.0e9\n" // integer written as a float
	var got []Interaction
	for r, err := range ReadTSV(strings.NewReader(in)) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := []Interaction{
		{User: "u1", Item: "i1", Weight: 4, Time: time.Unix(881250949, 0).UTC()},
		{User: "u1", Item: "i2", Weight: 1},
		{User: "u2", Item: "i1", Weight: -1.5},
		{User: "u3", Item: "i9", Weight: 2, Time: time.Unix(1e9, 0).UTC()},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}
}

// TestReadTSVBadRows is the table of bad rows and the exact error each gives.
func TestReadTSVBadRows(t *testing.T) {
	cases := []struct {
		line  string
		field string
		cause error
	}{
		{"onlyone", "", textio.ErrColumns},
		{"a\tb\t1\t2\t3", "", textio.ErrColumns},
		{"\ti1\t1", "user", textio.ErrMissing},
		{"u1\t \t1", "item", textio.ErrMissing},
		{"u1\ti1\tNaN", "weight", textio.ErrNumber},
		{"u1\ti1\t+Inf", "weight", textio.ErrNumber},
		{"u1\ti1\tabc", "weight", textio.ErrNumber},
		{"u1\ti1\t", "weight", textio.ErrMissing},
		{"u1\ti1\t1\t12:00", "unix_seconds", textio.ErrInteger},
		{"u1\ti1\t1\t1.5", "unix_seconds", textio.ErrInteger},
		{"u1\ti1\t1\t99999999999999", "unix_seconds", textio.ErrTime},
	}
	for _, c := range cases {
		// The bad row is line 2; the good rows around it must still come through.
		in := "a\tb\n" + c.line + "\nc\td\n"
		var good int
		var rowErr *RowError
		for _, err := range ReadTSV(strings.NewReader(in)) {
			if err == nil {
				good++
				continue
			}
			if !errors.As(err, &rowErr) {
				t.Fatalf("%q: error %v is not a RowError", c.line, err)
			}
		}
		if good != 2 || rowErr == nil {
			t.Fatalf("%q: %d good rows, error %v", c.line, good, rowErr)
		}
		if rowErr.Line != 2 || rowErr.Field != c.field || !errors.Is(rowErr, c.cause) {
			t.Errorf("%q: got line %d field %q cause %v, want line 2 field %q cause %v",
				c.line, rowErr.Line, rowErr.Field, rowErr.Err, c.field, c.cause)
		}
	}
}

func TestReadTSVStopsWhenAsked(t *testing.T) {
	n := 0
	for range ReadTSV(strings.NewReader("a\tb\nc\td\ne\tf\n")) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatal(n)
	}
}

func FuzzReadTSV(f *testing.F) {
	for _, s := range []string{"u\ti\t1\t2\n", "u\ti\n", "\t\t\t\n", "u\ti\tNaN\n", "a\tb\t1e308\t-1\r\n", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for in, err := range ReadTSV(strings.NewReader(s)) {
			if err != nil {
				var re *RowError
				if !errors.As(err, &re) || re.Line < 1 {
					t.Fatalf("bad error %v", err)
				}
				continue
			}
			if in.User == "" || in.Item == "" || !textio.InRange(in.Weight) {
				t.Fatalf("bad interaction %+v", in)
			}
			if u := in.Time.Unix(); !in.Time.IsZero() && (u < -maxUnixSeconds || u > maxUnixSeconds) {
				t.Fatalf("time out of range %+v", in)
			}
		}
	})
}

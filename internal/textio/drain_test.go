package textio

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

func rows(items ...any) func(func(int, error) bool) {
	return func(yield func(int, error) bool) {
		for _, it := range items {
			var ok bool
			switch v := it.(type) {
			case int:
				ok = yield(v, nil)
			case error:
				ok = yield(0, v)
			}
			if !ok {
				return
			}
		}
	}
}

func TestSkipBad(t *testing.T) {
	bad := func(n int) error { return NewRowError(n, "f", "x", ErrNumber) }
	var rep ReadReport
	got := slices.Collect(SkipBad(rows(1, bad(2), 3, bad(4), 5), &rep))
	if !slices.Equal(got, []int{1, 3, 5}) || rep.Rows != 3 || rep.Bad != 2 || len(rep.Examples) != 2 || rep.Err != nil {
		t.Fatalf("got %v, report %+v", got, rep)
	}
	if rep.Examples[1].Line != 4 {
		t.Errorf("second example at line %d, want 4", rep.Examples[1].Line)
	}
	if s := rep.String(); !strings.HasPrefix(s, "3 rows, 2 bad (line 2: ") {
		t.Errorf("String() = %q", s)
	}
	// An error that is not a bad row ends the reading and is kept.
	rep = ReadReport{}
	got = slices.Collect(SkipBad(rows(1, io.ErrUnexpectedEOF, 3), &rep))
	if !slices.Equal(got, []int{1}) || !errors.Is(rep.Err, io.ErrUnexpectedEOF) || rep.Bad != 0 {
		t.Fatalf("got %v, report %+v", got, rep)
	}
	// Only MaxExamples examples are kept, every bad row is counted.
	rep = ReadReport{}
	var many []any
	for i := range 25 {
		many = append(many, bad(i+1))
	}
	for range SkipBad(rows(many...), &rep) {
	}
	if rep.Bad != 25 || len(rep.Examples) != MaxExamples || !strings.HasSuffix(rep.String(), "; ...)") {
		t.Fatalf("report %+v %q", rep, rep.String())
	}
}

func TestStopAtBad(t *testing.T) {
	var rep ReadReport
	got := slices.Collect(StopAtBad(rows(1, NewRowError(2, "f", "x", ErrNumber), 3), &rep))
	var re *RowError
	if !slices.Equal(got, []int{1}) || rep.Bad != 1 || !errors.As(rep.Err, &re) || re.Line != 2 {
		t.Fatalf("got %v, report %+v", got, rep)
	}
	// A consumer that stops early leaves the report consistent.
	rep = ReadReport{}
	for v := range StopAtBad(rows(1, 2, 3), &rep) {
		if v == 2 {
			break
		}
	}
	if rep.Rows != 2 || rep.Err != nil {
		t.Fatalf("report %+v", rep)
	}
}

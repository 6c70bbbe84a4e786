package segment

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

func checkPointsError(t *testing.T, err error, line int, field string, cause error) {
	t.Helper()
	var re *profile.RowError
	if !errors.Is(err, cause) || !errors.As(err, &re) || re.Line != line || re.Field != field {
		t.Fatalf("error %v, want %v at line %d field %q", err, cause, line, field)
	}
}

// A stray quote on line 2 before 1,000 good rows: the error names line 2 and its column (before:
// the whole file was read into the field and the error named the last line).
func TestReadPointsCSVStrayQuote(t *testing.T) {
	in := "a,b\n1,\"2\n" + strings.Repeat("3,4\n", 1000)
	_, _, err := ReadPointsCSV(strings.NewReader(in))
	checkPointsError(t, err, 2, "b", textio.ErrQuote)
}

func TestReadPointsCSVLongLine(t *testing.T) {
	for _, open := range []string{"", "\""} {
		in := io.MultiReader(strings.NewReader("a,b\n1,2\n3,"+open),
			io.LimitReader(strings.NewReader(strings.Repeat("9", 16<<20)), 16<<20), strings.NewReader("\n5,6\n"))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := ReadPointsCSV(in)
		runtime.ReadMemStats(&after)
		checkPointsError(t, err, 3, "", textio.ErrLineTooLong)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*textio.MaxLineBytes {
			t.Errorf("quote %q: allocated %d bytes reading a 16 MiB line, want at most %d", open, alloc, 5*textio.MaxLineBytes)
		}
	}
}

func TestReadPointsCSVExtremes(t *testing.T) {
	for _, tc := range []struct {
		value string
		cause error // nil: accepted
	}{
		{"NaN", textio.ErrNumber},
		{"Inf", textio.ErrNumber},
		{"-Inf", textio.ErrNumber},
		{"1e308", textio.ErrRange},
		{"-1e308", textio.ErrRange},
		{"9007199254740992", textio.ErrRange},
		{"4611686018427387904", textio.ErrRange},
		{"5e-324", nil},
		{"-1e15", nil},
	} {
		for col, row := range []string{tc.value + ",1", "1," + tc.value} {
			p, _, err := ReadPointsCSV(strings.NewReader("a,b\r\n1,2\r\n" + row + "\r\n"))
			if tc.cause == nil {
				if err != nil || p.Len() != 2 {
					t.Errorf("%q: %v, want accepted", row, err)
				}
				continue
			}
			checkPointsError(t, err, 3, []string{"a", "b"}[col], tc.cause)
		}
	}
}

func TestReadPointsCSVFileShapes(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		cause    error
		rows     int
	}{
		{"empty", "", ErrEmpty, 0},
		{"blank lines", "\n\n", ErrEmpty, 0},
		{"header only", "a,b\n", ErrEmpty, 0},
		{"numbers for a header", "1,2\n3,4\n", textio.ErrHeader, 0},
		{"header with an open quote", "a,\"b\n1,2\n", textio.ErrHeader, 0},
		{"header longer than MaxLineBytes", strings.Repeat("x", textio.MaxLineBytes+1) + "\n1\n", textio.ErrHeader, 0},
		{"CRLF", "a,b\r\n1,2\r\n3,4\r\n", nil, 2},
		{"BOM", "\ufeff\"a\",b\n1,2\n", nil, 1},
		{"quoted value with a line break (trimmed)", "a,b\n1,\"2\n\"\n", nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, names, err := ReadPointsCSV(strings.NewReader(tc.in))
			if tc.cause != nil {
				if !errors.Is(err, tc.cause) {
					t.Fatalf("error %v, want %v", err, tc.cause)
				}
				return
			}
			if err != nil || p.Len() != tc.rows || names[0] != "a" {
				t.Fatalf("points %+v names %q error %v", p, names, err)
			}
		})
	}
}

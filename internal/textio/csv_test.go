package textio

import (
	"encoding/csv"
	"errors"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

type csvResult struct {
	recs [][]string
	line []int
	errs []error
}

func readCSV(r io.Reader) csvResult {
	var out csvResult
	for rec, err := range CSV(r) {
		if err != nil {
			out.errs = append(out.errs, err)
			continue
		}
		out.recs = append(out.recs, slices.Clone(rec.Fields))
		out.line = append(out.line, rec.Line)
	}
	return out
}

func TestCSVParses(t *testing.T) {
	in := "\ufeffa,b,c\r\n" +
		"1,\"x, y\",3\r\n" +
		"\n" +
		"\"q\"\"uote\",,\r\n" +
		"4,\"two\r\nlines\",6\n" +
		"12\" RULER,b\"c,\"\"\n" +
		"7,8,9"
	got := readCSV(strings.NewReader(in))
	want := [][]string{{"a", "b", "c"}, {"1", "x, y", "3"}, {`q"uote`, "", ""}, {"4", "two\nlines", "6"}, {`12" RULER`, `b"c`, ""}, {"7", "8", "9"}}
	if len(got.errs) != 0 || !slices.EqualFunc(got.recs, want, slices.Equal) {
		t.Fatalf("got %q errors %v\nwant %q", got.recs, got.errs, want)
	}
	if !slices.Equal(got.line, []int{1, 2, 4, 5, 7, 8}) {
		t.Fatalf("lines %v", got.line)
	}
}

// checkOneError checks for exactly one RowError on line, naming field, with cause.
func checkOneError(t *testing.T, errs []error, line int, field string, cause error) {
	t.Helper()
	if len(errs) != 1 {
		t.Fatalf("%d errors %v, want one", len(errs), errs)
	}
	var re *RowError
	if !errors.As(errs[0], &re) || re.Line != line || re.Field != field || !errors.Is(errs[0], cause) {
		t.Fatalf("error %v, want line %d field %q cause %v", errs[0], line, field, cause)
	}
}

// The probe's file: line 2 opens a quote it never closes, 1,000 good rows follow. encoding/csv
// with LazyQuotes read them all into line 2's field.
func TestCSVStrayQuoteKeepsGoodRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("InvoiceNo,StockCode,Description,Quantity\n536365,85123A,\"WHITE HANGING HEART,6\n")
	for i := range 1000 {
		b.WriteString(strconv.Itoa(536366+i) + ",A,plain,1\n")
	}
	got := readCSV(strings.NewReader(b.String()))
	if len(got.recs) != 1001 || got.line[1] != 3 || got.line[1000] != 1002 {
		t.Fatalf("%d records (want header + 1000), lines %v...", len(got.recs), got.line[:min(3, len(got.line))])
	}
	checkOneError(t, got.errs, 2, "Description", ErrQuote)
	if !strings.Contains(got.errs[0].Error(), "resumes at line 3") {
		t.Errorf("error %q does not say where reading resumes", got.errs[0])
	}
}

func TestCSVBadQuoting(t *testing.T) {
	const head = "a,b,c\n"
	for _, tc := range []struct {
		name, in string
		line     int
		field    string
		cause    error
		records  int // after the header
	}{
		// The span closes, but into 5 fields: line 3 was a row, not the rest of a field.
		{"span closes wide", head + "1,\"x\n2\",3,4,5\n6,7,8\n", 2, "b", ErrColumns, 1},
		// It closes with too few fields.
		{"span closes narrow", head + "1,\"x\n2,3,4\nend\"\n6,7,8\n", 2, "b", ErrColumns, 2},
		// Line 3 opens with a quoted field: inside line 2's quote that is a stray quote.
		{"quote inside quoted field", head + "1,\"x\n\"2\",3,4\n", 2, "b", ErrQuote, 1},
		{"text after closing quote", head + "1,\"x\"y,3\n4,5,6\n", 2, "b", ErrQuote, 1},
		{"open at the end", head + "1,2,\"3\n", 2, "c", ErrQuote, 0},
		{"header quote", "a,\"b\nc,d\n", 1, "column 2", ErrQuote, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := readCSV(strings.NewReader(tc.in))
			if tc.name == "header quote" {
				checkOneError(t, got.errs, tc.line, tc.field, tc.cause)
				return
			}
			checkOneError(t, got.errs[:min(1, len(got.errs))], tc.line, tc.field, tc.cause)
			if len(got.recs)-1 < tc.records {
				t.Fatalf("records %q: good rows lost", got.recs)
			}
		})
	}
}

func TestCSVSpanWithinBounds(t *testing.T) {
	// A quoted field of 5,000 short lines is one field while it fits in MaxLineBytes.
	body := strings.Repeat("text line\n", 5000)
	in := "id,note\n1,\"" + body + "end\"\n2,x\n"
	got := readCSV(strings.NewReader(in))
	if len(got.errs) != 0 || len(got.recs) != 3 || got.recs[1][1] != body+"end" || got.line[2] != 5003 {
		t.Fatalf("%d records, errors %v", len(got.recs), got.errs)
	}
}

func TestCSVSpanTooLong(t *testing.T) {
	// An open quote followed by 2 MiB of rows: the record would pass MaxLineBytes, so line 2 is
	// an error and every row after it is read.
	var b strings.Builder
	b.WriteString("id,note\n1,\"open\n")
	rows := 2 * MaxLineBytes / 10
	for range rows {
		b.WriteString("12345,row\n")
	}
	got := readCSV(strings.NewReader(b.String()))
	checkOneError(t, got.errs, 2, "note", ErrQuote)
	if !errors.Is(got.errs[0], ErrLineTooLong) {
		t.Errorf("error %v does not wrap ErrLineTooLong", got.errs[0])
	}
	if len(got.recs)-1 != rows {
		t.Fatalf("%d rows read, want %d", len(got.recs)-1, rows)
	}
}

func TestCSVLongLineMemory(t *testing.T) {
	// 32 MiB in one line, quoted or not, is one error; what is allocated stays a small multiple
	// of the bound (the line buffer grows to MaxLineBytes once), not of the line.
	for _, quote := range []string{"", "\""} {
		in := io.MultiReader(strings.NewReader("a,b\n1,"+quote),
			io.LimitReader(repeatReader('x'), 32<<20), strings.NewReader("\n2,3\n"))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := readCSV(in)
		runtime.ReadMemStats(&after)
		checkOneError(t, got.errs, 2, "", ErrLineTooLong)
		if len(got.recs) != 2 || got.recs[1][0] != "2" {
			t.Fatalf("records %q", got.recs)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*MaxLineBytes {
			t.Errorf("quote %q: allocated %d bytes for a 32 MiB line, want at most %d", quote, alloc, 5*MaxLineBytes)
		}
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestCSVEmptyAndReadError(t *testing.T) {
	if got := readCSV(strings.NewReader("")); len(got.recs)+len(got.errs) != 0 {
		t.Fatalf("empty input gave %v", got)
	}
	boom := errors.New("disk on fire")
	got := readCSV(io.MultiReader(strings.NewReader("a,b\n1,2\n"), iotest.ErrReader(boom)))
	if len(got.recs) != 2 || len(got.errs) != 1 || !errors.Is(got.errs[0], boom) {
		t.Fatalf("got %v", got)
	}
}

// FuzzCSV checks that the reader never panics, numbers records in order, and agrees with
// encoding/csv on every input that encoding/csv reads without error and that stays within this
// reader's bounds (header on one line, multi-line records of the header's width).
func FuzzCSV(f *testing.F) {
	f.Add("a,b\n1,\"x\ny\"\n\"q\"\"\",\n")
	f.Add("a,b\n1,\"open\n2,3\n")
	f.Add("\ufeffa\r\n\"\"\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		got := readCSV(strings.NewReader(in))
		for i := 1; i < len(got.line); i++ {
			if got.line[i] <= got.line[i-1] {
				t.Fatalf("record lines out of order: %v", got.line)
			}
		}
		for _, err := range got.errs {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("non-row error %v", err)
			}
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(in, "\ufeff")))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		if err != nil || len(want) == 0 {
			return
		}
		for i, rec := range want {
			multi := slices.ContainsFunc(rec, func(s string) bool { return strings.Contains(s, "\n") })
			if multi && (i == 0 || len(rec) != len(want[0])) {
				return
			}
		}
		if len(got.errs) != 0 || !slices.EqualFunc(got.recs, want, slices.Equal) {
			t.Fatalf("input %q\ngot %q errors %v\nencoding/csv %q", in, got.recs, got.errs, want)
		}
	})
}

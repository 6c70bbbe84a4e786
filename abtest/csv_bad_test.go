package abtest

import (
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

const aggHeader = "experiment,variant,metric,units,sum,sum_squares,den_sum,den_sum_squares,cross_sum,pre_sum,pre_sum_squares,pre_cross_sum\n"

func checkOneRowError(t *testing.T, errs []error, line int, field string, cause error) {
	t.Helper()
	if len(errs) != 1 {
		t.Fatalf("%d errors %v, want one", len(errs), errs)
	}
	var re *RowError
	if !errors.As(errs[0], &re) || re.Line != line || re.Field != field || !errors.Is(errs[0], cause) {
		t.Fatalf("error %v, want line %d field %q cause %v", errs[0], line, field, cause)
	}
}

// The probe's file: line 2 opens a quote it never closes, 100 good rows follow. Before, all 100
// were read into line 2's field and lost.
func TestReadAggregatesStrayQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString(aggHeader)
	b.WriteString("checkout,\"control,aov,400,47979.93,10131703.2613,,,,,,\n")
	for i := range 100 {
		b.WriteString("checkout,v" + strconv.Itoa(i) + ",revenue,400,47979.93,10131703.2613,,,,,,\n")
	}
	rows, errs := readAll(t, b.String())
	if len(rows) != 100 || rows[0].Variant != "v0" || rows[99].Variant != "v99" {
		t.Fatalf("read %d rows, want 100", len(rows))
	}
	checkOneRowError(t, errs, 2, "variant", textio.ErrQuote)
}

// Before, a 512 MB field was held whole (2.1 GB peak).
func TestReadAggregatesLongLine(t *testing.T) {
	for _, open := range []string{"", "\""} {
		in := io.MultiReader(strings.NewReader(aggHeader+"e,"+open),
			io.LimitReader(strings.NewReader(strings.Repeat("9", 16<<20)), 16<<20),
			strings.NewReader("\ne,b,m,5,1,1,,,,,,\n"))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var rows []Row
		var errs []error
		for r, err := range ReadAggregates(in) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rows = append(rows, r)
		}
		runtime.ReadMemStats(&after)
		checkOneRowError(t, errs, 2, "", textio.ErrLineTooLong)
		if len(rows) != 1 || rows[0].Variant != "b" {
			t.Fatalf("rows %+v", rows)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 5*textio.MaxLineBytes {
			t.Errorf("quote %q: allocated %d bytes reading a 16 MiB line, want at most %d", open, alloc, 5*textio.MaxLineBytes)
		}
	}
}

// TestReadAggregatesExtremes puts NaN, infinities and the extreme magnitudes in every numeric
// field, with the exact outcome for each.
func TestReadAggregatesExtremes(t *testing.T) {
	fields := []string{"units", "sum", "sum_squares", "den_sum", "den_sum_squares", "cross_sum", "pre_sum", "pre_sum_squares", "pre_cross_sum"}
	for _, field := range fields {
		squares := strings.Contains(field, "squares") || strings.Contains(field, "cross")
		for _, tc := range []struct {
			value string
			cause error // nil: accepted
		}{
			{"NaN", textio.ErrNumber},
			{"Inf", textio.ErrNumber},
			{"-Inf", textio.ErrNumber},
			{"1e308", textio.ErrRange},
			{"5e-324", nil},
			{"9007199254740992", textio.ErrRange}, // 2^53
			{"4611686018427387904", textio.ErrRange},
			{"1e15", nil},
			{"1e31", textio.ErrRange},
		} {
			cause := tc.cause
			switch {
			case field == "units" && (cause == textio.ErrNumber || tc.value == "1e308" || tc.value == "5e-324" || tc.value == "1e31"):
				cause = textio.ErrInteger
			case field == "units" && tc.value == "9007199254740992":
				cause = nil // 2^53 units is the bound, inclusive
			case squares && cause == textio.ErrRange && tc.value != "1e308" && tc.value != "1e31":
				cause = nil // sums of squares may reach MaxMagnitude^2
			}
			t.Run(field+"="+tc.value, func(t *testing.T) {
				vals := map[string]string{"units": "10", "sum": "1", "sum_squares": "5"}
				if strings.HasPrefix(field, "den") || field == "cross_sum" {
					vals["den_sum"], vals["den_sum_squares"], vals["cross_sum"] = "3", "9", "2"
				}
				if strings.HasPrefix(field, "pre") {
					vals["pre_sum"], vals["pre_sum_squares"], vals["pre_cross_sum"] = "3", "9", "2"
				}
				vals[field] = tc.value
				var row strings.Builder
				row.WriteString("e1,v1,m1")
				for _, f := range fields {
					row.WriteString("," + vals[f])
				}
				rows, errs := readAll(t, aggHeader+"ok,a,m,5,1,1,,,,,,\n"+row.String()+"\r\nok,b,m,5,1,1,,,,,,\n")
				if cause == nil {
					if len(errs) != 0 || len(rows) != 3 {
						t.Fatalf("rows %d errors %v, want the row accepted", len(rows), errs)
					}
					return
				}
				checkOneRowError(t, errs, 3, field, cause)
				if len(rows) != 2 {
					t.Fatalf("good rows lost: %d", len(rows))
				}
			})
		}
	}
}

// TestReadAggregatesFileShapes: empty input and bad headers are header errors (wrapping
// textio.ErrHeader), told apart from a bad row; header only, CRLF and a byte-order mark read.
func TestReadAggregatesFileShapes(t *testing.T) {
	const good = "e,a,m,5,1,1,,,,,,\n"
	for _, tc := range []struct {
		name, in  string
		rows      int
		headerErr bool
	}{
		{"empty", "", 0, true},
		{"blank lines only", "\n\n", 0, true},
		{"header only", aggHeader, 0, false},
		{"CRLF", strings.ReplaceAll(aggHeader+good+good, "\n", "\r\n"), 2, false},
		{"BOM", "\ufeff" + aggHeader + good, 1, false},
		{"BOM and a quoted first name", "\ufeff\"experiment\"" + strings.TrimPrefix(aggHeader, "experiment") + good, 1, false},
		{"wrong header", "exp,variant,metric,units,sum,sum_squares\n" + good, 0, true},
		{"data first", good + good, 0, true},
		{"header with an open quote", "experiment,\"variant,metric,units,sum,sum_squares\n" + good, 0, true},
		{"header longer than MaxLineBytes", strings.Repeat("x", textio.MaxLineBytes+1) + "\n" + good, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := readAll(t, tc.in)
			if tc.headerErr {
				if len(errs) != 1 || !errors.Is(errs[0], textio.ErrHeader) || len(rows) != 0 {
					t.Fatalf("rows %d errors %v, want one header error", len(rows), errs)
				}
				return
			}
			if len(errs) != 0 || len(rows) != tc.rows {
				t.Fatalf("rows %d errors %v, want %d rows", len(rows), errs, tc.rows)
			}
		})
	}
	_, errs := readAll(t, aggHeader+"e,a,m,five,1,1,,,,,,\n")
	if len(errs) != 1 || errors.Is(errs[0], textio.ErrHeader) {
		t.Fatalf("a bad row: errors %v", errs)
	}
}

// FuzzReadAggregatesBounds: every accepted row is within the documented bounds.
func FuzzReadAggregatesBounds(f *testing.F) {
	f.Add(aggHeader + "e,a,m,5,1,1,,,,,,\ne,\"b\nx\",m,5,1,1,,,,,,\n")
	f.Add("experiment,variant,metric,units,sum,sum_squares\ne,a,m,1e308,NaN,\"1\n")
	f.Fuzz(func(t *testing.T, in string) {
		for r, err := range ReadAggregates(strings.NewReader(in)) {
			if err != nil {
				continue
			}
			for _, v := range []float64{r.Sum, r.SumSquares, r.DenSum, r.DenSumSquares, r.CrossSum, r.PreSum, r.PreSumSquares, r.PreCrossSum} {
				if !(v >= -maxSquares && v <= maxSquares) {
					t.Fatalf("accepted %v in %+v", v, r)
				}
			}
			if r.Units < 0 || r.Units > maxUnits || r.SumSquares < 0 || r.Experiment == "" || r.Variant == "" || r.Metric == "" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

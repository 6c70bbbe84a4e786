package abtest

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/tailorkit/tailor/internal/stat"
	"github.com/tailorkit/tailor/internal/textio"
)

// RowError is the error a reader yields for a bad row: line, field, value and cause. It is
// the module's shared row error (an alias), so errors.As works without importing internal
// packages.
type RowError = textio.RowError

// Row is one line of an experiment aggregates file: the sufficient statistics of one metric in
// one variant of one experiment, as a SQL GROUP BY returns them.
type Row struct {
	Experiment, Variant, Metric string
	// Units, Sum and SumSquares are the per-unit metric's moments. For a ratio metric they
	// are the numerator's.
	Units           int64
	Sum, SumSquares float64
	// Ratio is true when the row has the denominator columns (a ratio metric such as AOV).
	Ratio                           bool
	DenSum, DenSumSquares, CrossSum float64
	// CUPED is true when the row has the pre-period columns.
	CUPED                              bool
	PreSum, PreSumSquares, PreCrossSum float64
}

// Moments returns the row's (numerator) moments.
func (r Row) Moments() Moments { return Moments{N: r.Units, Sum: r.Sum, SumSquares: r.SumSquares} }

// RatioMoments returns the row as a ratio metric.
func (r Row) RatioMoments() RatioMoments {
	return stat.FromSums(r.Units, r.Sum, r.SumSquares, r.DenSum, r.DenSumSquares, r.CrossSum)
}

// WithRatio returns the row with its metric columns set from the ratio moments m (Units, the
// numerator's Sum and SumSquares, Ratio and the denominator columns): the inverse of
// RatioMoments up to rounding, for a host that accumulates with RatioMoments.Add and writes
// or analyzes aggregate rows.
func (r Row) WithRatio(m RatioMoments) Row {
	n := float64(m.N)
	r.Units, r.Sum, r.SumSquares = m.N, m.SumNum(), m.Cnn+n*m.MeanNum*m.MeanNum
	r.Ratio, r.DenSum, r.DenSumSquares, r.CrossSum = true, m.SumDen(), m.Cdd+n*m.MeanDen*m.MeanDen, m.Cnd+n*m.MeanNum*m.MeanDen
	return r
}

// CUPEDMoments returns the row with its pre-period covariate.
func (r Row) CUPEDMoments() CUPEDMoments {
	return CUPEDMoments{N: r.Units, Post: r.Sum, PostSquares: r.SumSquares, Pre: r.PreSum, PreSquares: r.PreSumSquares, CrossProduct: r.PreCrossSum}
}

// Column names of the aggregates CSV.
var (
	requiredColumns = []string{"experiment", "variant", "metric", "units", "sum", "sum_squares"}
	ratioColumns    = []string{"den_sum", "den_sum_squares", "cross_sum"}
	cupedColumns    = []string{"pre_sum", "pre_sum_squares", "pre_cross_sum"}
)

// ReadAggregates reads an experiment aggregates CSV (RFC 4180) with a header row naming at
// least experiment,variant,metric,units,sum,sum_squares in any order, optionally all three of
// den_sum,den_sum_squares,cross_sum (ratio metrics) and all three of
// pre_sum,pre_sum_squares,pre_cross_sum (CUPED). Within a row the optional groups are either
// all empty (the metric is not a ratio / has no covariate) or all present. Unknown columns are
// ignored; a column named twice, or only part of an optional group, is a header error.
//
// Like the module's other readers it yields (row, nil) for a good row and (Row{}, err) for a
// bad one and goes on; err is a *RowError (line, field, value) wrapped in a message naming the
// experiment, variant and metric. A bad header, an empty input and an I/O error end the
// sequence; a header error wraps textio.ErrHeader, so it can be told from a bad row.
//
// Bounds: units is an integer in [0, 2^53] (exact as a float64); sums (sum, den_sum, pre_sum)
// are finite numbers of magnitude at most textio.MaxMagnitude, and sums of squares and cross
// sums at most MaxMagnitude^2 (1e30), so every statistic computed from them stays finite; sums
// of squares below 0 are errors. A value outside its bound is a RowError wrapping
// textio.ErrRange. The file is read with textio.CSV: a line longer than textio.MaxLineBytes is
// a bad row, and a quoted field not closed within that bound and the header's width is a bad
// row for the line it opens on, after which reading resumes at the next line, so a stray quote
// never swallows the good rows after it and memory stays bounded.
func ReadAggregates(r io.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		var col map[string]int
		var hasRatio, hasCUPED bool
		header := true
		for rec, err := range textio.CSV(r) {
			if err != nil {
				var re *textio.RowError
				if !errors.As(err, &re) {
					yield(Row{}, fmt.Errorf("abtest: reading aggregates: %w", err))
					return
				}
				if header {
					yield(Row{}, fmt.Errorf("abtest: aggregates header: %w",
						textio.NewRowError(re.Line, re.Field, re.Value, fmt.Errorf("%w: %w", textio.ErrHeader, re.Err))))
					return
				}
				if !yield(Row{}, withContext(err, "aggregates")) {
					return
				}
				continue
			}
			if header {
				header = false
				if col, hasRatio, hasCUPED, err = parseHeader(rec.Fields); err != nil {
					yield(Row{}, err)
					return
				}
				continue
			}
			row, err := parseRow(rec.Fields, col, rec.Line, hasRatio, hasCUPED)
			if !yield(row, err) {
				return
			}
		}
		if header {
			yield(Row{}, fmt.Errorf("abtest: aggregates header: %w", textio.NewRowError(1, "", "", fmt.Errorf("%w: empty input", textio.ErrHeader))))
		}
	}
}

// Bounds of the aggregates' numbers (see ReadAggregates).
const (
	maxUnits   = 1 << 53
	maxSum     = textio.MaxMagnitude
	maxSquares = textio.MaxMagnitude * textio.MaxMagnitude
)

// parseHeader maps column names to indexes. A missing required column, a column named twice,
// or an optional group with only some of its columns is an error: each would otherwise read
// the wrong numbers or analyse a ratio metric as a plain mean without a word.
func parseHeader(header []string) (col map[string]int, hasRatio, hasCUPED bool, err error) {
	joined := strings.Join(header, ",")
	headerErr := func(c, why string) error {
		return fmt.Errorf("abtest: aggregates header: %s: %w", why, textio.NewRowError(1, c, joined, textio.ErrHeader))
	}
	col = map[string]int{}
	for i, h := range header {
		c := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[c]; dup && c != "" {
			return nil, false, false, headerErr(c, fmt.Sprintf("column %q appears twice", c))
		}
		col[c] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			return nil, false, false, headerErr(c, fmt.Sprintf("missing column %q", c))
		}
	}
	group := func(names []string, what string) (bool, error) {
		var missing []string
		for _, c := range names {
			if _, ok := col[c]; !ok {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 && len(missing) < len(names) {
			return false, headerErr(missing[0], fmt.Sprintf("%s needs all of %s; missing %s", what,
				strings.Join(names, ","), strings.Join(missing, ",")))
		}
		return len(missing) == 0, nil
	}
	if hasRatio, err = group(ratioColumns, "a ratio metric"); err != nil {
		return nil, false, false, err
	}
	if hasCUPED, err = group(cupedColumns, "CUPED"); err != nil {
		return nil, false, false, err
	}
	return col, hasRatio, hasCUPED, nil
}

func parseRow(rec []string, col map[string]int, line int, hasRatio, hasCUPED bool) (Row, error) {
	get := func(name string) (string, bool) {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return "", false
		}
		return rec[i], true
	}
	var row Row
	row.Experiment, _ = get("experiment")
	row.Variant, _ = get("variant")
	row.Metric, _ = get("metric")
	row.Experiment, row.Variant, row.Metric = strings.TrimSpace(row.Experiment), strings.TrimSpace(row.Variant), strings.TrimSpace(row.Metric)
	wrap := func(err error) error {
		return withContext(err, "experiment %q variant %q metric %q", row.Experiment, row.Variant, row.Metric)
	}
	for _, c := range []string{"experiment", "variant", "metric"} {
		v, ok := get(c)
		if !ok {
			return Row{}, wrap(textio.NewRowError(line, c, "", textio.ErrColumns))
		}
		if strings.TrimSpace(v) == "" {
			return Row{}, wrap(textio.NewRowError(line, c, v, textio.ErrMissing))
		}
	}
	num := func(name string, dst *float64, nonNeg bool) error {
		v, ok := get(name)
		if !ok {
			return textio.NewRowError(line, name, "", textio.ErrColumns)
		}
		bound := float64(maxSum)
		if strings.Contains(name, "squares") || strings.Contains(name, "cross") {
			bound = maxSquares
		}
		f, err := textio.FloatIn(line, name, v, bound)
		if err != nil {
			return err
		}
		if nonNeg && f < 0 {
			return textio.NewRowError(line, name, v, fmt.Errorf("%w: negative", ErrInvalidInput))
		}
		*dst = f
		return nil
	}
	u, ok := get("units")
	if !ok {
		return Row{}, wrap(textio.NewRowError(line, "units", "", textio.ErrColumns))
	}
	units, err := textio.IntIn(line, "units", u, maxUnits)
	if err != nil {
		return Row{}, wrap(err)
	}
	if units < 0 {
		return Row{}, wrap(textio.NewRowError(line, "units", u, fmt.Errorf("%w: negative count", ErrInvalidInput)))
	}
	row.Units = units
	if err := num("sum", &row.Sum, false); err != nil {
		return Row{}, wrap(err)
	}
	if err := num("sum_squares", &row.SumSquares, true); err != nil {
		return Row{}, wrap(err)
	}
	optional := func(names []string, dsts []*float64, nonNeg []bool) (bool, error) {
		empty := 0
		for _, n := range names {
			if v, _ := get(n); strings.TrimSpace(v) == "" {
				empty++
			}
		}
		if empty == len(names) {
			return false, nil
		}
		for i, n := range names {
			if err := num(n, dsts[i], nonNeg[i]); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	if hasRatio {
		row.Ratio, err = optional(ratioColumns, []*float64{&row.DenSum, &row.DenSumSquares, &row.CrossSum}, []bool{false, true, false})
		if err != nil {
			return Row{}, wrap(err)
		}
	}
	if hasCUPED {
		row.CUPED, err = optional(cupedColumns, []*float64{&row.PreSum, &row.PreSumSquares, &row.PreCrossSum}, []bool{false, true, false})
		if err != nil {
			return Row{}, wrap(err)
		}
	}
	if row.Ratio && row.CUPED {
		return Row{}, wrap(textio.NewRowError(line, "pre_sum", "", fmt.Errorf("%w: a row cannot be both a ratio metric and CUPED", ErrInvalidInput)))
	}
	return row, nil
}

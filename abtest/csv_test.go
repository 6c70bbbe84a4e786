package abtest

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

func readAll(t testing.TB, s string) ([]Row, []error) {
	var rows []Row
	var errs []error
	for r, err := range ReadAggregates(strings.NewReader(s)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rows = append(rows, r)
	}
	return rows, errs
}

func TestReadAggregates(t *testing.T) {
	in := "\ufeffexperiment,variant,metric,units,sum,sum_squares,den_sum,den_sum_squares,cross_sum,pre_sum,pre_sum_squares,pre_cross_sum,note\r\n" +
		"checkout,control,aov,400,47979.93,10131703.2613,895,2471,134537.76,,,,x\r\n" +
		"checkout,treatment,aov,420,55553.52,13265864.1636,1008,3024,169548.35,,,,\r\n" +
		"\"checkout\",\"control\",\"revenue, cuped\",15,282.8,6737.1,,,,283,7959.2,7169.24,\n"
	rows, errs := readAll(t, in)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	want0 := Row{Experiment: "checkout", Variant: "control", Metric: "aov", Units: 400, Sum: 47979.93, SumSquares: 10131703.2613,
		Ratio: true, DenSum: 895, DenSumSquares: 2471, CrossSum: 134537.76}
	if rows[0] != want0 {
		t.Errorf("row 0 %+v", rows[0])
	}
	if r := rows[2]; r.Metric != "revenue, cuped" || !r.CUPED || r.Ratio || r.PreCrossSum != 7169.24 {
		t.Errorf("row 2 %+v", r)
	}
}

// Each bad row is an error naming the experiment, variant, metric and field; good rows
// around it are still read.
func TestReadAggregatesBadRows(t *testing.T) {
	header := "experiment,variant,metric,units,sum,sum_squares,den_sum,den_sum_squares,cross_sum\n"
	for _, c := range []struct {
		name, line, field string
		want              error
	}{
		{"non-number", "e1,v1,m1,10,abc,5,,,", "sum", textio.ErrNumber},
		{"NaN", "e1,v1,m1,10,NaN,5,,,", "sum", textio.ErrNumber},
		{"negative count", "e1,v1,m1,-3,1,5,,,", "units", ErrInvalidInput},
		{"fractional count", "e1,v1,m1,2.5,1,5,,,", "units", textio.ErrInteger},
		{"missing column", "e1,v1,m1,10,1", "sum_squares", textio.ErrColumns},
		{"empty units", "e1,v1,m1,,1,5,,,", "units", textio.ErrMissing},
		{"negative sum of squares", "e1,v1,m1,10,1,-5,,,", "sum_squares", ErrInvalidInput},
		{"partial ratio columns", "e1,v1,m1,10,1,5,3,,", "den_sum_squares", textio.ErrMissing},
		{"empty metric", "e1,v1,,10,1,5,,,", "metric", textio.ErrMissing},
	} {
		rows, errs := readAll(t, header+"ok,a,m,5,1,1,,,\n"+c.line+"\nok,b,m,5,1,1,,,\n")
		if len(rows) != 2 || len(errs) != 1 {
			t.Errorf("%s: %d rows, errors %v", c.name, len(rows), errs)
			continue
		}
		err := errs[0]
		var re *RowError
		if !errors.As(err, &re) || re.Field != c.field || re.Line != 3 || !errors.Is(err, c.want) {
			t.Errorf("%s: %v (want field %q line 3, %v)", c.name, err, c.field, c.want)
		}
		for _, s := range []string{`experiment "e1"`, `variant "v1"`, `metric "`} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not name %s", c.name, err, s)
			}
		}
	}
	// Bad headers end the read with one error naming the column. A duplicate would read the
	// wrong numbers and a partial group would analyse a ratio or CUPED metric as a plain mean.
	const req = "experiment,variant,metric,units,sum,sum_squares"
	for _, h := range []struct{ header, column, why string }{
		{"experiment,variant,units,sum,sum_squares", "metric", `missing column "metric"`},
		{req + ",sum", "sum", `column "sum" appears twice`},
		{req + ",den_sum", "den_sum_squares", "a ratio metric needs all of den_sum,den_sum_squares,cross_sum; missing den_sum_squares,cross_sum"},
		{req + ",pre_sum,pre_sum_squares", "pre_cross_sum", "CUPED needs all of pre_sum,pre_sum_squares,pre_cross_sum; missing pre_cross_sum"},
	} {
		rows, errs := readAll(t, h.header+"\ne,a,m,5,1,1,1,1\n")
		var re *RowError
		if len(rows) != 0 || len(errs) != 1 || !errors.Is(errs[0], textio.ErrHeader) || !errors.As(errs[0], &re) ||
			re.Field != h.column || !strings.Contains(errs[0].Error(), h.why) || !strings.HasPrefix(errs[0].Error(), "abtest: ") {
			t.Errorf("header %q: rows %v, errors %v; want %q naming %q", h.header, rows, errs, h.why, h.column)
		}
	}
	// Unknown columns are ignored.
	if rows, errs := readAll(t, req+",note\ne,a,m,5,1,1,hello\n"); len(rows) != 1 || len(errs) != 0 {
		t.Errorf("unknown column: rows %v, errors %v", rows, errs)
	}
	if _, errs := readAll(t, ""); len(errs) != 1 {
		t.Errorf("empty input: %v", errs)
	}
}

func TestAnalyze(t *testing.T) {
	rows := []Row{
		{Experiment: "e", Variant: "a", Metric: "conv", Units: 500, Sum: 60, SumSquares: 60},
		{Experiment: "e", Variant: "b", Metric: "conv", Units: 1000, Sum: 140, SumSquares: 140},
		// a second shard of variant a: merged
		{Experiment: "e", Variant: "a", Metric: "conv", Units: 500, Sum: 60, SumSquares: 60},
		{Experiment: "e", Variant: "a", Metric: "flat", Units: 1000, Sum: 1000, SumSquares: 1000},
		{Experiment: "e", Variant: "b", Metric: "flat", Units: 1000, Sum: 1000, SumSquares: 1000},
		{Experiment: "f", Variant: "x", Metric: "conv", Units: 100, Sum: 10, SumSquares: 10},
		{Experiment: "f", Variant: "y", Metric: "conv", Units: 160, Sum: 20, SumSquares: 20},
	}
	done := 0
	ro, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{Progress: func(d, total int) { done = d }})
	must(t, err)
	if len(ro.Experiments) != 2 || done != 2 {
		t.Fatalf("%d experiments, progress %d", len(ro.Experiments), done)
	}
	e := ro.Experiments[0]
	if e.Units[0] != 1000 || e.Units[1] != 1000 || e.SRM.PValue != 1 {
		t.Errorf("merged units %v, SRM %+v", e.Units, e.SRM)
	}
	conv := e.Metrics[0].Comparisons[0]
	want, _ := WelchTest(Moments{N: 1000, Sum: 120, SumSquares: 120}, Moments{N: 1000, Sum: 140, SumSquares: 140}, Config{})
	if conv.Absolute != want {
		t.Errorf("conv %+v, want %+v", conv.Absolute, want)
	}
	flat := e.Metrics[1].Comparisons[0]
	if !errors.Is(flat.Err, ErrZeroVariance) || flat.Absolute.PValue != 1 {
		t.Errorf("constant metric kept with its error: %+v", flat)
	}
	// Holm over the experiment's two comparisons: min(1, 2 p) for the smaller, max(...) after.
	if math.Abs(conv.AdjustedPValue-math.Min(1, 2*conv.Absolute.PValue)) > 1e-15 {
		t.Errorf("adjusted %v for p %v", conv.AdjustedPValue, conv.Absolute.PValue)
	}
	if f := ro.Experiments[1]; f.SRM.Checked != true || !(f.SRM.PValue < 0.001) || !f.SRM.Mismatch {
		t.Errorf("f's 100 vs 160 split should be an SRM: %+v", f.SRM)
	}
	// A metric missing a variant, or mixing ratio rows with plain rows, is an error.
	_, err = Analyze(context.Background(), slices.Values(append(rows[:2:2], Row{Experiment: "e", Variant: "a", Metric: "other", Units: 5})), ReadoutConfig{})
	if err == nil || !strings.Contains(err.Error(), `variant "b" metric "other"`) {
		t.Errorf("missing variant: %v", err)
	}
	_, err = Analyze(context.Background(), slices.Values([]Row{rows[0], {Experiment: "e", Variant: "b", Metric: "conv", Units: 5, Ratio: true, DenSum: 1}}), ReadoutConfig{})
	if err == nil {
		t.Errorf("mixed ratio rows accepted")
	}
	if _, err := Analyze(context.Background(), slices.Values([]Row{{Experiment: "e", Metric: "m", Units: 3}}), ReadoutConfig{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("empty variant name: %v", err)
	}
	if _, err := Analyze(context.Background(), slices.Values([]Row{rows[0], {Experiment: "e", Variant: "b", Metric: "conv", Units: -3}}), ReadoutConfig{}); !errors.Is(err, ErrInvalidInput) ||
		!strings.Contains(err.Error(), `experiment "e" variant "b" metric "conv"`) {
		t.Errorf("negative units: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, slices.Values(rows), ReadoutConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{PlannedWeights: map[string][]float64{"e": {1}}}); !errors.Is(err, ErrWeights) {
		t.Errorf("bad planned weights: %v", err)
	}
}

func TestCompare(t *testing.T) {
	a := Moments{N: 3407, Sum: 1396.87, SumSquares: 52377.9767}
	b := Moments{N: 3461, Sum: 2422.7, SumSquares: 134698.29}
	c, err := Compare(a, b, Config{})
	must(t, err)
	// Oracles gb-welch-abs-two-sided and gb-welch-rel-two-sided (gbstats test_tests.py).
	if !closeRel(c.Absolute.PValue, 0.020158402643586957, 1e-7) || !closeRel(c.Relative.Estimate, 0.7073170731707317, 1e-9) {
		t.Errorf("%+v", c)
	}
	// Chance to win is Phi(est/se) = Phi(2.3240227609215203) = 0.98994 (normal table).
	if math.Abs(c.ChanceToWin-0.98994) > 1e-5 {
		t.Errorf("chance to win %v", c.ChanceToWin)
	}
	if _, err := Compare(a, b, Config{Alpha: 2}); !errors.Is(err, ErrInvalidAlpha) {
		t.Errorf("alpha 2: %v", err)
	}
	z, err := Compare(Moments{N: 50, SumSquares: 200}, Moments{N: 50, Sum: 10, SumSquares: 210}, Config{})
	if !errors.Is(err, ErrZeroBaseline) || !errors.Is(z.Err, ErrZeroBaseline) || z.Absolute.PValue == 1 || z.Relative.PValue != 1 ||
		!(z.Absolute.SE > 0) || z.Relative != defaultEffect() {
		t.Errorf("zero baseline keeps the absolute test: %+v %v", z, err)
	}
}

func TestAnalyzeOneSided(t *testing.T) {
	rows := []Row{
		{Experiment: "e", Variant: "a", Metric: "m", Units: 1000, Sum: 120, SumSquares: 120},
		{Experiment: "e", Variant: "b", Metric: "m", Units: 1000, Sum: 140, SumSquares: 140},
	}
	two, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{})
	must(t, err)
	one, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{Alternative: Greater})
	must(t, err)
	p2 := two.Experiments[0].Metrics[0].Comparisons[0].Absolute.PValue
	c1 := one.Experiments[0].Metrics[0].Comparisons[0].Absolute
	// For a positive effect the one-sided p-value is half the two-sided one.
	if !closeRel(c1.PValue, p2/2, 1e-12) || !math.IsInf(c1.Upper, 1) {
		t.Errorf("one-sided %+v, two-sided p %v", c1, p2)
	}
	if _, err := Analyze(context.Background(), slices.Values(rows), ReadoutConfig{Alternative: 9}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("bad alternative: %v", err)
	}
}

package abtest

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// units builds a scored population from scikit-uplift's three arrays.
func units(y, score []float64, t []int) []ScoredUnit {
	out := make([]ScoredUnit, len(y))
	for i := range y {
		out[i] = ScoredUnit{Score: score[i], Treated: t[i] == 1, Outcome: y[i]}
	}
	return out
}

func closeSlice(a, b []float64, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

func checkCurve(t *testing.T, name string, got Curve, err error, x, y []float64) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !closeSlice(got.X, x, 1e-12) || !closeSlice(got.Y, y, 1e-12) {
		t.Errorf("%s = %v, %v; want %v, %v", name, got.X, got.Y, x, y)
	}
}

// scikit-uplift's own test suite, sklift/tests/test_metrics.py (maks-sh/scikit-uplift):
// make_predictions(binary=True) gives y_val = [0, 1, 0], treat_val = [0, 1, 1] and a SoloModel
// whose three predictions tie (its curves have only the end point, (0, 0) - (3, .)).
var skliftY, skliftScore, skliftT = []float64{0, 1, 0}, []float64{0.5, 0.5, 0.5}, []int{0, 1, 1}

func TestUpliftMetricsSkliftTestSuite(t *testing.T) {
	u := units(skliftY, skliftScore, skliftT)
	c, err := UpliftCurve(slices.Values(u)) // test_uplift_curve(binary=True)
	checkCurve(t, "uplift_curve", c, err, []float64{0, 3}, []float64{0, 1.5})
	c, err = PerfectUpliftCurve(slices.Values(u)) // test_perfect_uplift_curve(binary=True)
	checkCurve(t, "perfect_uplift_curve", c, err, []float64{0, 1, 2, 3}, []float64{0, 1, 2, 1.5})
	c, err = QiniCurve(slices.Values(u)) // test_qini_curve(binary=True)
	checkCurve(t, "qini_curve", c, err, []float64{0, 3}, []float64{0, 1})
	c, err = PerfectQiniCurve(slices.Values(u), true) // test_perfect_qini_curve(True, True)
	checkCurve(t, "perfect_qini_curve(neg)", c, err, []float64{0, 1, 3}, []float64{0, 1, 1})
	c, err = PerfectQiniCurve(slices.Values(u), false) // test_perfect_qini_curve(True, False)
	checkCurve(t, "perfect_qini_curve(no neg)", c, err, []float64{0, 1, 3}, []float64{0, 1, 1})

	// test_qini_curve_hard / test_uplift_curve_hard: all outcomes 0, then all 1.
	for _, y := range [][]float64{{0, 0, 0}, {1, 1, 1}} {
		c, err = QiniCurve(slices.Values(units(y, skliftScore, skliftT)))
		checkCurve(t, "qini_curve hard", c, err, []float64{0, 3}, []float64{0, 0})
		c, err = UpliftCurve(slices.Values(units(y, skliftScore, skliftT)))
		checkCurve(t, "uplift_curve hard", c, err, []float64{0, 3}, []float64{0, 0})
	}
	// test_perfect_uplift_curve_hard and test_perfect_qini_curve_hard.
	c, err = PerfectUpliftCurve(slices.Values(units([]float64{0, 0, 0}, skliftScore, skliftT)))
	checkCurve(t, "perfect_uplift_curve zeros", c, err, []float64{0, 1, 3}, []float64{0, 0, 0})
	c, err = PerfectUpliftCurve(slices.Values(units([]float64{1, 1, 1}, skliftScore, skliftT)))
	checkCurve(t, "perfect_uplift_curve ones", c, err, []float64{0, 2, 3}, []float64{0, 2, 0})
	c, err = PerfectQiniCurve(slices.Values(units([]float64{0, 0, 0}, skliftScore, skliftT)), true)
	checkCurve(t, "perfect_qini_curve zeros", c, err, []float64{0, 3}, []float64{0, 0})
	c, err = PerfectQiniCurve(slices.Values(units([]float64{0, 0, 0}, skliftScore, skliftT)), false)
	checkCurve(t, "perfect_qini_curve zeros no neg", c, err, []float64{0, 0, 3}, []float64{0, 0, 0})
	c, err = PerfectQiniCurve(slices.Values(units([]float64{1, 1, 1}, skliftScore, skliftT)), true)
	checkCurve(t, "perfect_qini_curve ones", c, err, []float64{0, 2, 3}, []float64{0, 2, 0})
	c, err = PerfectQiniCurve(slices.Values(units([]float64{1, 1, 1}, skliftScore, skliftT)), false)
	checkCurve(t, "perfect_qini_curve ones no neg", c, err, []float64{0, 0, 3}, []float64{0, 0, 0})

	// test_uplift_at_k: by_group, k = 1 (an integer count) is 0. The treated tie; in
	// scikit-uplift's order (reverse input order on ties) the first treated is unit 3 (y = 0),
	// so this case also pins the tie order: input order would give 1.
	if got, err := UpliftAtCount(slices.Values(u), 1, ByGroup); err != nil || got != 0 {
		t.Errorf("uplift_at_k(by_group, k=1) = %v, %v; want 0", got, err)
	}
	// test_response_rate_by_percentile / test_uplift_by_percentile with bins = 1: n_treatment 2,
	// n_control 1, rates 0.5 and 0, uplift 0.5, std_treatment 0.353553 (sqrt(.5 .5/2)), the
	// same total row; test_weighted_average_uplift: 0.5 (both strategies).
	for _, s := range []UpliftStrategy{Overall, ByGroup} {
		p, err := UpliftByPercentile(slices.Values(u), 1, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range []PercentileRow{p.Bins[0], p.Total} {
			got := []float64{float64(row.NTreatment), float64(row.NControl), row.ResponseRateTreatment,
				row.ResponseRateControl, row.Uplift, row.StdTreatment, row.StdControl, row.StdUplift}
			if !closeSlice(got, []float64{2, 1, 0.5, 0, 0.5, 0.353553, 0, 0.353553}, 1e-6) {
				t.Errorf("%v uplift_by_percentile(bins=1) = %v", s, got)
			}
		}
		if w, err := WeightedAverageUplift(slices.Values(u), 1, s); err != nil || w != 0.5 {
			t.Errorf("%v weighted_average_uplift = %v, %v; want 0.5", s, w, err)
		}
	}
}

// TestQiniAUCScoreSkliftTestSuite: test_qini_auc_score and test_uplift_auc_score of
// scikit-uplift's test suite (the last two cases have an outcome 2, from the version that did
// not yet require binary outcomes; the formulas are the same).
func TestQiniAUCScoreSkliftTestSuite(t *testing.T) {
	for _, tc := range []struct {
		y     []float64
		score []float64
		t     []int
		qini  float64
		auuc  float64
	}{
		{[]float64{1, 1}, []float64{0.1, 0.3}, []int{0, 1}, 1, 1},
		{[]float64{1, 1}, []float64{0.1, 0.3}, []int{1, 0}, 0, -1},
		{[]float64{0, 1}, []float64{0.1, 0.3}, []int{1, 0}, 1, 0},
		{[]float64{1, 0}, []float64{0.1, 0.3}, []int{0, 1}, 1, 1},
		{[]float64{0, 1, 2}, []float64{0.1, 0.3, 0.9}, []int{0, 1, 0}, -0.5, -1.333333},
		{[]float64{0, 1, 2}, []float64{0.1, 0.3, 0.9}, []int{1, 0, 1}, 0.75, 1.333333},
	} {
		u := units(tc.y, tc.score, tc.t)
		q, err := QiniAUCScore(slices.Values(u), true)
		if err != nil || math.Abs(q-tc.qini) > 1e-6 {
			t.Errorf("qini_auc_score(%v, %v, %v) = %v, %v; want %v", tc.y, tc.score, tc.t, q, err, tc.qini)
		}
		a, err := UpliftAUCScore(slices.Values(u))
		if err != nil || math.Abs(a-tc.auuc) > 1e-6 {
			t.Errorf("uplift_auc_score(%v, %v, %v) = %v, %v; want %v", tc.y, tc.score, tc.t, a, err, tc.auuc)
		}
	}
}

// hand8 is worked by hand from scikit-uplift's and Radcliffe's (2007) definitions and checked
// with abtest/testdata/sklift_metrics.py (case "hand8"). Ranked by score, units 1..8 are
// (treated, outcome): (t,1) (c,0) (t,1) (c,1) (t,0) (c,0) (t,0) (c,1). Cumulatively:
//
//	n      1  2  3  4  5    6  7    8
//	n_t    1  1  2  2  3    3  4    4
//	y_t    1  1  2  2  2    2  2    2
//	n_c    0  1  1  2  2    3  3    4
//	y_c    0  0  0  1  1    1  1    2
//	Qini   1  1  2  1  1/2  1  2/3  0     y_t - y_c n_t/n_c
//	Uplift 1  2  3  2  5/6  2  7/6  0     (y_t/n_t - y_c/n_c) n
//
// Qini area (trapezoids) 43/6. Perfect Qini (negative effects): oracle y t - y (1 - t) ranks
// the two treated responders, then the four non-responders, then the two control responders:
// points (2, 2), (6, 2), (8, 0), area 12; the random line ends at (8, 0), area 0; so the Qini
// coefficient is (43/6)/12 = 43/72. Without negative effects the overall incremental outcome
// is 2 - 4*2/4 = 0, the perfect curve is flat: no score (ErrNoUplift; scikit-uplift divides by
// zero). Uplift area 12, perfect uplift curve (0,0) (2,2) (4,4) (6,3) (8,0), area 18: 2/3.
var hand8 = units([]float64{1, 0, 1, 1, 0, 0, 0, 1}, []float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2}, []int{1, 0, 1, 0, 1, 0, 1, 0})

// ties10 has tied scores and a treated non-responder ranked first (sklift_metrics.py "ties10").
var ties10 = units([]float64{0, 1, 1, 0, 1, 0, 0, 1, 1, 0}, []float64{3, 3, 2, 2, 2, 1, 1, 1, 0, 0}, []int{1, 1, 0, 1, 1, 0, 1, 0, 1, 0})

func TestUpliftMetricsWorkedCases(t *testing.T) {
	c, err := QiniCurve(slices.Values(hand8))
	checkCurve(t, "hand8 qini", c, err, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}, []float64{0, 1, 1, 2, 1, 0.5, 1, 2.0 / 3, 0})
	c, err = PerfectQiniCurve(slices.Values(hand8), true)
	checkCurve(t, "hand8 perfect qini", c, err, []float64{0, 2, 6, 8}, []float64{0, 2, 2, 0})
	c, err = UpliftCurve(slices.Values(hand8))
	checkCurve(t, "hand8 uplift", c, err, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8}, []float64{0, 1, 2, 3, 2, 5.0 / 6, 2, 7.0 / 6, 0})
	c, err = PerfectUpliftCurve(slices.Values(hand8))
	checkCurve(t, "hand8 perfect uplift", c, err, []float64{0, 2, 4, 6, 8}, []float64{0, 2, 4, 3, 0})
	if q, err := QiniAUCScore(slices.Values(hand8), true); err != nil || math.Abs(q-43.0/72) > 1e-15 {
		t.Errorf("hand8 qini_auc_score = %v, %v; want 43/72", q, err)
	}
	if q, err := QiniAUCScore(slices.Values(hand8), false); !errors.Is(err, ErrNoUplift) || q != 0 {
		t.Errorf("hand8 qini_auc_score(no negative effect) = %v, %v; want 0, ErrNoUplift", q, err)
	}
	if a, err := UpliftAUCScore(slices.Values(hand8)); err != nil || math.Abs(a-2.0/3) > 1e-15 {
		t.Errorf("hand8 uplift_auc_score = %v, %v; want 2/3", a, err)
	}

	c, err = QiniCurve(slices.Values(ties10))
	checkCurve(t, "ties10 qini", c, err, []float64{0, 2, 5, 8, 10}, []float64{0, 1, -2, -4.0 / 3, 0})
	c, err = PerfectQiniCurve(slices.Values(ties10), true)
	checkCurve(t, "ties10 perfect qini", c, err, []float64{0, 3, 8, 10}, []float64{0, 3, 3, 0})
	c, err = UpliftCurve(slices.Values(ties10))
	checkCurve(t, "ties10 uplift", c, err, []float64{0, 2, 5, 8, 10}, []float64{0, 1, -2.5, -32.0 / 15, 0})
	c, err = PerfectUpliftCurve(slices.Values(ties10))
	checkCurve(t, "ties10 perfect uplift", c, err, []float64{0, 3, 5, 8, 10}, []float64{0, 3, 5, 4, 0})
	// sklift_metrics.py: qini_auc_score -0.30370370370370375, uplift_auc_score -0.34444444444444439.
	if q, err := QiniAUCScore(slices.Values(ties10), true); err != nil || math.Abs(q - -0.30370370370370375) > 1e-15 {
		t.Errorf("ties10 qini_auc_score = %v, %v", q, err)
	}
	if a, err := UpliftAUCScore(slices.Values(ties10)); err != nil || math.Abs(a - -0.34444444444444439) > 1e-15 {
		t.Errorf("ties10 uplift_auc_score = %v, %v", a, err)
	}

	// uplift_at_k from sklift_metrics.py; NaN there (no control unit in the top 3) is
	// ErrTooFewUnits here.
	for _, tc := range []struct {
		name  string
		u     []ScoredUnit
		k     float64
		s     UpliftStrategy
		want  float64
		nanOK bool
	}{
		{"hand8", hand8, 0.3, Overall, 1, false},
		{"hand8", hand8, 0.3, ByGroup, 1, false},
		{"hand8", hand8, 0.5, Overall, 0.5, false},
		{"hand8", hand8, 0.5, ByGroup, 0.5, false},
		{"hand8", hand8, 0.75, Overall, 1.0 / 3, false},
		{"hand8", hand8, 0.75, ByGroup, 1.0 / 3, false},
		{"ties10", ties10, 0.3, Overall, 0, true},
		{"ties10", ties10, 0.3, ByGroup, 0, false},
		{"ties10", ties10, 0.5, Overall, -0.5, false},
		{"ties10", ties10, 0.5, ByGroup, -1.0 / 3, false},
		{"ties10", ties10, 0.75, Overall, -0.6, false},
		{"ties10", ties10, 0.75, ByGroup, -1.0 / 6, false},
	} {
		got, err := UpliftAtK(slices.Values(tc.u), tc.k, tc.s)
		if tc.nanOK {
			if !errors.Is(err, ErrTooFewUnits) {
				t.Errorf("%s uplift_at_k(%v, %v) err = %v; want ErrTooFewUnits", tc.name, tc.s, tc.k, err)
			}
			continue
		}
		if err != nil || math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%s uplift_at_k(%v, %v) = %v, %v; want %v", tc.name, tc.s, tc.k, got, err, tc.want)
		}
	}

	// uplift_by_percentile(bins=3) from sklift_metrics.py; labels 0-33, 33-67, 67-100.
	nan := math.NaN()
	for _, tc := range []struct {
		name     string
		u        []ScoredUnit
		s        UpliftStrategy
		nT, nC   []int
		rT, rC   []float64
		weighted float64
	}{
		{"hand8", hand8, Overall, []int{2, 1, 1}, []int{1, 2, 1}, []float64{1, 0, 0}, []float64{0, 0.5, 1}, 0.125},
		{"hand8", hand8, ByGroup, []int{2, 1, 1}, []int{2, 1, 1}, []float64{1, 0, 0}, []float64{0.5, 0, 1}, 0},
		{"ties10", ties10, Overall, []int{4, 1, 1}, []int{0, 2, 2}, []float64{0.5, 0, 1}, []float64{nan, 1, 0}, nan},
		{"ties10", ties10, ByGroup, []int{2, 2, 2}, []int{2, 1, 1}, []float64{0.5, 0.5, 0.5}, []float64{1, 0, 0}, 1.0 / 6},
	} {
		p, err := UpliftByPercentile(slices.Values(tc.u), 3, tc.s)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range p.Bins {
			want := []string{"0-33", "33-67", "67-100"}[i]
			if b.Percentile != want || b.NTreatment != tc.nT[i] || b.NControl != tc.nC[i] ||
				!sameFloat(b.ResponseRateTreatment, tc.rT[i]) || !sameFloat(b.ResponseRateControl, tc.rC[i]) ||
				!sameFloat(b.Uplift, tc.rT[i]-tc.rC[i]) {
				t.Errorf("%s %v bin %d = %+v", tc.name, tc.s, i, b)
			}
		}
		w, err := WeightedAverageUplift(slices.Values(tc.u), 3, tc.s)
		if math.IsNaN(tc.weighted) {
			if !errors.Is(err, ErrTooFewUnits) {
				t.Errorf("%s %v weighted_average_uplift err = %v; want ErrTooFewUnits", tc.name, tc.s, err)
			}
		} else if err != nil || math.Abs(w-tc.weighted) > 1e-15 {
			t.Errorf("%s %v weighted_average_uplift = %v, %v; want %v", tc.name, tc.s, w, err, tc.weighted)
		}
	}
}

func sameFloat(a, b float64) bool {
	return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) < 1e-15
}

// TestPercentileLabels: scikit-uplift labels round(p 100/bins) with Python's round, which rounds
// half to even: bins = 8 gives 12 (12.5), 25, 38 (37.5), 50, 62 (62.5), 75, 88 (87.5), 100.
func TestPercentileLabels(t *testing.T) {
	got := strings.Join(percentileLabels(8), " ")
	if want := "0-12 12-25 25-38 38-50 50-62 62-75 75-88 88-100"; got != want {
		t.Errorf("labels = %s; want %s", got, want)
	}
	if got := strings.Join(percentileLabels(10), " "); got != "0-10 10-20 20-30 30-40 40-50 50-60 60-70 70-80 80-90 90-100" {
		t.Errorf("labels(10) = %s", got)
	}
}

// TestArraySplit: np.array_split(np.arange(10), 3) has sizes 4, 3, 3; of 2 into 3, 1, 1, 0.
func TestArraySplit(t *testing.T) {
	if got := arraySplit(10, 3); !slices.Equal(got, [][2]int{{0, 4}, {4, 7}, {7, 10}}) {
		t.Errorf("arraySplit(10, 3) = %v", got)
	}
	if got := arraySplit(2, 3); !slices.Equal(got, [][2]int{{0, 1}, {1, 2}, {2, 2}}) {
		t.Errorf("arraySplit(2, 3) = %v", got)
	}
}

// TestQiniRandomAndPerfect: properties of the definitions. Scoring by the oracle itself gives
// a Qini coefficient of exactly 1; reversing the ranking of a population with no negative
// effect is below 0; and a random score on a large population scores near 0.
func TestQiniRandomAndPerfect(t *testing.T) {
	var u []ScoredUnit
	for i := range 4000 {
		treated := i%2 == 0
		// persuadables: outcome 1 only when treated and i%5 == 0; sure things i%7 == 0.
		y := 0.0
		if (treated && i%5 == 0) || i%7 == 0 {
			y = 1
		}
		u = append(u, ScoredUnit{Score: Bucket("random", string(rune('a'+i%26))+string(rune(i))), Treated: treated, Outcome: y})
	}
	q, err := QiniAUCScore(slices.Values(u), true)
	if err != nil || math.Abs(q) > 0.1 {
		t.Errorf("random score: qini = %v, %v; want about 0", q, err)
	}
	for i := range u {
		t := 0.0
		if u[i].Treated {
			t = 1
		}
		u[i].Score = u[i].Outcome*t - u[i].Outcome*(1-t)
	}
	if q, err := QiniAUCScore(slices.Values(u), true); err != nil || math.Abs(q-1) > 1e-12 {
		t.Errorf("oracle score: qini = %v, %v; want 1", q, err)
	}
	for i := range u {
		u[i].Score = -u[i].Score
	}
	if q, err := QiniAUCScore(slices.Values(u), true); err != nil || q >= 0 {
		t.Errorf("reversed oracle: qini = %v, %v; want < 0", q, err)
	}
}

func TestUpliftMetricsBadInput(t *testing.T) {
	good := hand8
	for _, tc := range []struct {
		name string
		f    func() error
		want error
	}{
		{"empty", func() error { _, err := QiniCurve(slices.Values([]ScoredUnit(nil))); return err }, ErrTooFewUnits},
		{"one row", func() error { _, err := QiniAUCScore(slices.Values(good[:1]), true); return err }, ErrTooFewUnits},
		{"no control", func() error {
			_, err := UpliftCurve(slices.Values([]ScoredUnit{{1, true, 1}, {2, true, 0}}))
			return err
		}, ErrTooFewUnits},
		{"NaN score", func() error {
			_, err := QiniCurve(slices.Values([]ScoredUnit{{math.NaN(), true, 1}, {0, false, 0}}))
			return err
		}, ErrInvalidInput},
		{"Inf score", func() error {
			_, err := QiniCurve(slices.Values([]ScoredUnit{{math.Inf(1), true, 1}, {0, false, 0}}))
			return err
		}, ErrInvalidInput},
		{"NaN outcome", func() error {
			_, err := QiniCurve(slices.Values([]ScoredUnit{{1, true, math.NaN()}, {0, false, 0}}))
			return err
		}, ErrInvalidInput},
		{"1e308 outcome", func() error {
			_, err := UpliftAUCScore(slices.Values([]ScoredUnit{{1, true, 1e308}, {0, false, 0}}))
			return err
		}, ErrInvalidInput},
		{"k = 0", func() error { _, err := UpliftAtK(slices.Values(good), 0, Overall); return err }, ErrInvalidInput},
		{"k = 1", func() error { _, err := UpliftAtK(slices.Values(good), 1, Overall); return err }, ErrInvalidInput},
		{"k NaN", func() error { _, err := UpliftAtK(slices.Values(good), math.NaN(), Overall); return err }, ErrInvalidInput},
		{"k tiny", func() error { _, err := UpliftAtK(slices.Values(good), 5e-324, Overall); return err }, ErrTooFewUnits},
		{"strategy", func() error { _, err := UpliftAtK(slices.Values(good), 0.5, UpliftStrategy(7)); return err }, ErrInvalidInput},
		{"count = n", func() error { _, err := UpliftAtCount(slices.Values(good), 8, Overall); return err }, ErrInvalidInput},
		{"count > group", func() error { _, err := UpliftAtCount(slices.Values(good), 5, ByGroup); return err }, ErrInvalidInput},
		{"bins = n", func() error { _, err := UpliftByPercentile(slices.Values(good), 8, Overall); return err }, ErrInvalidInput},
		{"bins = 0", func() error { _, err := UpliftByPercentile(slices.Values(good), 0, Overall); return err }, ErrInvalidInput},
		{"all outcomes 0", func() error {
			same := []ScoredUnit{{1, true, 0}, {1, false, 0}, {1, true, 0}, {1, false, 0}}
			_, err := QiniAUCScore(slices.Values(same), true)
			return err
		}, ErrNoUplift},
		{"negative incremental without negative effects", func() error {
			_, err := QiniAUCScore(slices.Values([]ScoredUnit{{1, true, 0}, {0, false, 1}}), false)
			return err
		}, ErrNoUplift},
	} {
		if err := tc.f(); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v; want %v", tc.name, err, tc.want)
		}
	}
	// All identical (every unit scored 1 and responding): the actual curve is the one point
	// (4, 0) (Q = 2 - 2*2/2), area 0, while the perfect curve with negative effects still rises
	// to (2, 2): the score is 0 - 0 over 4 - 0, exactly 0.
	same := []ScoredUnit{{1, true, 1}, {1, false, 1}, {1, true, 1}, {1, false, 1}}
	if q, err := QiniAUCScore(slices.Values(same), true); err != nil || q != 0 {
		t.Errorf("all identical: qini = %v, %v; want 0", q, err)
	}
}

// TestPercentileJSON: a NaN rate is null, the strategy its name.
func TestPercentileJSON(t *testing.T) {
	p, err := UpliftByPercentile(slices.Values(ties10), 3, Overall)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, `"strategy":"overall"`) || !strings.Contains(s, `"response_rate_control":null`) || !strings.Contains(s, `"percentile":"total"`) {
		t.Errorf("json = %s", s)
	}
}

package abtest

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tailorkit/tailor/internal/textio"
)

func newTestUplift(t *testing.T, cfg UpliftConfig) *Uplift {
	t.Helper()
	u, err := NewUplift(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestUpliftWelchSmall: treated 3, 5, 4, 8 against control 1, 2, 2, 3, 7. SciPy 1.10:
//
//	from scipy import stats; stats.ttest_ind([3,5,4,8], [1,2,2,3,7], equal_var=False)
//	uplift 2, df 6.7941716664625913, p 0.22691968647167599,
//	95%: 2 -/+ t.ppf(0.975, df) se = [-1.5820294249279869, 5.5820294249279865]
//	90%: [-0.86542833059647117, 4.8654283305964707]
//
// The interval ends agree to 1e-8 (abtest's t quantile at a fractional df is within about
// 3e-10 relative of scipy's); everything else to 1e-12.
func TestUpliftWelchSmall(t *testing.T) {
	for _, tc := range []struct {
		alpha, lower, upper float64
	}{{0, -1.5820294249279869, 5.5820294249279865}, {0.1, -0.86542833059647117, 4.8654283305964707}} {
		u := newTestUplift(t, UpliftConfig{Control: "holdout", Outcomes: []string{"revenue"}, Alpha: tc.alpha})
		for _, v := range []float64{3, 5, 4, 8} {
			if err := u.Add(UpliftObservation{Arm: "offer", Values: []float64{v}}); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []float64{1, 2, 2, 3, 7} {
			if err := u.Add(UpliftObservation{Arm: "holdout", Values: []float64{v}}); err != nil {
				t.Fatal(err)
			}
		}
		ro, err := u.Readout()
		if err != nil {
			t.Fatal(err)
		}
		if len(ro.Rows) != 1 {
			t.Fatalf("rows = %+v", ro.Rows)
		}
		r := ro.Rows[0]
		if r.Treatment != "offer" || r.Segment != AllSegment || r.NTreated != 4 || r.NControl != 5 || r.MeanTreated != 5 ||
			r.MeanControl != 3 || r.Uplift != 2 || math.Abs(r.Lower-tc.lower) > 1e-8 || math.Abs(r.Upper-tc.upper) > 1e-8 ||
			math.Abs(r.DF-6.7941716664625913) > 1e-12 || math.Abs(r.PValue-0.22691968647167599) > 1e-12 {
			t.Errorf("alpha %v: row = %+v", tc.alpha, r)
		}
	}
}

// TestUpliftRowsOrderAndGaps: rows by arm, then "all" and the segments in byte order, then
// outcome in config order; a segment an arm never reached still has its rows, with NaN means
// (null in JSON) and the reason.
func TestUpliftRowsOrderAndGaps(t *testing.T) {
	u := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"y", "z"}})
	add := func(arm, seg string, y, z float64) {
		t.Helper()
		if err := u.Add(UpliftObservation{Arm: arm, Segment: seg, Values: []float64{y, z}}); err != nil {
			t.Fatal(err)
		}
	}
	add("c", "b", 0, 1)
	add("c", "b", 1, 2)
	add("c", "a", 0, 1)
	add("t2", "b", 1, 1)
	add("t1", "b", 1, 3)
	add("t1", "b", 0, 5)
	ro, err := u.Readout()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range ro.Rows {
		keys = append(keys, r.Treatment+"/"+r.Segment+"/"+r.Outcome)
	}
	want := "t1/all/y t1/all/z t1/a/y t1/a/z t1/b/y t1/b/z t2/all/y t2/all/z t2/a/y t2/a/z t2/b/y t2/b/z"
	if got := strings.Join(keys, " "); got != want {
		t.Fatalf("order = %s; want %s", got, want)
	}
	a := ro.Rows[2] // t1 in segment a: no treated unit
	if a.NTreated != 0 || a.NControl != 1 || !math.IsNaN(a.MeanTreated) || !math.IsNaN(a.Uplift) || !errors.Is(a.Err, ErrTooFewUnits) {
		t.Errorf("empty cell = %+v", a)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"mean_treated":null`, `"uplift":null`, `"lower":null`, `"upper":null`, `"n_treated":0`, `"mean_control":0`, `"error":"abtest: too few units`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("json %s lacks %s", b, s)
		}
	}
	// The readout decodes back to the same JSON.
	all, err := json.Marshal(ro)
	if err != nil {
		t.Fatal(err)
	}
	var back UpliftReadout
	if err := json.Unmarshal(all, &back); err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(back); string(again) != string(all) || !math.IsNaN(back.Rows[2].MeanTreated) || back.Rows[2].Err == nil {
		t.Errorf("round trip:\n%s\n%s", all, again)
	}
	// t1/b/y: treated 1, 0 against control 0, 1: uplift 0, a computed interval.
	if r := ro.Rows[4]; r.Uplift != 0 || r.Err != nil || !(r.Lower < 0 && r.Upper > 0) {
		t.Errorf("t1/b/y = %+v", r)
	}
}

func TestUpliftMerge(t *testing.T) {
	cfg := UpliftConfig{Control: "c", Outcomes: []string{"y"}}
	whole, a, b := newTestUplift(t, cfg), newTestUplift(t, cfg), newTestUplift(t, cfg)
	for i := range 40 {
		o := UpliftObservation{Arm: []string{"c", "t"}[i%2], Segment: []string{"x", "y", ""}[i%3], Values: []float64{float64(i % 7)}}
		if err := whole.Add(o); err != nil {
			t.Fatal(err)
		}
		part := a
		if i >= 25 {
			part = b
		}
		if err := part.Add(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	ra, _ := a.Readout()
	rw, _ := whole.Readout()
	ja, _ := json.Marshal(ra)
	jw, _ := json.Marshal(rw)
	if string(ja) != string(jw) {
		t.Errorf("merged readout differs:\n%s\n%s", ja, jw)
	}
	if err := a.Merge(a); !errors.Is(err, ErrSelfMerge) {
		t.Errorf("self merge err = %v", err)
	}
	other := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"z"}})
	if err := a.Merge(other); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("merge of other outcomes err = %v", err)
	}
}

func TestUpliftBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  UpliftConfig
		want error
	}{
		{"no control", UpliftConfig{Outcomes: []string{"y"}}, ErrInvalidInput},
		{"no outcome", UpliftConfig{Control: "c"}, ErrInvalidInput},
		{"empty outcome", UpliftConfig{Control: "c", Outcomes: []string{""}}, ErrInvalidInput},
		{"repeated outcome", UpliftConfig{Control: "c", Outcomes: []string{"y", "y"}}, ErrInvalidInput},
		{"alpha NaN", UpliftConfig{Control: "c", Outcomes: []string{"y"}, Alpha: math.NaN()}, ErrInvalidAlpha},
		{"alpha 1", UpliftConfig{Control: "c", Outcomes: []string{"y"}, Alpha: 1}, ErrInvalidAlpha},
		{"alpha -Inf", UpliftConfig{Control: "c", Outcomes: []string{"y"}, Alpha: math.Inf(-1)}, ErrInvalidAlpha},
		{"negative bound", UpliftConfig{Control: "c", Outcomes: []string{"y"}, MaxSegments: -1}, ErrInvalidInput},
	} {
		if _, err := NewUplift(tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v; want %v", tc.name, err, tc.want)
		}
	}
	u := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"y"}, MaxArms: 2, MaxSegments: 1})
	for _, tc := range []struct {
		name string
		o    UpliftObservation
	}{
		{"empty arm", UpliftObservation{Values: []float64{1}}},
		{"reserved segment", UpliftObservation{Arm: "t", Segment: AllSegment, Values: []float64{1}}},
		{"no values", UpliftObservation{Arm: "t"}},
		{"NaN", UpliftObservation{Arm: "t", Values: []float64{math.NaN()}}},
		{"+Inf", UpliftObservation{Arm: "t", Values: []float64{math.Inf(1)}}},
		{"1e308", UpliftObservation{Arm: "t", Values: []float64{1e308}}},
	} {
		if err := u.Add(tc.o); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v; want ErrInvalidInput", tc.name, err)
		}
	}
	if err := u.Add(UpliftObservation{Arm: "t", Values: []float64{1e308}}); !errors.Is(err, textio.ErrRange) {
		t.Errorf("1e308 err = %v; want textio.ErrRange", err)
	}
	// The bound is textio.MaxMagnitude (1e15): the tiniest value is in, 2^53 and 2^62 are out.
	if err := u.Add(UpliftObservation{Arm: "t", Values: []float64{5e-324}}); err != nil {
		t.Errorf("5e-324: %v", err)
	}
	for _, v := range []float64{1 << 53, 1 << 62, -(1 << 62)} {
		if err := u.Add(UpliftObservation{Arm: "t", Values: []float64{v}}); !errors.Is(err, textio.ErrRange) {
			t.Errorf("%g err = %v", v, err)
		}
	}
	// Readout without a control unit.
	if _, err := u.Readout(); !errors.Is(err, ErrTooFewUnits) {
		t.Errorf("no control: err = %v", err)
	}
	// Bounds: a third arm, a second segment.
	if err := u.Add(UpliftObservation{Arm: "c", Segment: "s1", Values: []float64{0}}); err != nil {
		t.Fatal(err)
	}
	if err := u.Add(UpliftObservation{Arm: "t3", Values: []float64{0}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("third arm err = %v", err)
	}
	if err := u.Add(UpliftObservation{Arm: "c", Segment: "s2", Values: []float64{0}}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("second segment err = %v", err)
	}
	// Degenerate data: one unit per arm, all identical values.
	one := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"y"}})
	if err := one.AddAll(slices.Values([]UpliftObservation{{Arm: "c", Values: []float64{1}}, {Arm: "t", Values: []float64{1}}})); err != nil {
		t.Fatal(err)
	}
	ro, err := one.Readout()
	if err != nil || ro.Rows[0].Uplift != 0 || !errors.Is(ro.Rows[0].Err, ErrTooFewUnits) || !math.IsNaN(ro.Rows[0].Lower) {
		t.Errorf("one unit per arm: %+v, %v", ro.Rows, err)
	}
	same := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"y"}})
	for i := range 10 {
		if err := same.Add(UpliftObservation{Arm: []string{"c", "t"}[i%2], Values: []float64{3}}); err != nil {
			t.Fatal(err)
		}
	}
	ro, err = same.Readout()
	if err != nil || ro.Rows[0].Uplift != 0 || !errors.Is(ro.Rows[0].Err, ErrZeroVariance) {
		t.Errorf("identical values: %+v, %v", ro.Rows, err)
	}
	// AddAll names the position of the bad unit.
	if err := same.AddAll(slices.Values([]UpliftObservation{{Arm: "c", Values: []float64{1}}, {Arm: "", Values: []float64{1}}})); err == nil || !strings.HasPrefix(err.Error(), "unit 2: abtest: ") {
		t.Errorf("AddAll err = %v", err)
	}
}

// TestUpliftConcurrentReadouts: Readout only reads, so readouts of a finished accumulator may
// run in parallel (run with -race).
func TestUpliftConcurrentReadouts(t *testing.T) {
	u := newTestUplift(t, UpliftConfig{Control: "c", Outcomes: []string{"y"}})
	for i := range 100 {
		if err := u.Add(UpliftObservation{Arm: []string{"c", "t"}[i%2], Segment: []string{"a", "b"}[i%3%2], Values: []float64{float64(i % 5)}}); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := u.Readout()
	wj, _ := json.Marshal(want)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r, err := u.Readout()
			j, _ := json.Marshal(r)
			if err != nil || string(j) != string(wj) {
				t.Errorf("concurrent readout differs: %v", err)
			}
		})
	}
	wg.Wait()
}

func TestCostPerIncremental(t *testing.T) {
	// 1,000 treated at a 5% conversion against a 3% holdout: 20 incremental orders; a 10-euro
	// discount used by the 50 treated buyers costs 500, so 25 per incremental order.
	row := UpliftRow{NTreated: 1000, Uplift: 0.05 - 0.03}
	if c, err := CostPerIncremental(500, row.Incremental()); err != nil || math.Abs(c-25) > 1e-12 {
		t.Errorf("cost per incremental = %v, %v; want 25", c, err)
	}
	if c, err := CostPerIncremental(500, 0); !errors.Is(err, ErrZeroBaseline) || !math.IsInf(c, 1) {
		t.Errorf("no incremental: %v, %v", c, err)
	}
	for _, tc := range [][2]float64{{-1, 1}, {math.NaN(), 1}, {1, math.Inf(1)}, {math.Inf(1), 1}} {
		if _, err := CostPerIncremental(tc[0], tc[1]); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("CostPerIncremental(%v) err = %v", tc, err)
		}
	}
}

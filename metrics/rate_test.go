package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"testing"
)

type intervalOracle struct {
	Rates []struct {
		K, N   int64
		Level  float64
		Method string
		Lo, Hi float64
	}
	Ratio []struct {
		X, Y      []float64
		Ratio, SE float64
	}
	Lifts []struct {
		Kb, Nb, Kt, Nt  int64
		Percent, Lo, Hi float64
	}
}

func loadIntervalOracle(t *testing.T) intervalOracle {
	t.Helper()
	b, err := os.ReadFile("testdata/intervals.json")
	if err != nil {
		t.Fatal(err)
	}
	var o intervalOracle
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

var methodByName = map[string]Method{"wilson": Wilson, "agresti-coull": AgrestiCoull, "jeffreys": Jeffreys}

// TestRateIntervalsScipy checks every method against testdata/intervals.json, computed by
// testdata/intervals.py with SciPy from statsmodels' proportion_confint formulas.
func TestRateIntervalsScipy(t *testing.T) {
	o := loadIntervalOracle(t)
	if len(o.Rates) < 100 {
		t.Fatalf("only %d oracle rates", len(o.Rates))
	}
	for _, c := range o.Rates {
		ci, ok := RateInterval(NewRate(c.K, c.N), IntervalConfig{Method: methodByName[c.Method], Alpha: 1 - c.Level})
		if !ok {
			t.Fatalf("%d/%d undefined", c.K, c.N)
		}
		if !close(ci.Lower, c.Lo, 1e-9) || !close(ci.Upper, c.Hi, 1e-9) {
			t.Errorf("%s %d/%d level %v: got [%.12g, %.12g], scipy [%.12g, %.12g]",
				c.Method, c.K, c.N, c.Level, ci.Lower, ci.Upper, c.Lo, c.Hi)
		}
	}
}

// TestRateIntervalsR checks Wilson and Agresti-Coull against R's binom::binom.confint values
// quoted in statsmodels' test suite (statsmodels/statsmodels,
// statsmodels/stats/tests/results/results_proportion.py; printed to 7-16 digits, so the
// tolerance is 1e-7). R does not clip Agresti-Coull, so cases whose R bound leaves [0, 1] expect
// the clipped value.
func TestRateIntervalsR(t *testing.T) {
	cases := []struct {
		k, n                     int64
		acLo, acHi, wilLo, wilHi float64
	}{
		{18, 20, 0.6867561125596077, 0.984343760998137, 0.6989663547715128, 0.972133518786232},
		{4, 20, 0.0749115102767071, 0.4217635845549845, 0.0806576625797981, 0.4160174322518935},
		{4, 200, 0.005991954548218395, 0.0520995587739575, 0.00780442641634947, 0.05028708690582643},
		{190, 200, 0.909307307911624, 0.973731898348837, 0.910421851861224, 0.972617354399236},
		{1, 30, 0 /* R: -8.305484e-03 */, 0.18091798, 5.908590e-03, 0.16670391},
		{29, 30, 0.8190820, 1 /* R: 1.0083055 */, 0.8332961, 0.9940914},
		{0, 30, 0, 0.13471170, 0, 0.11351339},
		{30, 30, 0.8652883, 1, 0.8864866, 1},
	}
	for _, c := range cases {
		r := NewRate(c.k, c.n)
		ac, _ := RateInterval(r, IntervalConfig{Method: AgrestiCoull})
		w, _ := RateInterval(r, IntervalConfig{})
		for _, x := range []struct {
			name      string
			got, want float64
		}{
			{"AC lo", ac.Lower, c.acLo}, {"AC hi", ac.Upper, c.acHi}, {"Wilson lo", w.Lower, c.wilLo}, {"Wilson hi", w.Upper, c.wilHi},
		} {
			if math.Abs(x.got-x.want) > 1e-7 {
				t.Errorf("%d/%d %s = %.10g, R %.10g", c.k, c.n, x.name, x.got, x.want)
			}
		}
	}
}

// TestWilsonHandWorked: k = 5, n = 10, z = 1.959964 (z² = 3.841459):
// denominator 1 + 0.3841459 = 1.3841459; centre (0.5 + 0.1920729)/1.3841459 = 0.5;
// half = 1.959964·sqrt(0.025 + 3.841459/400)/1.3841459 = 1.959964·0.1860206/1.3841459 = 0.2634069;
// interval [0.2365931, 0.7634069].
func TestWilsonHandWorked(t *testing.T) {
	ci, ok := RateInterval(NewRate(5, 10), IntervalConfig{})
	if !ok || math.Abs(ci.Lower-0.2365931) > 1e-6 || math.Abs(ci.Upper-0.7634069) > 1e-6 {
		t.Fatalf("got %+v %v", ci, ok)
	}
}

func TestRateUndefined(t *testing.T) {
	for _, r := range []Rate{{}, {Successes: 3}, {Successes: 5, Trials: 4}, {Successes: -1, Trials: 4}, {Trials: -2}} {
		if r.Defined() {
			t.Errorf("%+v defined", r)
		}
		if v, ok := r.Value(); ok || v != 0 {
			t.Errorf("%+v value %v %v", r, v, ok)
		}
		for m := Wilson; m <= Jeffreys; m++ {
			if _, ok := RateInterval(r, IntervalConfig{Method: m}); ok {
				t.Errorf("%+v interval ok", r)
			}
		}
		if r.String() != "n/a" {
			t.Errorf("%+v prints %q", r, r.String())
		}
	}
}

// TestRateIntervalProperties: every method brackets p̂ (Jeffreys may sit just inside at 0 and
// n), stays in [0, 1], is symmetric under k -> n-k, and narrows as the level drops.
func TestRateIntervalProperties(t *testing.T) {
	for n := int64(1); n <= 60; n += 7 {
		for k := int64(0); k <= n; k++ {
			for m := Wilson; m <= Jeffreys; m++ {
				p := float64(k) / float64(n)
				ci, _ := RateInterval(NewRate(k, n), IntervalConfig{Method: m})
				mirror, _ := RateInterval(NewRate(n-k, n), IntervalConfig{Method: m})
				narrow, _ := RateInterval(NewRate(k, n), IntervalConfig{Method: m, Alpha: 0.2})
				if ci.Lower < 0 || ci.Upper > 1 || ci.Lower > ci.Upper {
					t.Fatalf("%v %d/%d: %+v", m, k, n, ci)
				}
				if m != Jeffreys && (ci.Lower > p+1e-12 || ci.Upper < p-1e-12) {
					t.Fatalf("%v %d/%d: %+v misses %v", m, k, n, ci, p)
				}
				if !close(ci.Lower, 1-mirror.Upper, 1e-9) || !close(ci.Upper, 1-mirror.Lower, 1e-9) {
					t.Fatalf("%v %d/%d not symmetric: %+v vs %+v", m, k, n, ci, mirror)
				}
				if narrow.Lower < ci.Lower-1e-12 || narrow.Upper > ci.Upper+1e-12 {
					t.Fatalf("%v %d/%d: 80%% %+v wider than 95%% %+v", m, k, n, narrow, ci)
				}
			}
		}
	}
}

// TestRateAlphaDefault: Alpha 0 is the documented 0.05; any other alpha outside (0, 1) is not
// replaced by it (before: -1, 1, 2 and NaN all silently gave the 95% interval) but fails
// Validate, and then no interval is given.
func TestRateAlphaDefault(t *testing.T) {
	a, _ := RateInterval(NewRate(3, 17), IntervalConfig{})
	if b, ok := RateInterval(NewRate(3, 17), IntervalConfig{Alpha: 0.05}); !ok || a != b {
		t.Errorf("alpha 0 gives %+v, alpha 0.05 %+v", a, b)
	}
	for _, lv := range []float64{-1, 1, 2, math.NaN(), math.Inf(1)} {
		cfg := IntervalConfig{Alpha: lv}
		if err := cfg.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("alpha %v: Validate = %v, want ErrConfig", lv, err)
		}
		if b, ok := RateInterval(NewRate(3, 17), cfg); ok {
			t.Errorf("alpha %v gives %+v, want no interval", lv, b)
		}
	}
}

// TestRatioDeltaMethod checks RatioMoments against numpy (testdata/intervals.py), both for one
// pass and for a merge of two halves.
func TestRatioDeltaMethod(t *testing.T) {
	for _, c := range loadIntervalOracle(t).Ratio {
		var all, a, b RatioMoments
		for i := range c.X {
			all.Add(c.Y[i], c.X[i]) // numerator (y) first
			if i%3 == 0 {
				a.Add(c.Y[i], c.X[i])
			} else {
				b.Add(c.Y[i], c.X[i])
			}
		}
		a = a.Merge(b)
		for _, m := range []RatioMoments{all, a} {
			e := EstimateRatio(m)
			if !e.Valid || !close(e.Value, c.Ratio, 1e-12) || !close(e.SE, c.SE, 1e-9) {
				t.Errorf("n=%d: got %v ± %v, numpy %v ± %v", len(c.X), e.Value, e.SE, c.Ratio, c.SE)
			}
		}
	}
}

// TestRatioHandWorked: units (y, x) = (10, 1), (20, 1), (60, 2), numerator y first: R = 90/4 = 22.5;
// x̄ = 4/3, s_xx = 1/3, s_yy = 700, s_xy = 25/3 (ȳ = 30, deviations x: -1/3,-1/3,2/3; y: -20,-10,30;
// Σdxdy = 20/3+10/3+20 = 30 -> /2 = 15). Var = (700 − 2·22.5·15 + 22.5²·(1/3)) / (3·16/9)
// = (700 − 675 + 168.75)/5.333… = 193.75/5.3333 = 36.328125; SE = 6.0273.
func TestRatioHandWorked(t *testing.T) {
	var m RatioMoments
	m.Add(10, 1) // numerator first
	m.Add(20, 1)
	m.Add(60, 2)
	e := EstimateRatio(m)
	if !close(e.Value, 22.5, 1e-12) || !close(e.SE, math.Sqrt(36.328125), 1e-12) {
		t.Fatalf("got %+v", e)
	}
	var empty RatioMoments
	if e := EstimateRatio(empty); e.Valid || e.String() != "n/a" {
		t.Fatalf("empty ratio %+v", e)
	}
	var one RatioMoments
	one.Add(7, 2)
	if e := EstimateRatio(one); !e.Valid || e.Value != 3.5 || e.SE != -1 {
		t.Fatalf("single unit %+v", e)
	}
	if _, ok := EstimateRatio(one).Interval(IntervalConfig{}); ok {
		t.Fatal("interval without a standard error")
	}
	// One buyer among three visitors: units (y, x) = (12, 1), (0, 0), (0, 0). R = 12 and every
	// residual y - R x is 0, so the delta method would give SE 0 and the interval [12, 12];
	// with one active unit the standard error is unknown instead, in one pass or merged.
	var buyer, idle RatioMoments
	buyer.Add(12, 1)
	idle.Add(0, 0)
	idle.Add(0, 0)
	merged := buyer
	merged = merged.Merge(idle)
	for name, m := range map[string]RatioMoments{"merged": merged, "one pass": func() RatioMoments {
		var m RatioMoments
		m.Add(0, 0)
		m.Add(12, 1)
		m.Add(0, 0)
		return m
	}()} {
		if e := EstimateRatio(m); !e.Valid || !close(e.Value, 12, 1e-12) || e.SE != -1 || m.Active != 1 || m.N != 3 {
			t.Errorf("%s: one active unit: %#v (active %d)", name, e, m.Active)
		}
	}
	merged.Add(30, 2) // a second buyer: R = 42/3 = 14, residuals -2, 0, 0, 2: SE > 0
	if e := EstimateRatio(merged); !close(e.Value, 14, 1e-12) || !(e.SE > 0) {
		t.Errorf("two active units: %#v", e)
	}
}

func TestRateLiftScipy(t *testing.T) {
	for _, c := range loadIntervalOracle(t).Lifts {
		l := RateLift(NewRate(c.Kb, c.Nb), NewRate(c.Kt, c.Nt), IntervalConfig{})
		if !l.Valid || !l.HasInterval || !close(l.Percent, c.Percent, 1e-9) ||
			!close(l.Interval.Lower, c.Lo, 1e-9) || !close(l.Interval.Upper, c.Hi, 1e-9) {
			t.Errorf("%+v: got %+v", c, l)
		}
	}
	// Zero base: undefined. Zero test successes: a lift of -100% without an interval.
	if l := RateLift(NewRate(0, 10), NewRate(3, 10), IntervalConfig{}); l.Valid {
		t.Errorf("zero base gives %+v", l)
	}
	if l := RateLift(NewRate(2, 10), NewRate(0, 10), IntervalConfig{}); !l.Valid || l.Percent != -100 || l.HasInterval {
		t.Errorf("zero test gives %+v", l)
	}
}

// TestEstimateLiftHandWorked: base 50 ± 2, test 55 ± 3: lift 10%; var log = (2/50)² + (3/55)²
// = 0.0016 + 0.0029752 = 0.0045752, sd 0.0676403; 1.1·exp(±1.959964·0.0676403) = 1.1·{0.875839, 1.141762}
// -> [-3.658%, +25.594%].
func TestEstimateLiftHandWorked(t *testing.T) {
	l := EstimateLift(Estimate{Value: 50, SE: 2, Valid: true}, Estimate{Value: 55, SE: 3, Valid: true}, IntervalConfig{})
	if !close(l.Percent, 10, 1e-12) || math.Abs(l.Interval.Lower+3.658) > 1e-3 || math.Abs(l.Interval.Upper-25.594) > 1e-3 {
		t.Fatalf("got %+v", l)
	}
	if l := EstimateLift(Estimate{Value: 50, SE: -1, Valid: true}, Estimate{Value: 55, SE: 3, Valid: true}, IntervalConfig{}); !l.Valid || l.HasInterval {
		t.Fatalf("unknown SE gives %+v", l)
	}
	if l := EstimateLift(undefined(0), Estimate{Value: 55, SE: 3, Valid: true}, IntervalConfig{}); l.Valid || l.String() != "n/a" {
		t.Fatalf("undefined base gives %+v", l)
	}
}

// close reports |a-b| <= tol·max(1, |b|).
func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

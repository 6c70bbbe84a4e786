package stat

import (
	"encoding/json"
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestZ: scipy.stats.norm.ppf(0.975) and norm.ppf(0.995).
func TestZ(t *testing.T) {
	if z := Z(0.05); !near(z, 1.959963984540054, 1e-15) {
		t.Errorf("Z(0.05) = %v", z)
	}
	if z := Z(0.01); !near(z, 2.5758293035489004, 1e-14) {
		t.Errorf("Z(0.01) = %v", z)
	}
	// mpmath at 50 digits: log(erfc(z/√2)/2) = log(alpha/2), solved by findroot.
	if z := Z(1e-300); !near(z, 37.06578788077213, 1e-9) {
		t.Errorf("Z(1e-300) = %v", z)
	}
	if z := Z(5e-324); !near(z, 38.485408335567342, 1e-9) {
		t.Errorf("Z(5e-324) = %v", z)
	}
}

// TestWilson: statsmodels proportion_confint(method='wilson') values (the abtest oracle cases
// 7/34 and 0/20) and mpmath at 40 digits for the others (the closed form in Wilson's doc).
func TestWilson(t *testing.T) {
	for _, c := range []struct{ x, n, lo, hi, tol float64 }{
		{7, 34, 0.10349526899031913, 0.36798388051163605, 1e-12},
		{0, 20, 0, 0.1611251580528194, 1e-12},
		{3, 17, 0.06191126637620994, 0.41029458568834125, 1e-12},
		{20, 20, 0.83887484194718061, 1, 1e-12},
		{1, 1e6, 1.7652457674537147e-7, 5.664911804311443e-6, 1e-16},
	} {
		iv := Wilson(c.x, c.n, Z(0.05))
		if !near(iv.Lower, c.lo, c.tol) || !near(iv.Upper, c.hi, c.tol) {
			t.Errorf("Wilson(%v, %v) = %+v, want [%v, %v]", c.x, c.n, iv, c.lo, c.hi)
		}
	}
	// The end points are exact, not a few ulps off, at every n (the abtest and metrics rules).
	for n := 1.0; n < 1e7; n = n*3 + 1 {
		if iv := Wilson(0, n, Z(0.05)); iv.Lower != 0 || !(iv.Upper > 0) {
			t.Errorf("Wilson(0, %v) = %+v", n, iv)
		}
		if iv := Wilson(n, n, Z(0.05)); iv.Upper != 1 || !(iv.Lower < 1) {
			t.Errorf("Wilson(%v, %v) = %+v", n, n, iv)
		}
	}
}

// TestIntervalJSON: null is "no bound", decoding back to -Inf below and +Inf above.
func TestIntervalJSON(t *testing.T) {
	for _, c := range []struct {
		iv   Interval
		want string
	}{
		{Interval{0.1, 0.25}, `{"lower":0.1,"upper":0.25}`},
		{Interval{math.Inf(-1), 3}, `{"lower":null,"upper":3}`},
		{Interval{0, math.Inf(1)}, `{"lower":0,"upper":null}`},
	} {
		b, err := json.Marshal(c.iv)
		if err != nil || string(b) != c.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", c.iv, b, err, c.want)
		}
		var back Interval
		if err := json.Unmarshal(b, &back); err != nil || back != c.iv {
			t.Errorf("round trip of %+v: %+v, %v", c.iv, back, err)
		}
	}
	if b, err := json.Marshal(Interval{math.NaN(), math.NaN()}); err != nil || string(b) != `{"lower":null,"upper":null}` {
		t.Errorf("NaN interval: %s, %v", b, err)
	}
}

// TestRate: definedness, hand-worked values and the JSON form.
func TestRate(t *testing.T) {
	if v, ok := (Rate{Successes: 1, Trials: 8}).Value(); !ok || v != 0.125 {
		t.Errorf("1/8 = %v, %v", v, ok)
	}
	for _, r := range []Rate{{}, {Successes: 3, Trials: 2}, {Successes: -1, Trials: 2}} {
		if _, ok := r.Value(); ok || r.String() != "n/a" {
			t.Errorf("%+v is defined", r)
		}
	}
	if (Rate{Successes: 3, Trials: 2}).Validate() == nil || (Rate{Trials: -1}).Validate() == nil || (Rate{}).Validate() != nil {
		t.Error("Validate")
	}
	if s := (Rate{Successes: 1, Trials: 8}).String(); s != "12.5%" {
		t.Errorf("String = %q", s)
	}
	if r := (Rate{Successes: 1, Trials: 4}); r.Units() != 4 || r.Mean() != 0.25 || r.Variance() != 0.1875 {
		t.Errorf("arm view of 1/4: %v %v %v", r.Units(), r.Mean(), r.Variance())
	}
	if r := (Rate{1 << 62, 1 << 62}).Merge(Rate{1 << 62, 1 << 62}); r != (Rate{}) {
		t.Errorf("overflowing merge = %+v, want 0/0", r)
	}
	b, _ := json.Marshal(Rate{Successes: 7, Trials: 34})
	var j map[string]any
	if err := json.Unmarshal(b, &j); err != nil || !near(j["lower"].(float64), 0.10349526899031913, 1e-12) ||
		!near(j["upper"].(float64), 0.36798388051163605, 1e-12) || j["value"].(float64) != 7.0/34 {
		t.Errorf("JSON of 7/34: %s", b)
	}
	if b, _ := json.Marshal(Rate{}); string(b) != `{"successes":0,"trials":0,"value":null,"lower":null,"upper":null}` {
		t.Errorf("JSON of 0/0: %s", b)
	}
	var back Rate
	if err := json.Unmarshal(b, &back); err != nil || back != (Rate{Successes: 7, Trials: 34}) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"value":0.5}`), &back); err == nil {
		t.Error("a rate without counts decoded")
	}
}

// TestRatioMoments: numerator first; numpy gives R = 65/7 and the per-unit delta variance
// (np.cov ddof=1) for units (10,1) (30,3) (20,1) (0,0) (5,2). Merge and FromSums agree with one
// pass.
func TestRatioMoments(t *testing.T) {
	num := []float64{10, 30, 20, 0, 5}
	den := []float64{1, 3, 1, 0, 2}
	var all, a, b RatioMoments
	var sn, snn, sd, sdd, snd float64
	for i := range num {
		all.Add(num[i], den[i])
		if i < 2 {
			a.Add(num[i], den[i])
		} else {
			b.Add(num[i], den[i])
		}
		sn, snn, sd, sdd, snd = sn+num[i], snn+num[i]*num[i], sd+den[i], sdd+den[i]*den[i], snd+num[i]*den[i]
	}
	const r, v = 9.285714285714286, 38.78592253227824
	for name, m := range map[string]RatioMoments{"one pass": all, "merged": a.Merge(b), "sums": FromSums(5, sn, snn, sd, sdd, snd)} {
		if !near(m.Mean(), r, 1e-12) || !near(m.Variance(), v, 1e-9) || m.N != 5 || m.Units() != 5 {
			t.Errorf("%s: mean %v variance %v n %d", name, m.Mean(), m.Variance(), m.N)
		}
		if !near(m.SumNum(), 65, 1e-12) || !near(m.SumDen(), 7, 1e-12) || m.Validate() != nil {
			t.Errorf("%s: sums %v %v, %v", name, m.SumNum(), m.SumDen(), m.Validate())
		}
	}
	if all.Active != 4 {
		t.Errorf("active = %d, want 4", all.Active)
	}
	if (RatioMoments{N: 2, Cnn: -1}).Validate() == nil || (RatioMoments{N: 1, MeanNum: math.NaN()}).Validate() == nil {
		t.Error("Validate accepted bad moments")
	}
}

// TestWilsonAgreesWithBothOldRules: the one Wilson equals the textbook formula that abtest and
// metrics each computed (abtest pinned x = 0 and x = n to exactly 0 and 1, metrics clamped to
// [0, 1] and widened to hold p̂) to within 1e-15 at every count up to n = 400,
// at three levels; the end points are exact.
func TestWilsonAgreesWithBothOldRules(t *testing.T) {
	for _, alpha := range []float64{0.01, 0.05, 0.2} {
		z := Z(alpha)
		for n := 1.0; n <= 400; n++ {
			for x := 0.0; x <= n; x++ {
				p := x / n
				z2 := z * z
				c := (p + z2/(2*n)) / (1 + z2/n)
				h := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / (1 + z2/n)
				iv := Wilson(x, n, z)
				if !near(iv.Lower, c-h, 1e-15) && !(x == 0 && iv.Lower == 0) ||
					!near(iv.Upper, c+h, 1e-15) && !(x == n && iv.Upper == 1) {
					t.Fatalf("Wilson(%v, %v) at alpha %v = %+v, formula [%v, %v]", x, n, alpha, iv, c-h, c+h)
				}
				if iv.Lower < 0 || iv.Upper > 1 || iv.Lower > p || iv.Upper < p {
					t.Fatalf("Wilson(%v, %v) = %+v outside [0, 1] or misses %v", x, n, iv, p)
				}
				if (x == 0 && iv.Lower != 0) || (x == n && iv.Upper != 1) {
					t.Fatalf("Wilson(%v, %v) = %+v: end point not exact", x, n, iv)
				}
			}
		}
	}
}

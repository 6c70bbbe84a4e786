package abtest

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func FuzzReadAggregates(f *testing.F) {
	f.Add("experiment,variant,metric,units,sum,sum_squares\ne,a,m,10,5,5\ne,b,m,10,6,6\n")
	f.Add("experiment,variant,metric,units,sum,sum_squares,den_sum,den_sum_squares,cross_sum\ne,a,m,10,5,5,1,1,1\n")
	f.Add("experiment,variant,metric,units,sum,sum_squares,pre_sum,pre_sum_squares,pre_cross_sum\n\"e\",a,m,1e3,5,5,,,\n")
	f.Add("units,sum\n1,2\n")
	f.Add("experiment,variant,metric,units,sum,sum_squares\n\"unterminated,a,m,1,1,1\n")
	f.Fuzz(func(t *testing.T, s string) {
		var rows []Row
		for r, err := range ReadAggregates(strings.NewReader(s)) {
			if err != nil {
				if !strings.HasPrefix(err.Error(), "abtest: ") {
					t.Fatalf("error without package prefix: %v", err)
				}
				continue
			}
			if r.Units < 0 || math.IsNaN(r.Sum) || math.IsInf(r.SumSquares, 0) || r.SumSquares < 0 {
				t.Fatalf("bad row accepted: %+v", r)
			}
			rows = append(rows, r)
		}
		// Whatever was read analyses without panicking; numbers owed are never NaN.
		ro, err := Analyze(t.Context(), slices.Values(rows), ReadoutConfig{})
		if err != nil {
			return
		}
		for _, e := range ro.Experiments {
			for _, m := range e.Metrics {
				for _, c := range m.Comparisons {
					// With or without Err: a comparison that cannot be computed carries default
					// numbers, never NaN.
					nums := append(append(effectNums(c.Absolute), effectNums(c.Relative)...), c.AdjustedPValue, c.ChanceToWin, c.TreatmentMean, m.ControlMean)
					if slices.ContainsFunc(nums, math.IsNaN) {
						t.Fatalf("NaN in %+v", c)
					}
				}
			}
		}
	})
}

// FuzzTwoSampleTests: no panic, and the numbers a test returns are never NaN and its p-value
// is in [0, 1], with or without an error (an error comes with the default Effect).
func FuzzTwoSampleTests(f *testing.F) {
	f.Add(int64(100), 40.0, 60.0, int64(120), 55.0, 80.0, 0.05, uint8(0), true)
	f.Add(int64(2), 1396.87, 52377.9767, int64(3461), 2422.7, 134698.29, 0.1, uint8(1), false)
	f.Add(int64(1e12), 3.1e10, 3.1e10, int64(1e12), 3.10083e10, 3.10083e10, 0.01, uint8(2), true)
	f.Add(int64(0), 0.0, 0.0, int64(1), 1.0, 1.0, 0.5, uint8(0), false)
	f.Fuzz(func(t *testing.T, nA int64, sA, ssA float64, nB int64, sB, ssB, alpha float64, alt uint8, rel bool) {
		cfg := Config{Alpha: alpha, Alternative: Alternative(alt % 4), Relative: rel}
		a, b := Moments{N: nA, Sum: sA, SumSquares: ssA}, Moments{N: nB, Sum: sB, SumSquares: ssB}
		check := func(name string, e Effect, err error) {
			for _, x := range effectNums(e) {
				if math.IsNaN(x) {
					t.Fatalf("%s: NaN in %+v for %+v %+v %+v", name, e, a, b, cfg)
				}
			}
			if !(e.PValue >= 0 && e.PValue <= 1) {
				t.Fatalf("%s: p %v", name, e.PValue)
			}
		}
		e, err := WelchTest(a, b, cfg)
		check("welch", e, err)
		s, err := ConfidenceSequence(a, b, SequentialConfig{Alpha: alpha, Alternative: cfg.Alternative, Relative: rel})
		check("sequence", s.Effect, err)
		pa := Rate{Trials: nA, Successes: int64(sA)}
		pb := Rate{Trials: nB, Successes: int64(sB)}
		if z, err := ZTest(pa, pb, cfg); err == nil && (math.IsNaN(z.PValue) || math.IsNaN(z.Z) || z.PValue < 0 || z.PValue > 1) {
			t.Fatalf("ztest %+v", z)
		}
		if bt, err := BayesianTest(a, b, BayesConfig{Alpha: alpha, Relative: rel}); err == nil && (math.IsNaN(bt.ChanceToWin) || math.IsNaN(bt.RiskControl)) {
			t.Fatalf("bayes %+v", bt)
		}
		if pa.Trials < 1e6 && pb.Trials < 1e6 {
			if p, err := ProbBBeatsA(pa, pb, BetaPrior{}); err == nil && !(p >= 0 && p <= 1) {
				t.Fatalf("P(B>A) = %v for %+v %+v", p, pa, pb)
			}
		}
	})
}

// FuzzGuards: SRM never returns a NaN statistic without an error, and every correction keeps
// adjusted p-values in [0, 1].
func FuzzGuards(f *testing.F) {
	f.Add(int64(1000), int64(1200), 0.5, 0.5, 0.01, 0.2)
	f.Add(int64(0), int64(0), 0.0, 0.0, 0.0, 1.0)
	f.Add(int64(-1), int64(3), 1.0, -1.0, 2.0, math.NaN())
	f.Fuzz(func(t *testing.T, o1, o2 int64, w1, w2, p1, p2 float64) {
		if r, err := SRM([]int64{o1, o2}, []float64{w1, w2}, SRMConfig{}); err == nil && (math.IsNaN(r.PValue) || math.IsNaN(r.ChiSquare)) {
			t.Fatalf("SRM %+v", r)
		}
		for _, m := range []Correction{Holm, Bonferroni, HolmSidak, Sidak, BenjaminiHochberg, Hommel, NoCorrection} {
			adj, err := Adjust([]float64{p1, p2, p1 * p2}, m)
			if err != nil {
				continue
			}
			for i, v := range adj {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%v: adjusted %d = %v", m, i, v)
				}
			}
		}
	})
}

// FuzzPlanning: planning functions never panic, and a result without error is a finite,
// positive number (a power in [0, 1]).
func FuzzPlanning(f *testing.F) {
	f.Add(0.03, 0.0315, 0.05, 0.8, 2, 1.0, 1000.0)
	f.Add(0.5, 0.5, 0.0, 0.0, 0, 0.0, 1.0)
	f.Add(1e-9, 1.0, 0.999, 0.001, 40, 1e6, 1e12)
	f.Fuzz(func(t *testing.T, pA, pB, alpha, power float64, variants int, ratio, n float64) {
		cfg := PlanConfig{Alpha: alpha, Power: power, Variants: variants % 1000, Ratio: ratio}
		okNum := func(name string, v float64, err error) {
			if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
				t.Fatalf("%s = %v for %v %v %+v", name, v, pA, pB, cfg)
			}
		}
		v, err := SampleSizeProportions(pA, pB, cfg)
		okNum("SampleSizeProportions", v, err)
		v, err = PowerProportions(pA, pB, n, cfg)
		okNum("PowerProportions", v, err)
		if err == nil && v > 1+1e-12 {
			t.Fatalf("power %v", v)
		}
		v, err = MDEProportions(pA, n, cfg)
		okNum("MDEProportions", v, err)
		v, err = SampleSizeMeans(pA, pB, cfg)
		okNum("SampleSizeMeans", v, err)
		v, err = MDEMeans(pA, n, cfg)
		okNum("MDEMeans", v, err)
		if math.Abs(pA) < 1e3 && n < 1e7 {
			v, err = TTestIndPower(pA, n, cfg)
			okNum("TTestIndPower", v, err)
		}
	})
}

// FuzzSequentialBounds: bounds are increasing-information safe, never NaN, nominal levels in
// [0, 1].
func FuzzSequentialBounds(f *testing.F) {
	f.Add(0.2, 0.5, 1.0, 0.05, uint8(0), 2.0, false)
	f.Add(0.0016, 0.9, 0.95, 0.003, uint8(2), 3.0, true)
	f.Fuzz(func(t *testing.T, t1, t2, t3, alpha float64, fn uint8, rho float64, oneSided bool) {
		b, err := GroupSequentialBounds([]float64{t1, t2, t3}, SpendingConfig{Alpha: alpha, Function: SpendingFunction(fn % 4), Rho: rho, OneSided: oneSided, GridPoints: 20})
		if err != nil {
			return
		}
		for _, x := range b {
			if math.IsNaN(x.Z) || !(x.NominalAlpha >= 0 && x.NominalAlpha <= 1) {
				t.Fatalf("bound %+v", x)
			}
		}
	})
}

// FuzzIntervalsAndBayes: proportion intervals, CUPED, expected loss and mSPRT never panic;
// a result without error has ordered, non-NaN bounds and losses >= 0.
func FuzzIntervalsAndBayes(f *testing.F) {
	f.Add(int64(34), int64(1), int64(34), int64(7), 0.05, 10.0, 5.0)
	f.Add(int64(10), int64(0), int64(10), int64(10), 0.5, -3.0, 0.0)
	f.Add(int64(1), int64(1), int64(2), int64(0), 0.999, 1e300, 1e-300)
	f.Fuzz(func(t *testing.T, nA, xA, nB, xB int64, alpha, pre, noise float64) {
		a, b := Rate{Trials: nA % 100000, Successes: xA % 100000}, Rate{Trials: nB % 100000, Successes: xB % 100000}
		ordered := func(name string, iv Interval, err error) {
			if err == nil && (math.IsNaN(iv.Lower) || math.IsNaN(iv.Upper) || iv.Lower > iv.Upper) {
				t.Fatalf("%s: %+v for %+v %+v alpha %v", name, iv, a, b, alpha)
			}
		}
		for m := Wald; m <= MiettinenNurminen; m++ {
			iv, err := DiffInterval(a, b, alpha, m)
			ordered("diff", iv, err)
		}
		for m := KatzLog; m <= KoopmanScore; m++ {
			iv, err := RatioInterval(a, b, alpha, m)
			ordered("ratio", iv, err)
		}
		iv, err := WilsonInterval(a, alpha)
		ordered("wilson", iv, err)
		iv, err = FiellerInterval(a, b, alpha)
		ordered("fieller", iv, err)
		if lt, lc, err := ExpectedLoss(a, b, BetaPrior{}); err == nil && (!(lt >= 0) || !(lc >= 0)) {
			t.Fatalf("losses %v %v", lt, lc)
		}
		var ca, cb CUPEDMoments
		for i := range int64(5) {
			ca.Add(float64(i)+noise, pre*float64(i))
			cb.Add(float64(i)*noise, pre+float64(i))
		}
		if r, err := CUPEDTest(ca, cb, Config{Alpha: alpha}); err == nil {
			for _, x := range effectNums(r.Effect) {
				if math.IsNaN(x) {
					t.Fatalf("CUPED NaN %+v", r)
				}
			}
		}
		if m, err := NewMSPRT(MSPRTConfig{Tau2: math.Abs(noise), Alpha: alpha}); err == nil {
			if l, err := m.Observe(a, b); err == nil && (math.IsNaN(l.PValue) || l.PValue < 0 || l.PValue > 1) {
				t.Fatalf("mSPRT %+v", l)
			}
		}
	})
}

// FuzzStatisticsExtremes runs the probes of extremes_test.go (every public statistics entry
// point) on fuzzed arguments: mask selects which base arguments are replaced by the fuzzed
// ones. No panic; an error wraps an exported sentinel; without one every number owed is
// finite and every probability in [0, 1]. The Bayesian probes keep counts below 1e5 and
// floats below 1e4 in size so that an execution stays cheap (the table test covers their
// huge counts).
func FuzzStatisticsExtremes(f *testing.F) {
	ps := probes()
	f.Add(uint16(0), uint16(0xffff), 500.0, 3000.0, 660.0, 4300.0, 0.05, 1.0, 1.0, int64(100), int64(12), int64(120), int64(20))
	f.Add(uint16(3), uint16(0x0002), 1.0, 1e300, 1.0, 1e300, 0.05, 0.0, 0.0, int64(100), int64(0), int64(120), int64(0))
	f.Add(uint16(7), uint16(0x0001), 5e-324, 1e-300, 0.0, 5e-324, 1e-300, 1e308, -1e308, int64(1)<<62, int64(1)<<53, int64(-1), int64(0))
	f.Add(uint16(40), uint16(0x00f0), math.NaN(), math.Inf(1), math.Inf(-1), 0.0, -1.0, 1e308, 5e-324, int64(math.MaxInt64), int64(1), int64(0), int64(1)<<62)
	f.Fuzz(func(t *testing.T, idx, mask uint16, f0, f1, f2, f3, f4, f5, f6 float64, n0, n1, n2, n3 int64) {
		p := ps[int(idx)%len(ps)]
		fv, nv := []float64{f0, f1, f2, f3, f4, f5, f6}, []int64{n0, n1, n2, n3}
		fa, na := append([]float64{}, p.f...), append([]int64{}, p.n...)
		for i := range fa {
			if mask&(1<<i) != 0 {
				fa[i] = fv[i%len(fv)]
				if p.costy {
					fa[i] = math.Mod(fa[i], 1e4)
				}
			}
		}
		for i := range na {
			if mask&(1<<(8+i)) != 0 {
				na[i] = nv[i%len(nv)]
				if p.costy {
					na[i] %= 100000
				}
			}
		}
		if msg := checkProbe(p, fa, na); msg != "" {
			t.Fatalf("%s(%v, %v): %s", p.name, fa, na, msg)
		}
	})
}

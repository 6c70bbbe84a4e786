package abtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7a11)) }

// Swapping the arms flips the sign of the absolute effect and of the interval, keeps the
// two-sided p-value, and exchanges the one-sided p-values.
func TestSwapArmsFlipsSign(t *testing.T) {
	a := Moments{N: 3407, Sum: 1396.87, SumSquares: 52377.9767}
	b := Moments{N: 3461, Sum: 2422.7, SumSquares: 134698.29}
	ab, err := WelchTest(a, b, Config{})
	must(t, err)
	ba, err := WelchTest(b, a, Config{})
	must(t, err)
	if ab.Estimate != -ba.Estimate || !closeRel(ab.PValue, ba.PValue, 1e-14) ||
		!closeRel(ab.Lower, -ba.Upper, 1e-12) || !closeRel(ab.Upper, -ba.Lower, 1e-12) {
		t.Errorf("welch A,B %+v vs B,A %+v", ab, ba)
	}
	g, _ := WelchTest(a, b, Config{Alternative: Greater})
	l, _ := WelchTest(b, a, Config{Alternative: Less})
	if !closeRel(g.PValue, l.PValue, 1e-14) {
		t.Errorf("greater(A,B) p %v != less(B,A) p %v", g.PValue, l.PValue)
	}
	pa, pb := Rate{Trials: 1000, Successes: 120}, Rate{Trials: 900, Successes: 140}
	z1, _ := ZTest(pa, pb, Config{})
	z2, _ := ZTest(pb, pa, Config{})
	if z1.Z != -z2.Z || z1.PValue != z2.PValue || !closeRel(z1.Lower, -z2.Upper, 1e-12) {
		t.Errorf("z A,B %+v vs B,A %+v", z1, z2)
	}
	p1, _ := ProbBBeatsA(pa, pb, BetaPrior{})
	p2, _ := ProbBBeatsA(pb, pa, BetaPrior{})
	// The closed form is accurate to about 1e-13 at a thousand trials.
	if math.Abs(p1+p2-1) > 1e-12 {
		t.Errorf("P(B>A) + P(A>B) = %v", p1+p2)
	}
	lt1, lc1, _ := ExpectedLoss(pa, pb, BetaPrior{})
	lt2, lc2, _ := ExpectedLoss(pb, pa, BetaPrior{})
	if math.Abs(lt1-lc2) > 1e-12 || math.Abs(lc1-lt2) > 1e-12 {
		t.Errorf("losses (%v, %v) vs swapped (%v, %v)", lt1, lc1, lt2, lc2)
	}
	b1, _ := BayesianTest(a, b, BayesConfig{})
	b2, _ := BayesianTest(b, a, BayesConfig{})
	if !closeRel(b1.ChanceToWin, 1-b2.ChanceToWin, 1e-12) || !closeRel(b1.RiskControl, b2.RiskTreatment, 1e-12) {
		t.Errorf("bayes %+v vs swapped %+v", b1, b2)
	}
}

// Scaling every count and sum by k keeps the means and shrinks the intervals by about
// 1/sqrt(k); the p-value falls for a non-zero effect.
func TestScalingCountsTightensIntervals(t *testing.T) {
	a := Moments{N: 400, Sum: 4000, SumSquares: 4000*10 + 399*100}
	b := Moments{N: 400, Sum: 4200, SumSquares: 4200*10.5 + 399*100}
	prevW, prevP := math.Inf(1), 1.0
	for _, k := range []int64{1, 4, 16, 64} {
		ak := Moments{N: a.N * k, Sum: a.Sum * float64(k), SumSquares: a.SumSquares * float64(k)}
		bk := Moments{N: b.N * k, Sum: b.Sum * float64(k), SumSquares: b.SumSquares * float64(k)}
		for _, rel := range []bool{false, true} {
			e, err := WelchTest(ak, bk, Config{Relative: rel})
			must(t, err)
			if rel {
				continue
			}
			w := e.Upper - e.Lower
			if !(w < prevW) || !(e.PValue < prevP) {
				t.Errorf("k=%d: width %v (before %v), p %v (before %v)", k, w, prevW, e.PValue, prevP)
			}
			if k > 1 && math.Abs(w/prevW-0.5) > 0.01 {
				t.Errorf("k=%d: width ratio %v, want about 1/2 for 4x the units", k, w/prevW)
			}
			prevW, prevP = w, e.PValue
		}
	}
	prev := math.Inf(1)
	for _, k := range []int64{1, 10, 100, 1000} {
		r, err := ZTest(Rate{Trials: 1000 * k, Successes: 120 * k}, Rate{Trials: 1000 * k, Successes: 140 * k}, Config{})
		must(t, err)
		if w := r.Upper - r.Lower; !(w < prev) {
			t.Errorf("z-test k=%d: width %v not below %v", k, w, prev)
		} else {
			prev = w
		}
	}
}

// ksUniform returns the Kolmogorov-Smirnov distance of ps from Uniform(0, 1).
func ksUniform(ps []float64) float64 {
	s := slices.Clone(ps)
	slices.Sort(s)
	n := float64(len(s))
	d := 0.0
	for i, p := range s {
		d = math.Max(d, math.Max(float64(i+1)/n-p, p-float64(i)/n))
	}
	return d
}

// Under the null the Welch p-values are uniform: 2000 seeded A/A tests of 200 normal units per
// arm (unequal spread to exercise Welch), KS distance below 1.95/sqrt(2000) = 0.0436, the
// 0.1% critical value; so this fails by chance once in a thousand seeds, and the seed is fixed.
// The pooled z-test on Bernoulli(0.3) arms of 2000 units must reject at 5% in 5% +- 1.5%:
// the rejection rate of 2000 tests has binomial standard error sqrt(0.05 x 0.95/2000) =
// 0.0049, so 0.015 is about 3 standard errors.
func TestPValuesUniformUnderNull(t *testing.T) {
	rng := newRand(42)
	const tests = 2000
	ps := make([]float64, tests)
	rejects := 0
	for i := range ps {
		var a, b Moments
		for range 200 {
			a.Add(10 + 2*rng.NormFloat64())
			b.Add(10 + 3*rng.NormFloat64())
		}
		e, err := WelchTest(a, b, Config{})
		must(t, err)
		ps[i] = e.PValue
		var pa, pb Rate
		pa.Trials, pb.Trials = 2000, 2000
		for range 2000 {
			if rng.Float64() < 0.3 {
				pa.Successes++
			}
			if rng.Float64() < 0.3 {
				pb.Successes++
			}
		}
		z, err := ZTest(pa, pb, Config{})
		must(t, err)
		if z.PValue < 0.05 {
			rejects++
		}
	}
	if d := ksUniform(ps); d > 1.95/math.Sqrt(tests) {
		t.Errorf("Welch p-values: KS distance %v from uniform exceeds %v", d, 1.95/math.Sqrt(tests))
	}
	if rate := float64(rejects) / tests; math.Abs(rate-0.05) > 0.015 {
		t.Errorf("z-test false-positive rate %v, want 0.05 +- 0.015", rate)
	}
}

// The interval and the p-value agree: the two-sided 1 - alpha interval excludes 0 exactly
// when p < alpha (random inputs, both effects).
func TestIntervalAgreesWithPValue(t *testing.T) {
	rng := newRand(7)
	for i := range 3000 {
		var a, b Moments
		for range 2 + rng.IntN(500) {
			a.Add(rng.NormFloat64())
		}
		shift := rng.NormFloat64() * 0.3
		for range 2 + rng.IntN(500) {
			b.Add(shift + rng.NormFloat64())
		}
		for _, rel := range []bool{false, true} {
			for _, alpha := range []float64{0.05, 0.01, 0.2} {
				e, err := WelchTest(a, b, Config{Alpha: alpha, Relative: rel})
				if err != nil {
					continue
				}
				excludes := e.Lower > 0 || e.Upper < 0
				if excludes != (e.PValue < alpha) && math.Abs(e.PValue-alpha) > 1e-9 {
					t.Fatalf("case %d rel=%v alpha=%v: interval [%v, %v] but p = %v", i, rel, alpha, e.Lower, e.Upper, e.PValue)
				}
			}
		}
	}
}

// Moments built from raw values equal the merge of moments built from any split of them.
func TestMergeEqualsWhole(t *testing.T) {
	rng := newRand(3)
	xs := make([]float64, 1000)
	ds := make([]float64, 1000)
	for i := range xs {
		xs[i] = math.Round(rng.ExpFloat64() * 100) // cents: exact sums
		ds[i] = float64(1 + rng.IntN(3))
	}
	whole := MomentsOf(xs)
	for _, cut := range []int{0, 1, 500, 999, 1000} {
		if m := MomentsOf(xs[:cut]).Merge(MomentsOf(xs[cut:])); m != whole {
			t.Errorf("cut %d: %+v != %+v", cut, m, whole)
		}
	}
	var r, r1, r2 RatioMoments
	var c, c1, c2 CUPEDMoments
	for i := range xs {
		r.Add(xs[i], ds[i])
		c.Add(xs[i], ds[i])
		if i < 300 {
			r1.Add(xs[i], ds[i])
			c1.Add(xs[i], ds[i])
		} else {
			r2.Add(xs[i], ds[i])
			c2.Add(xs[i], ds[i])
		}
	}
	if c1.Merge(c2) != c {
		t.Errorf("CUPED merge differs from the whole")
	}
	// Ratio moments are kept in Welford's centred form: a merge equals one pass up to rounding.
	rm := r1.Merge(r2)
	if rm.N != r.N || rm.Active != r.Active || !closeRel(rm.Mean(), r.Mean(), 1e-13) || !closeRel(rm.Variance(), r.Variance(), 1e-12) {
		t.Errorf("ratio merge %+v differs from the whole %+v", rm, r)
	}
	p := Rate{Trials: 10, Successes: 3}.Merge(Rate{Trials: 5, Successes: 5})
	if p != (Rate{Trials: 15, Successes: 8}) {
		t.Errorf("proportion merge %+v", p)
	}
}

// The Welch test on moments built from raw values matches SciPy's ttest_ind(equal_var=False)
// on the same values (oracle case welch-abs-n2-per-arm: [4, 8] vs [1, 3]).
func TestMomentsOfRawValues(t *testing.T) {
	e, err := WelchTest(MomentsOf([]float64{1, 3}), MomentsOf([]float64{4, 8}), Config{})
	must(t, err)
	// scipy 1.10.1 ttest_ind([4,8],[1,3], equal_var=False): t 1.7888543819998317, p 0.25853213370782724
	if !closeRel(e.Statistic, 1.7888543819998317, 1e-12) || !closeRel(e.PValue, 0.25853213370782724, 1e-7) {
		t.Errorf("got t %v p %v", e.Statistic, e.PValue)
	}
}

// CUPED with a pre-period covariate that predicts the metric narrows the interval compared
// with the plain Welch test on the post-period values.
func TestCUPEDReducesVariance(t *testing.T) {
	rng := newRand(11)
	var a, b CUPEDMoments
	for range 2000 {
		pre := 50 + 10*rng.NormFloat64()
		a.Add(pre+3*rng.NormFloat64(), pre)
		pre = 50 + 10*rng.NormFloat64()
		b.Add(pre+1+3*rng.NormFloat64(), pre)
	}
	cu, err := CUPEDTest(a, b, Config{})
	must(t, err)
	plain, err := WelchTest(a.PostMoments(), b.PostMoments(), Config{})
	must(t, err)
	if !(cu.SE < plain.SE/2) {
		t.Errorf("CUPED se %v, plain se %v: expected at least a halving (corr about 0.96)", cu.SE, plain.SE)
	}
	if !(cu.Theta > 0.9 && cu.Theta < 1.1) {
		t.Errorf("theta %v, want about 1", cu.Theta)
	}
}

// Chance to be best sums to 1, and Thompson sampling picks each arm with that probability
// (seeded, 20000 draws, 4 standard errors).
func TestProbBestAndThompson(t *testing.T) {
	arms := []Rate{{Trials: 500, Successes: 60}, {Trials: 500, Successes: 70}, {Trials: 500, Successes: 66}, {Trials: 20, Successes: 3}}
	pb, err := ProbBest(arms, BetaPrior{})
	must(t, err)
	sum := 0.0
	for _, p := range pb {
		sum += p
	}
	if math.Abs(sum-1) > 1e-10 {
		t.Errorf("sum %v", sum)
	}
	// Two arms: P(best) equals P(B > A).
	two, _ := ProbBest(arms[:2], BetaPrior{})
	pba, _ := ProbBBeatsA(arms[0], arms[1], BetaPrior{})
	if math.Abs(two[1]-pba) > 1e-11 {
		t.Errorf("ProbBest %v vs ProbBBeatsA %v", two[1], pba)
	}
	rng := newRand(5)
	const draws = 20000
	counts := make([]float64, len(arms))
	for range draws {
		i, err := ThompsonSample(arms, BetaPrior{}, rng)
		must(t, err)
		counts[i]++
	}
	for i := range arms {
		f := counts[i] / draws
		se := math.Sqrt(pb[i] * (1 - pb[i]) / draws)
		if math.Abs(f-pb[i]) > 4*se+1e-9 {
			t.Errorf("arm %d: Thompson frequency %v, P(best) %v (se %v)", i, f, pb[i], se)
		}
	}
	alloc, err := ThompsonAllocation(arms, BetaPrior{}, 0.05)
	must(t, err)
	sum = 0
	for i, p := range alloc {
		sum += p
		if p < 0.05-1e-12 {
			t.Errorf("arm %d allocation %v below the floor", i, p)
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("allocation sums to %v", sum)
	}
}

// Jeffreys-prior P(B>A) by quadrature agrees with the closed form reached by shifting to
// integer shapes: with prior (1, 1) both routes are available for the same posteriors.
func TestBetaClosedFormMatchesQuadrature(t *testing.T) {
	for _, c := range [][4]float64{{13, 90, 17, 85}, {1, 11, 2, 10}, {121, 881, 141, 861}} {
		closed := probGreater(c[2], c[3], c[0], c[1])
		// gonum's density and incomplete beta, independent of betadist.go, are exact at these
		// small shapes.
		quad := integrate(func(x float64) float64 {
			return distuv.Beta{Alpha: c[2], Beta: c[3]}.Prob(x) * mathext.RegIncBeta(c[0], c[1], x)
		}, 0, 1, 1e-14)
		if math.Abs(closed-quad) > 1e-11 {
			t.Errorf("%v: closed form %v, quadrature %v", c, closed, quad)
		}
	}
}

// Row.WithRatio and Row.RatioMoments are inverses: per-unit values 1..4 over den 1, 2, 1, 2
// have the sums Σn = 10, Σn² = 30, Σd = 6, Σd² = 10, Σnd = 16 (worked by hand), and the row
// read back has the ratio 10/6.
func TestRowWithRatio(t *testing.T) {
	var m RatioMoments
	for i, d := range []float64{1, 2, 1, 2} {
		m.Add(float64(i+1), d)
	}
	r := Row{Experiment: "e", Variant: "b", Metric: "aov"}.WithRatio(m)
	got := []float64{float64(r.Units), r.Sum, r.SumSquares, r.DenSum, r.DenSumSquares, r.CrossSum}
	want := []float64{4, 10, 30, 6, 10, 16}
	if !r.Ratio || r.Metric != "aov" || !closeSlice(got, want, 1e-12) {
		t.Fatalf("WithRatio = %+v, want sums %v", r, want)
	}
	back := r.RatioMoments()
	if !closeRel(back.Mean(), 10.0/6, 1e-15) || !closeRel(back.Variance(), m.Variance(), 1e-12) {
		t.Errorf("RatioMoments() = %+v, want %+v", back, m)
	}
}

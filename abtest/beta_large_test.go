package abtest

import (
	"fmt"
	"math"
	"testing"
)

// Defect 4 of issue 13: ProbBBeatsA gave 1.0000007736 at 1e9 trials per arm and 1.0000112 at
// 1e10 (above 1), identical arms 0.49921 at 1e8 and 0.491 at 1e12, and PosteriorInterval
// was 25% off at 1e14, had Lower > Upper at 1e16 and 2^53, and NaN with a nil error from
// 1e17. Every expected value below comes from testdata/gen_beta_large.py (mpmath at 40
// digits, densities from mpmath's log-gamma and composite Gauss-Legendre rules; run
// `/usr/bin/python3 gen_beta_large.py` in testdata), not from this package.

// P(B > A), uniform prior. Source: gen_beta_large.py, section "ProbBBeatsA, uniform prior".
func TestProbBBeatsALargeN(t *testing.T) {
	for _, c := range []struct {
		xa, na, xb, nb int64
		prior          BetaPrior
		want           float64
	}{
		{100000, 1e6, 100100, 1e6, BetaPrior{}, 0.59314758925002885467},
		{1e7, 1e8, 10010000, 1e8, BetaPrior{}, 0.9907759416141453861},
		{1e8, 1e9, 100100000, 1e9, BetaPrior{}, 0.99999999999995399879},
		{1e9, 1e10, 1001000000, 1e10, BetaPrior{}, 1.0},
		{1e11, 1e12, 100100000000, 1e12, BetaPrior{}, 1.0},
		// a huge control against a small treatment: the integral runs over the narrow arm
		{1e11, 1e12, 1010, 10000, BetaPrior{}, 0.63703805455327696026},
		// Evan Miller's closed form with 1e12 failures (mpmath's sum of the exact terms)
		{3, 1e12, 5, 1e12, BetaPrior{}, 0.7460937500004921875},
		// Jeffreys prior. Source: section "ProbBBeatsA, Jeffreys prior".
		{1e8, 1e9, 100050000, 1e9, BetaPrior{0.5, 0.5}, 0.99990286985473578098},
		{5, 1e12, 7, 1e12, BetaPrior{0.5, 0.5}, 0.71708246650222980323},
		// Jeffreys with 0 successes: a density infinite at 0. Source: section "a shape below
		// 1" (mpmath's tanh-sinh quadrature with mpmath.betainc).
		{0, 1000, 1, 1000, BetaPrior{0.5, 0.5}, 0.81838947360003299023},
		{0, 1e6, 2, 1e6, BetaPrior{0.5, 0.5}, 0.92441328768169621956},
	} {
		got, err := ProbBBeatsA(Rate{Trials: c.na, Successes: c.xa}, Rate{Trials: c.nb, Successes: c.xb}, c.prior)
		must(t, err)
		if !(got >= 0 && got <= 1) || math.Abs(got-c.want) > 2e-14 {
			t.Errorf("%d/%d vs %d/%d prior %v: got %.17g, want %.17g (diff %.2g)", c.xb, c.nb, c.xa, c.na, c.prior, got, c.want, got-c.want)
		}
	}
}

// Source: gen_beta_large.py, section "ProbBest, uniform prior, n = 1e9 per arm".
func TestProbBestLargeN(t *testing.T) {
	const n = 1e9
	got, err := ProbBest([]Rate{{Trials: n, Successes: 100000000}, {Trials: n, Successes: 100020000}, {Trials: n, Successes: 100040000}}, BetaPrior{})
	must(t, err)
	want := []float64{0.0008099554931688785253, 0.067860563009866881126, 0.93132948149696409463}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 2e-14 {
			t.Errorf("arm %d: got %.17g, want %.17g", i, got[i], want[i])
		}
	}
}

// Source: gen_beta_large.py, section "PosteriorInterval at level 0.95, uniform prior"
// (0 successes: the closed form 1 - (1-u)^(1/(n+1)) in mpmath; otherwise a root of the
// accumulated CDF).
func TestPosteriorIntervalLargeN(t *testing.T) {
	for _, c := range []struct {
		x, n         int64
		lower, upper float64
	}{
		{0, 1e12, 2.5317807984264238523e-14, 3.6888794541034426194e-12},
		{0, 1e14, 2.5317807984289620444e-16, 3.6888794541138304867e-14},
		{0, 1e16, 2.5317807984289874263e-18, 3.6888794541139343654e-16},
		{0, 1 << 53, 2.8108413357197241634e-18, 4.0954789050239684409e-16},
		{0, 1e17, 2.5317807984289876571e-19, 3.6888794541139353097e-17},
		{0, 1e18, 2.5317807984289876801e-20, 3.6888794541139354042e-18},
		{0, 1 << 62, 5.4899244838275868726e-21, 7.9989822363749408822e-19},
		{5, 1e17, 2.2018942534908507755e-17, 1.1668332079322670807e-16},
		{5, 1 << 62, 4.7745970664362568138e-19, 2.5301661979367886952e-18},
		{1e11, 1e12, 0.099999412012362359618, 0.10000058799075308509},
	} {
		iv, err := PosteriorInterval(Rate{Trials: c.n, Successes: c.x}, BetaPrior{}, 0.95)
		must(t, err)
		if !closeRel(iv.Lower, c.lower, 1e-13) || !closeRel(iv.Upper, c.upper, 1e-13) || !(iv.Lower <= iv.Upper) {
			t.Errorf("%d/%d: got [%.17g, %.17g], want [%.17g, %.17g]", c.x, c.n, iv.Lower, iv.Upper, c.lower, c.upper)
		}
	}
}

// Properties at every magnitude of n: results in [0, 1], identical arms exactly 0.5 (1/k for
// ProbBest), P(A > B) + P(B > A) = 1, intervals ordered inside [0, 1] and never NaN.
func TestBetaSymmetryAtEveryN(t *testing.T) {
	ns := []int64{0, 1, 20, 1000, 1e5, 1e6, 1e8, 1e10, 1e12, 1e14, 1e16, 1 << 53, 1e17, 1e18, 1 << 62, math.MaxInt64}
	for _, prior := range []BetaPrior{{}, {0.5, 0.5}, {2, 7}} {
		for _, n := range ns {
			for _, x := range []int64{0, n / 10, n / 2, n} {
				a := Rate{Trials: n, Successes: x}
				name := fmt.Sprintf("%d/%d prior %v", x, n, prior)
				if p, err := ProbBBeatsA(a, a, prior); err != nil || p != 0.5 {
					t.Errorf("%s against itself: %v, %v (want exactly 0.5)", name, p, err)
				}
				if pb, err := ProbBest([]Rate{a, a, a}, prior); err != nil || pb[0] != 1.0/3 || pb[1] != 1.0/3 || pb[2] != 1.0/3 {
					t.Errorf("%s three times: %v, %v", name, pb, err)
				}
				b := Rate{Trials: n, Successes: x + (n-x)/1000}
				pab, err1 := ProbBBeatsA(a, b, prior)
				pba, err2 := ProbBBeatsA(b, a, prior)
				if err1 != nil || err2 != nil || !(pab >= 0 && pab <= 1) || !(pba >= 0 && pba <= 1) || math.Abs(pab+pba-1) > 1e-12 {
					t.Errorf("%s vs %+v: %v + %v (errors %v %v)", name, b, pab, pba, err1, err2)
				}
				for _, level := range []float64{1e-12, 0.5, 0.95, 1 - 1e-12} {
					iv, err := PosteriorInterval(a, prior, level)
					if err != nil || !(iv.Lower >= 0 && iv.Lower <= iv.Upper && iv.Upper <= 1) {
						t.Errorf("%s level %v: %+v, %v", name, level, iv, err)
					}
				}
			}
		}
	}
}

// Posteriors within an ulp of 1 (2^62 trials, 5 and 7 failures) are integrated mirrored: the
// answer must equal the one for the failure counts as successes, which Evan Miller's closed
// form gives exactly: P(pB > pA) = P(1 - pA > 1 - pB).
func TestProbBBeatsANearOne(t *testing.T) {
	for _, n := range []int64{1e6, 1e12, 1 << 62, math.MaxInt64} {
		near, err := ProbBBeatsA(Rate{Trials: n, Successes: n - 7}, Rate{Trials: n, Successes: n - 5}, BetaPrior{})
		must(t, err)
		closed, err := ProbBBeatsA(Rate{Trials: n, Successes: 5}, Rate{Trials: n, Successes: 7}, BetaPrior{})
		must(t, err)
		if math.Abs(near-closed) > 1e-13 {
			t.Errorf("n %d: near 1 %.17g, mirrored closed form %.17g", n, near, closed)
		}
		pb, err := ProbBest([]Rate{{Trials: n, Successes: n - 7}, {Trials: n, Successes: n - 5}}, BetaPrior{})
		if err != nil || math.Abs(pb[1]-closed) > 1e-13 || math.Abs(pb[0]+pb[1]-1) > 1e-12 {
			t.Errorf("n %d: ProbBest %v, %v (want [%v, %v])", n, pb, err, 1-closed, closed)
		}
	}
}

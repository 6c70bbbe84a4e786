package metrics

import (
	"math"

	"github.com/tailorkit/tailor/internal/stat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// betaExactMax is the largest a + b for which gonum's inverse incomplete beta is used as it
// is: checked against SciPy's beta.ppf to 2e-8 relative up to there, it drifts beyond (1e-3 at
// 1e12, NaN from 2^55).
const betaExactMax = 1e7

// betaLower is the lower alpha-quantile of Beta(a, b) and betaUpper the upper one (the
// (1-alpha)-quantile), for the Jeffreys interval; passing the tail probability rather than
// 1-alpha keeps levels within 1e-16 of 1 from rounding to a quantile of 1. Up to betaExactMax
// they are gonum's; beyond, they work on L = log(X/(1-X)) = log Ga - log Gb, the difference of
// the logs of independent Gamma(a) and Gamma(b) variables (X = Ga/(Ga+Gb)), whose cumulants
// are polygamma values. With a <= b (X ~ Beta(a, b) <=> 1 - X ~ Beta(b, a) otherwise):
//
//   - when a >= 1e4, L is all but normal (skewness about 1/sqrt(a)): its quantile is the
//     Cornish-Fisher expansion with the third and fourth cumulants;
//   - otherwise b > 1e7 - 1e4, so log Gb is nearly the constant ψ(b) plus normal noise of
//     variance v = ψ1(b) ≈ 1/b: the quantile is that of log Ga (from the inverse incomplete
//     gamma) shifted by -ψ(b), with the second-order correction for adding a small normal
//     noise to a variable of density f, -v/2 · f'(y)/f(y) = -v/2 · (a - e^y).
//
// Both agree with mpmath to 1e-9 relative for a + b up to 2^63 (see TestJeffreysLargeN).
func betaLower(a, b, alpha float64) float64 {
	if a > b {
		return 1 - betaUpper(b, a, alpha)
	}
	if a+b <= betaExactMax {
		return distuv.Beta{Alpha: a, Beta: b}.Quantile(alpha)
	}
	return logistic(logOddsQuantile(a, b, alpha, false))
}

func betaUpper(a, b, alpha float64) float64 {
	if a > b {
		return 1 - betaLower(b, a, alpha)
	}
	if a+b <= betaExactMax {
		return distuv.Beta{Alpha: a, Beta: b}.Quantile(1 - alpha)
	}
	return logistic(logOddsQuantile(a, b, alpha, true))
}

// logOddsQuantile is the lower (or upper) alpha-quantile of L for a <= b, a + b > betaExactMax.
func logOddsQuantile(a, b, alpha float64, upper bool) float64 {
	if a >= 1e4 {
		k1 := digammaLarge(a) - digammaLarge(b)
		k2 := trigammaLarge(a) + trigammaLarge(b)
		k3 := tetragammaLarge(a) - tetragammaLarge(b)
		k4 := pentagammaLarge(a) + pentagammaLarge(b)
		s := math.Sqrt(k2)
		g1, g2 := k3/(k2*s), k4/(k2*k2)
		z := -stat.Z(2 * alpha) // the lower alpha-quantile, accurate into the subnormals
		if upper {
			z = -z
		}
		return k1 + s*(z+(z*z-1)*g1/6+(z*z*z-3*z)*g2/24-(2*z*z*z-5*z)*g1*g1/36)
	}
	var g, y float64
	lg, _ := math.Lgamma(a + 1)
	switch ly := (math.Log(alpha) + lg) / a; {
	case upper:
		g = mathext.GammaIncRegCompInv(a, alpha)
		y = math.Log(g)
	case ly < -50:
		// A lower tail so far out (an Alpha of 1e-300 at 0 successes) that gonum's root finder
		// leaves its domain and panics: there P(a, x) = x^a/Γ(a+1)·(1 + O(x)), so
		// log x = (log alpha + log Γ(a+1))/a to within 1e-21 relative.
		y, g = ly, math.Exp(ly)
	case alpha < 1e-12:
		// gonum's inverse is wrong this far out (1.338 for both 1e-200 and 1e-280 at a = 180.5,
		// NaN at 8e-302): solve log P(a, x) = log alpha by Newton's method in log x instead.
		y = gammaLowerLogInv(a, math.Log(alpha))
		g = math.Exp(y)
	default:
		g = mathext.GammaIncRegInv(a, alpha)
		y = math.Log(g)
	}
	return y - digammaLarge(b) - trigammaLarge(b)/2*(a-g)
}

// gammaLowerLogInv returns log x where the regularized lower incomplete gamma P(a, x) equals
// e^logAlpha, for a lower tail far out (logAlpha < log 1e-12). It uses the series
// P(a, x) = x^a e^-x / Γ(a+1) · S(x), S(x) = Σ_k x^k / ((a+1)···(a+k)), which converges for every
// x, and Newton's method in y = log x, where d log P / dy = a / S(x); the first guess takes S = 1
// and e^-x = 1. log P is concave in y, so the iteration converges from that guess.
func gammaLowerLogInv(a, logAlpha float64) float64 {
	lg, _ := math.Lgamma(a + 1)
	y := (logAlpha + lg) / a
	for range 200 {
		x := math.Exp(y)
		sum, term := 1.0, 1.0
		for k := 1; k < 100000; k++ {
			term *= x / (a + float64(k))
			sum += term
			if term < sum*1e-17 {
				break
			}
		}
		logP := a*y - x - lg + math.Log(sum)
		step := (logP - logAlpha) * sum / a
		y -= step
		if math.Abs(step) < 1e-15*math.Max(1, math.Abs(y)) {
			break
		}
	}
	return y
}

// logistic is 1 / (1 + e^-l), written to keep its precision for very negative l.
func logistic(l float64) float64 {
	if l < 0 {
		e := math.Exp(l)
		return e / (1 + e)
	}
	return 1 / (1 + math.Exp(-l))
}

// The polygamma functions by their asymptotic series, for arguments of at least 1e4, where the
// terms kept leave an error far below 1e-20 relative.
func digammaLarge(s float64) float64 {
	s2 := s * s
	return math.Log(s) - 1/(2*s) - 1/(12*s2) + 1/(120*s2*s2)
}

func trigammaLarge(s float64) float64 {
	s2 := s * s
	return 1/s + 1/(2*s2) + 1/(6*s2*s) - 1/(30*s2*s2*s)
}

func tetragammaLarge(s float64) float64 {
	s2 := s * s
	return -1/s2 - 1/(s2*s) - 1/(2*s2*s2) + 1/(6*s2*s2*s2)
}

func pentagammaLarge(s float64) float64 {
	s2 := s * s
	return 2/(s2*s) + 3/(s2*s2) + 2/(s2*s2*s) - 1/(s2*s2*s2*s)
}

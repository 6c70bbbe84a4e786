package abtest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/tailorkit/tailor/internal/textio"

	"gonum.org/v1/gonum/stat/distuv"
)

// BetaPrior is a Beta(Alpha, Beta) prior on a conversion rate. The zero value is the uniform
// prior Beta(1, 1); Jeffreys' prior is {0.5, 0.5}. Both fields must be in (0, 1e15] (the
// module's magnitude bound, textio.MaxMagnitude), or both 0.
type BetaPrior struct{ Alpha, Beta float64 }

func (p BetaPrior) shapes() (float64, float64, error) {
	if p.Alpha == 0 && p.Beta == 0 {
		return 1, 1, nil
	}
	if !(p.Alpha > 0) || !(p.Beta > 0) || !textio.InRange(p.Alpha) || !textio.InRange(p.Beta) {
		return 0, 0, fmt.Errorf("%w: beta prior (%v, %v) (shapes in (0, 1e15])", ErrInvalidInput, p.Alpha, p.Beta)
	}
	return p.Alpha, p.Beta, nil
}

// posterior returns the Beta(prior alpha + x, prior beta + n - x) shapes of an arm.
func (p BetaPrior) posterior(arm Rate) (a, b float64, err error) {
	pa, pb, err := p.shapes()
	if err != nil {
		return 0, 0, err
	}
	if err := validRate(arm); err != nil {
		return 0, 0, err
	}
	return pa + float64(arm.Successes), pb + float64(arm.Trials-arm.Successes), nil
}

// maxClosedFormTerms bounds the Evan Miller sum; beyond it the integral is cheaper.
const maxClosedFormTerms = 20000

// probGreater returns P(X > Y) for X ~ Beta(aX, bX) and Y ~ Beta(aY, bY), in [0, 1]; exactly
// 1/2 for identical shapes.
//
// When aX and aY are integers (up to 20000) it is Evan Miller's closed form,
//
//	P(X > Y) = sum_{i=0}^{aX-1} B(aY+i, bY+bX) / ((bX+i) B(1+i, bX) B(aY, bY)),
//
// a sum of positive terms (no cancellation) whose first term is a product of aY factors.
// Otherwise it is the exact one-dimensional integral over the narrower posterior,
// int f_X(x) F_Y(x) dx or int f_Y(y) (1 - F_X(y)) dy, by adaptive Gauss-Kronrod quadrature to
// 1e-14 absolute in that arm's standardised variable, with the accurate density and
// distribution function of betadist.go, so it holds at any number of trials.
func probGreater(aX, bX, aY, bY float64) float64 {
	if aX == aY && bX == bY {
		return 0.5
	}
	isInt := func(v float64) bool { return v == math.Trunc(v) && v >= 1 && v <= maxClosedFormTerms }
	if isInt(aX) && isInt(aY) {
		return clamp01(evanMiller(aX, bX, aY, bY))
	}
	x, y := newBetaArm(aX, bX), newBetaArm(aY, bY)
	overX := x.s <= y.s // integrate over the narrower posterior
	narrow := y
	if overX {
		narrow = x
	}
	if narrow.m > 0.5 && !narrow.large {
		// A small-shape posterior near 1 cannot be resolved by float64 x (at 2^62 trials and
		// 5 failures its spread is below an ulp of 1): mirror, P(X > Y) = P(1-Y > 1-X), with
		// X' = 1 - Y ~ Beta(bY, aY) and Y' = 1 - X ~ Beta(bX, aX); the narrow arm changes side.
		x, y, overX = newBetaArm(bY, aY), newBetaArm(bX, aX), !overX
	}
	if overX {
		dm := meanDiff(x, y)
		return clamp01(x.integrateAgainst(func(t float64) float64 { return y.cdfAt(x, dm, t) }, 1e-14))
	}
	dm := meanDiff(y, x)
	return clamp01(y.integrateAgainst(func(t float64) float64 { return x.sfAt(y, dm, t) }, 1e-14))
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

func evanMiller(aX, bX, aY, bY float64) float64 {
	// term_0 = B(aY, bY+bX)/B(aY, bY) (the factors (bX+0) B(1, bX) cancel), and consecutive
	// terms have the ratio (aY+i)(bX+i)/((aY+bY+bX+i)(1+i)). The terms are carried as
	// v 2^(600k) e^L with a running rescale, so a term_0 below the float64 range does not lose
	// the later, larger terms; multiplying the ratios (rather than adding their logs) and
	// compensated sums keep the result to about 1e-14 over 20000 terms. ln term_0 (L, up to
	// about 1e5 in size) is kept as an unevaluated sum lHi + lLo, since a single float64 L
	// would carry an absolute rounding of |L| 1e-16, a relative error of that size in e^L.
	const big = 0x1p600
	lHi, lLo := logBetaRatio(aY, bY, bX)
	k := 0
	v, sum, comp := 1.0, 1.0, 0.0
	for i := 1.0; i < aX; i++ {
		v *= (aY + i - 1) * (bX + i - 1) / ((aY + bY + bX + i - 1) * i)
		sum, comp = twoSumAcc(sum, comp, v)
		switch {
		case sum > big:
			v, sum, comp, k = v/big, sum/big, comp/big, k+600
		case sum < 1/big && v < 1/big:
			v, sum, comp, k = v*big, sum*big, comp*big, k-600
		}
	}
	// e^(lHi + lLo) = 2^q e^r with q = round(lHi/ln 2) and r reduced with ln 2 split in two
	// (Cody and Waite), so that the power of two is exact.
	const ln2Hi, ln2Lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
	q := math.Round(lHi / math.Ln2)
	r := (lHi - q*ln2Hi) - q*ln2Lo + lLo
	return math.Min(1, math.Ldexp((sum+comp)*math.Exp(r), int(q)+k))
}

// logBetaRatio is ln(B(a, b+h)/B(a, b)) for an integer a (up to maxClosedFormTerms): the sum
// of ln(1 - h/(b+h+j)) over j < a, terms of one sign computed with log1p, which avoids the
// cancellation between log-gamma values of order (a+b) ln(a+b).
//
// The sum reaches thousands in size, so it is compensated (Neumaier): a plain running sum
// would lose about one ulp of it per term, 3e-11 relative in P(X > Y) at 10^4 terms.
// It returns the sum as hi + lo (hi the rounded sum, lo its compensation).
func logBetaRatio(a, b, h float64) (hi, lo float64) {
	s, c := 0.0, 0.0
	for j := 0.0; j < a; j++ {
		r := h / (b + h + j)
		t := math.Log1p(-r)
		if r > 0.5 {
			t = math.Log((b + j) / (b + h + j)) // 1 - r rounds away when h >> b (2^62 trials)
		}
		s, c = twoSumAcc(s, c, t)
	}
	hi = s + c
	return hi, c - (hi - s)
}

// twoSumAcc adds x to the compensated sum (s, c) (Neumaier's variant of Kahan summation).
func twoSumAcc(s, c, x float64) (float64, float64) {
	t := s + x
	if math.Abs(s) >= math.Abs(x) {
		c += (s - t) + x
	} else {
		c += (x - t) + s
	}
	return t, c
}

// ProbBBeatsA is the exact posterior probability that the treatment's rate exceeds the
// control's, P(pB > pA), with independent Beta posteriors
// Beta(prior.Alpha + x, prior.Beta + n - x) (see probGreater for the closed form and the
// integral). Not Monte Carlo: it is deterministic, in [0, 1], exactly 0.5 for identical arms,
// and accurate to about 1e-13 absolute at any count an int64 holds (tested against mpmath
// from 20 to 1e12 trials per arm; past 2^53 trials the counts themselves round in a float64
// shape). Zero conversions and 100% conversion need no special case; an arm with no
// trials is its prior.
func ProbBBeatsA(control, treatment Rate, prior BetaPrior) (float64, error) {
	aA, bA, err := prior.posterior(control)
	if err != nil {
		return 0, fmt.Errorf("%w (control)", err)
	}
	aB, bB, err := prior.posterior(treatment)
	if err != nil {
		return 0, fmt.Errorf("%w (treatment)", err)
	}
	return probGreater(aB, bB, aA, bA), nil
}

// ExpectedLoss returns the posterior expected loss of each decision (Stucchio's decision rule,
// as at VWO):
//
//	chooseTreatment = E[max(pA - pB, 0)]
//	                = mA P(Beta(aA+1, bA) > B) - mB P(A > Beta(aB+1, bB)),  m = a/(a+b)
//	chooseControl   = E[max(pB - pA, 0)] = chooseTreatment + E[pB] - E[pA]
//
// Ship the treatment when its loss is below a threshold of caring (for example 1e-4).
func ExpectedLoss(control, treatment Rate, prior BetaPrior) (chooseTreatment, chooseControl float64, err error) {
	aA, bA, err := prior.posterior(control)
	if err != nil {
		return 0, 0, fmt.Errorf("%w (control)", err)
	}
	aB, bB, err := prior.posterior(treatment)
	if err != nil {
		return 0, 0, fmt.Errorf("%w (treatment)", err)
	}
	mA, mB := aA/(aA+bA), aB/(aB+bB)
	chooseTreatment = mA*probGreater(aA+1, bA, aB, bB) - mB*probGreater(aA, bA, aB+1, bB)
	chooseTreatment = math.Max(0, chooseTreatment)
	chooseControl = math.Max(0, chooseTreatment+mB-mA)
	return chooseTreatment, chooseControl, nil
}

// ProbBest returns, for each arm, the posterior probability that its rate is the highest
// ("chance to be best"), by the exact one-dimensional integral
//
//	P(i best) = int f_i(x) prod_{j != i} I_x(a_j, b_j) dx
//
// with adaptive Gauss-Kronrod quadrature in arm i's standardised variable (not Monte Carlo),
// with the accurate Beta density and distribution function of probGreater, so it holds at any
// count. Each probability is in [0, 1], identical arms get identical probabilities (1/k when
// all are identical), and they sum to 1 within about 1e-12. These are also Thompson
// sampling's allocation probabilities.
func ProbBest(arms []Rate, prior BetaPrior) ([]float64, error) {
	if len(arms) == 0 {
		return nil, fmt.Errorf("%w: no arms", ErrTooFewUnits)
	}
	a := make([]float64, len(arms))
	b := make([]float64, len(arms))
	for i, arm := range arms {
		var err error
		if a[i], b[i], err = prior.posterior(arm); err != nil {
			return nil, fmt.Errorf("%w (arm %d)", err, i)
		}
	}
	out := make([]float64, len(arms))
	if len(arms) == 1 {
		out[0] = 1
		return out, nil
	}
	d := make([]betaArm, len(arms))
	same := true
	for i := range arms {
		d[i] = newBetaArm(a[i], b[i])
		same = same && a[i] == a[0] && b[i] == b[0]
	}
	if same {
		for i := range out {
			out[i] = 1 / float64(len(out))
		}
		return out, nil
	}
	// A small-shape arm near 1 is integrated in mirrored coordinates (1 - p ~ Beta(b, a),
	// as in probGreater): arm i is best when every 1 - p_j exceeds 1 - p_i.
	mirror := make([]betaArm, len(arms))
	for i := range arms {
		mirror[i] = newBetaArm(b[i], a[i])
	}
	dm := make([]float64, len(arms))
	for i := range arms {
		di, others, below := d[i], d, true
		if di.m > 0.5 && !di.large {
			di, others, below = mirror[i], mirror, false
		}
		for j := range arms {
			dm[j] = meanDiff(di, others[j])
		}
		out[i] = clamp01(di.integrateAgainst(func(t float64) float64 {
			v := 1.0
			for j := range arms {
				switch {
				case j == i || v == 0:
				case below:
					v *= others[j].cdfAt(di, dm[j], t)
				default:
					v *= others[j].sfAt(di, dm[j], t)
				}
			}
			return v
		}, 1e-14))
	}
	return out, nil
}

// PosteriorInterval is the equal-tailed credible interval of an arm's rate at level (for
// example 0.95) under the Beta posterior: its (1-level)/2 and (1+level)/2 quantiles, by
// Newton steps on the accurate incomplete beta of betadist.go inside a bracket (closed forms
// for a unit shape, such as 0 successes under the uniform prior: 1 - (1-u)^(1/b)). Accurate to
// about 1e-14 relative at any count an int64 holds (tested against mpmath up to 2^62 trials);
// 0 <= Lower <= Upper <= 1 always. A level outside (0, 1) is ErrInvalidInput.
func PosteriorInterval(arm Rate, prior BetaPrior, level float64) (Interval, error) {
	if !(level > 0 && level < 1) {
		return Interval{}, fmt.Errorf("%w: credible level %v", ErrInvalidInput, level)
	}
	a, b, err := prior.posterior(arm)
	if err != nil {
		return Interval{}, err
	}
	tail := (1 - level) / 2
	iv := Interval{Lower: invRegIncBeta(a, b, tail), Upper: invRegIncBeta(a, b, 1-tail)}
	iv.Upper = math.Max(iv.Upper, iv.Lower) // equal up to rounding when level is below 1e-15
	return iv, nil
}

// ThompsonAllocation returns the share of traffic Thompson sampling would send to each arm:
// the probability that a draw from the posteriors makes the arm the best, which is exactly
// ProbBest. Floor (in [0, 1/k)) keeps every arm explored: each share is raised to at least
// Floor and the rest rescaled so the shares sum to 1. Deterministic.
func ThompsonAllocation(arms []Rate, prior BetaPrior, floor float64) ([]float64, error) {
	if !(floor >= 0) || floor*float64(len(arms)) >= 1 {
		return nil, fmt.Errorf("%w: floor %v for %d arms", ErrInvalidInput, floor, len(arms))
	}
	p, err := ProbBest(arms, prior)
	if err != nil {
		return nil, err
	}
	if floor == 0 {
		return p, nil
	}
	// Arms under the floor get it; the others share the remainder in proportion to p.
	fixed := make([]bool, len(p))
	for {
		rest, mass := 1.0, 0.0
		for i := range p {
			if fixed[i] {
				rest -= floor
			} else {
				mass += p[i]
			}
		}
		changed := false
		out := make([]float64, len(p))
		for i := range p {
			if fixed[i] {
				out[i] = floor
				continue
			}
			out[i] = rest * p[i] / mass
			if mass == 0 {
				out[i] = rest / float64(len(p))
			}
			if out[i] < floor {
				fixed[i], changed = true, true
			}
		}
		if !changed {
			return out, nil
		}
	}
}

// ThompsonSample picks the arm to show next by Thompson sampling: one draw from each arm's
// Beta posterior, the largest wins (ties to the lower index). rng must not be nil; seed it
// (rand.New(rand.NewPCG(seed, 0))) for a reproducible bandit. Not safe for concurrent use
// with a shared rng.
func ThompsonSample(arms []Rate, prior BetaPrior, rng *rand.Rand) (int, error) {
	if len(arms) == 0 {
		return -1, fmt.Errorf("%w: no arms", ErrTooFewUnits)
	}
	best, bestV := -1, math.Inf(-1)
	for i, arm := range arms {
		a, b, err := prior.posterior(arm)
		if err != nil {
			return -1, fmt.Errorf("%w (arm %d)", err, i)
		}
		v := distuv.Beta{Alpha: a, Beta: b, Src: rng}.Rand()
		if v > bestV {
			best, bestV = i, v
		}
	}
	return best, nil
}

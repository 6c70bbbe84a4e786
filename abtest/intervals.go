package abtest

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/stat"
)

// DiffMethod selects an interval for a difference of proportions pB - pA (statsmodels
// confint_proportions_2indep naming). The zero value is Wald.
type DiffMethod int

const (
	// Wald: d -/+ z sqrt(pA(1-pA)/nA + pB(1-pB)/nB). Poor coverage near 0 or 1.
	Wald DiffMethod = iota
	// AgrestiCaffo: Wald after adding one success and one failure to each arm.
	AgrestiCaffo
	// Newcombe: the hybrid score interval from the two Wilson intervals (Newcombe 1998, method 10).
	Newcombe
	// MiettinenNurminen: the score interval inverting (d^ - d)^2 / (N/(N-1) var~(d)) <= z^2 with
	// the restricted MLE under pB - pA = d (R PropCIs diffscoreci). Best coverage; root finding.
	MiettinenNurminen
)

// RatioMethod selects an interval for a ratio of proportions pB/pA. The zero value is KatzLog.
type RatioMethod int

const (
	// KatzLog: exp(log r -/+ z sqrt(1/xB - 1/nB + 1/xA - 1/nA)); needs xA, xB > 0.
	KatzLog RatioMethod = iota
	// KoopmanScore: Koopman's (1984) asymptotic score interval (R PropCIs riskscoreci).
	KoopmanScore
)

// twoProportions are the validated counts of two arms, as float64, with the normal quantile
// z_{1-alpha/2} of a two-sided interval.
type twoProportions struct{ xA, nA, xB, nB, z float64 }

func checkProportions(control, treatment Rate, alpha float64) (twoProportions, error) {
	a, err := checkAlpha(alpha)
	if err != nil {
		return twoProportions{}, err
	}
	if err := validRate(control); err != nil {
		return twoProportions{}, fmt.Errorf("%w (control)", err)
	}
	if err := validRate(treatment); err != nil {
		return twoProportions{}, fmt.Errorf("%w (treatment)", err)
	}
	if control.Trials == 0 || treatment.Trials == 0 {
		return twoProportions{}, fmt.Errorf("%w: interval needs trials in both arms", ErrTooFewUnits)
	}
	return twoProportions{xA: float64(control.Successes), nA: float64(control.Trials),
		xB: float64(treatment.Successes), nB: float64(treatment.Trials), z: normUpper(a / 2)}, nil
}

// WilsonInterval is the Wilson score interval for one proportion at level 1 - alpha
// (alpha 0 means 0.05):
//
//	(p + z^2/(2n) -/+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n),  z = z_{1-alpha/2}
//
// x = 0 gives a lower bound of exactly 0 and x = n an upper bound of exactly 1.
func WilsonInterval(p Rate, alpha float64) (Interval, error) {
	a, err := checkAlpha(alpha)
	if err != nil {
		return Interval{}, err
	}
	if err := validRate(p); err != nil {
		return Interval{}, err
	}
	if p.Trials == 0 {
		return Interval{}, fmt.Errorf("%w: Wilson interval needs trials", ErrTooFewUnits)
	}
	return stat.Wilson(float64(p.Successes), float64(p.Trials), normUpper(a/2)), nil
}

// DiffInterval is a 1 - alpha interval (alpha 0 means 0.05) for pB - pA by method.
func DiffInterval(control, treatment Rate, alpha float64, method DiffMethod) (Interval, error) {
	c, err := checkProportions(control, treatment, alpha)
	if err != nil {
		return Interval{}, err
	}
	z, xA, nA, xB, nB := c.z, c.xA, c.nA, c.xB, c.nB
	pA, pB := xA/nA, xB/nB
	d := pB - pA
	switch method {
	case Wald:
		h := z * math.Sqrt(pA*(1-pA)/nA+pB*(1-pB)/nB)
		return Interval{Lower: d - h, Upper: d + h}, nil
	case AgrestiCaffo:
		qA, qB := (xA+1)/(nA+2), (xB+1)/(nB+2)
		h := z * math.Sqrt(qA*(1-qA)/(nA+2)+qB*(1-qB)/(nB+2))
		return Interval{Lower: qB - qA - h, Upper: qB - qA + h}, nil
	case Newcombe:
		wA, wB := stat.Wilson(xA, nA, z), stat.Wilson(xB, nB, z)
		lo := d - math.Sqrt((pB-wB.Lower)*(pB-wB.Lower)+(wA.Upper-pA)*(wA.Upper-pA))
		hi := d + math.Sqrt((wB.Upper-pB)*(wB.Upper-pB)+(pA-wA.Lower)*(pA-wA.Lower))
		return Interval{Lower: lo, Upper: hi}, nil
	case MiettinenNurminen:
		return scoreDiffInterval(xB, nB, xA, nA, z)
	}
	return Interval{}, fmt.Errorf("%w: diff method %d", ErrInvalidInput, int(method))
}

// mnRestricted returns the restricted MLE (p1~, p0~) under p1 - p0 = d (Farrington and
// Manning 1990 closed-form cubic), with arm 1 = treatment and arm 0 = control.
func mnRestricted(x1, n1, x0, n0, d float64) (float64, float64) {
	p1, p0 := x1/n1, x0/n0
	th := n0 / n1
	a := 1 + th
	b := -(1 + th + p1 + th*p0 + d*(th+2))
	c := d*d + d*(2*p1+th+1) + p1 + th*p0
	e := -p1 * d * (1 + d)
	v := b*b*b/(27*a*a*a) - b*c/(6*a*a) + e/(2*a)
	u := math.Sqrt(math.Max(0, b*b/(9*a*a)-c/(3*a)))
	if v < 0 {
		u = -u
	}
	r := 0.0
	if u != 0 {
		r = math.Max(-1, math.Min(1, v/(u*u*u)))
	}
	w := (math.Pi + math.Acos(r)) / 3
	q1 := 2*u*math.Cos(w) - b/(3*a)
	q1 = math.Max(0, math.Min(1, q1))
	q0 := math.Max(0, math.Min(1, q1-d))
	return q1, q0
}

// scoreDiffInterval inverts the Miettinen-Nurminen score statistic by bisection on each side
// of the estimate.
func scoreDiffInterval(x1, n1, x0, n0, z float64) (Interval, error) {
	dhat := x1/n1 - x0/n0
	N := n1 + n0
	stat := func(d float64) float64 {
		q1, q0 := mnRestricted(x1, n1, x0, n0, d)
		v := (q1*(1-q1)/n1 + q0*(1-q0)/n0) * N / (N - 1)
		if v <= 0 {
			return math.Inf(1)
		}
		return (dhat-d)*(dhat-d)/v - z*z
	}
	lo := bisect(stat, -1, dhat)
	hi := bisect(stat, dhat, 1)
	return Interval{Lower: lo, Upper: hi}, nil
}

// bisect finds the crossing of f between a and b where f changes sign between f(a) and f(b);
// if f does not change sign the end where f <= 0 is returned (the interval reaches the
// boundary of the parameter space).
func bisect(f func(float64) float64, a, b float64) float64 {
	fa, fb := f(a), f(b)
	if (fa > 0) == (fb > 0) {
		if fa <= 0 {
			return a
		}
		return b
	}
	for range 200 {
		m := 0.5 * (a + b)
		if m == a || m == b {
			break
		}
		fm := f(m)
		if (fm > 0) == (fa > 0) {
			a, fa = m, fm
		} else {
			b = m
		}
	}
	return 0.5 * (a + b)
}

// RatioInterval is a 1 - alpha interval (alpha 0 means 0.05) for the risk ratio pB/pA.
// KatzLog needs successes in both arms (ErrZeroVariance otherwise).
func RatioInterval(control, treatment Rate, alpha float64, method RatioMethod) (Interval, error) {
	c, err := checkProportions(control, treatment, alpha)
	if err != nil {
		return Interval{}, err
	}
	z, xA, nA, xB, nB := c.z, c.xA, c.nA, c.xB, c.nB
	switch method {
	case KatzLog:
		if xA == 0 || xB == 0 {
			return Interval{}, fmt.Errorf("%w: Katz log interval needs successes in both arms", ErrZeroVariance)
		}
		lr := math.Log((xB / nB) / (xA / nA))
		h := z * math.Sqrt(1/xB-1/nB+1/xA-1/nA)
		return Interval{Lower: math.Exp(lr - h), Upper: math.Exp(lr + h)}, nil
	case KoopmanScore:
		return koopman(xB, nB, xA, nA, z)
	}
	return Interval{}, fmt.Errorf("%w: ratio method %d", ErrInvalidInput, int(method))
}

// koopman inverts Koopman's score statistic for phi = p1/p0. Under H0 p1 = phi p0 the
// restricted MLE p0~ is the smaller root of N phi p0^2 - (n1 phi + x1 + n0 + x0 phi) p0 +
// (x1 + x0) = 0; the statistic is the Pearson chi-square
// (x1 - n1 p1~)^2/(n1 p1~ (1-p1~)) + (x0 - n0 p0~)^2/(n0 p0~ (1-p0~)). The search runs on
// log phi.
func koopman(x1, n1, x0, n0, z float64) (Interval, error) {
	if x1 == 0 && x0 == 0 {
		return Interval{Lower: 0, Upper: math.Inf(1)}, nil
	}
	stat := func(lphi float64) float64 {
		phi := math.Exp(lphi)
		A := (n1 + n0) * phi
		B := -(n1*phi + x1 + n0 + x0*phi)
		C := x1 + x0
		disc := math.Max(0, B*B-4*A*C)
		p0 := (-B - math.Sqrt(disc)) / (2 * A)
		p1 := phi * p0
		if p1 >= 1 || p0 <= 0 || p1 <= 0 || p0 >= 1 {
			return math.Inf(1)
		}
		u1 := x1 - n1*p1
		u0 := x0 - n0*p0
		return u1*u1/(n1*p1*(1-p1)) + u0*u0/(n0*p0*(1-p0)) - z*z
	}
	est := math.Log((x1 / n1) / (x0 / n0))
	const span = 50.0
	res := Interval{Lower: 0, Upper: math.Inf(1)}
	if x1 > 0 {
		c := est
		if x0 == 0 {
			c = span
		}
		res.Lower = math.Exp(bisect(stat, -span, c))
	}
	if x0 > 0 {
		c := est
		if x1 == 0 {
			c = -span
		}
		res.Upper = math.Exp(bisect(stat, c, span))
	}
	return res, nil
}

// FiellerInterval is Fieller's (1954) 1 - alpha interval for the relative effect
// mB/mA - 1 of two independent arms, with a normal quantile z = z_{1-alpha/2}: the set of R
// with (mB - R mA)^2 <= z^2 (vB/nB + R^2 vA/nA), bounded iff mA^2 > z^2 vA/nA. Unlike the
// delta method it is asymmetric and honest about a noisy baseline; when the baseline is not
// distinguishable from 0 the set is unbounded and the error is ErrUnbounded. A negative
// baseline is handled through (mB - mA)/|mA| = sign(mA)(R - 1).
func FiellerInterval(control, treatment Arm, alpha float64) (Interval, error) {
	a, err := checkAlpha(alpha)
	if err != nil {
		return Interval{}, err
	}
	if err := validateArm("control", control); err != nil {
		return Interval{}, err
	}
	if err := validateArm("treatment", treatment); err != nil {
		return Interval{}, err
	}
	nA, nB := control.Units(), treatment.Units()
	if nA < 1 || nB < 1 {
		return Interval{}, fmt.Errorf("%w: Fieller needs units in both arms", ErrTooFewUnits)
	}
	mA, mB := control.Mean(), treatment.Mean()
	sA, sB := control.Variance()/nA, treatment.Variance()/nB
	if !finite(mA) || !finite(mB) || !finite(sA) || !finite(sB) {
		return Interval{}, fmt.Errorf("%w: means %v, %v", ErrInvalidInput, mA, mB)
	}
	z := normUpper(a / 2)
	// The quadratic divided by mA^4, in rho = mB/mA and the coefficients of variation
	// u = sqrt(sA)/|mA|, v = sqrt(sB)/|mA|: q = 1 - z^2 u^2, roots (rho -/+ sqrt(D))/q with
	// D = rho^2 - q (rho^2 - z^2 v^2) = z^2 (rho^2 u^2 + q v^2), so that no power of a mean
	// over- or underflows.
	rho := mB / mA
	u, v := math.Sqrt(sA)/math.Abs(mA), math.Sqrt(sB)/math.Abs(mA)
	zu := z * u
	q := 1 - zu*zu
	if !(q > 0) {
		return Interval{Lower: math.Inf(-1), Upper: math.Inf(1)}, fmt.Errorf("%w: baseline mean %v within noise (mA^2 <= z^2 var)", ErrUnbounded, mA)
	}
	sd := z * math.Hypot(rho*u, math.Sqrt(q)*v)
	r1 := (rho - sd) / q
	r2 := (rho + sd) / q
	if !finite(r1) || !finite(r2) {
		return Interval{}, fmt.Errorf("%w: Fieller interval for means %v and %v", ErrOverflow, mA, mB)
	}
	if mA < 0 {
		return Interval{Lower: 1 - r2, Upper: 1 - r1}, nil
	}
	return Interval{Lower: r1 - 1, Upper: r2 - 1}, nil
}

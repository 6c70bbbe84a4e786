package abtest

import "math"

// The Beta distribution at any shape a float64 can hold. gonum's RegIncBeta and a log-gamma
// density lose everything at large shapes: ln B(a, b) cancels terms of order (a+b) ln(a+b)
// (1e-3 off at Beta(5, 1e12)), and the incomplete beta's continued fraction stops early near
// the mean (values above 1 from a+b ~ 1e10). Here:
//
//   - the log density is written with Stirling's correction delta(z) = ln Gamma(z) -
//     (z - 1/2) ln z + z - ln sqrt(2 pi) and Loader's deviance bd0(k, M) = k ln(k/M) + M - k,
//     so that no two large terms cancel (Loader 2000, as R's dbeta);
//   - the distribution function is the continued fraction (DLMF 8.17.22) times that accurate
//     prefactor while min(a, b) < largeShape, and beyond it, where the fraction needs
//     O(sqrt(min(a, b))) steps, Gauss-Kronrod quadrature of the density in the standardised
//     variable t = (x - mean)/sd, over at most 14 sd from the mean (the mass beyond is below
//     1e-30 at such shapes, whose skewness is below 2/sqrt(largeShape) = 0.02).

// largeShape is the smaller shape from which a Beta is handled in standardised coordinates.
const largeShape = 1e4

// stdReach is how many standard deviations from the mean the standardised CDF integrates.
const stdReach = 14

// lnSqrt2Pi is ln sqrt(2 pi).
const lnSqrt2Pi = 0.91893853320467274178

// stirlingCorr is delta(z) = ln Gamma(z) - ((z - 1/2) ln z - z + ln sqrt(2 pi)) for z > 0: the
// asymptotic series 1/(12z) - 1/(360z^3) + ... from z = 15 (truncation below 1e-19), the
// definition through math.Lgamma below, where no term is large.
func stirlingCorr(z float64) float64 {
	if z < 15 {
		lg, _ := math.Lgamma(z)
		return lg - ((z-0.5)*math.Log(z) - z + lnSqrt2Pi)
	}
	r := 1 / z
	r2 := r * r
	return r * (1.0/12 - r2*(1.0/360-r2*(1.0/1260-r2*(1.0/1680-r2*(1.0/1188-r2*(691.0/360360-r2/156))))))
}

// bd0 is Loader's deviance term k ln(k/M) + M - k >= 0 for k >= 0, M > 0, by its series in
// v = (k - M)/(k + M) when k and M are close, where the direct form cancels.
func bd0(k, m float64) float64 {
	if k == 0 {
		return m
	}
	if math.Abs(k-m) < 0.1*(k+m) {
		v := (k - m) / (k + m)
		s := (k - m) * v
		ej := 2 * k * v
		v2 := v * v
		for j := 1; j < 1000; j++ {
			ej *= v2
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return k*math.Log(k/m) + m - k
}

// log1pmx is eps - ln(1 + eps) >= 0, by its alternating series for |eps| < 0.1.
func log1pmx(eps float64) float64 {
	if math.Abs(eps) >= 0.1 {
		return eps - math.Log1p(eps)
	}
	s, term := 0.0, -eps
	for k := 2; k < 60; k++ {
		term *= -eps
		s1 := s + term/float64(k)
		if s1 == s {
			break
		}
		s = s1
	}
	return s
}

// logBetaPDF is the log density of Beta(a, b) at x in (0, 1):
//
//	ln f(x) = -bd0(a, n x) - bd0(b, n (1-x)) + ln sqrt(a b / n) - ln x - ln(1-x) - ln sqrt(2 pi)
//	          - delta(a) - delta(b) + delta(n),   n = a + b,
//
// accurate to a few ulps of its terms at every shape. -Inf outside (0, 1).
func logBetaPDF(x, a, b float64) float64 {
	if !(x > 0 && x < 1) {
		return math.Inf(-1)
	}
	return logBetaPDF2(x, 1-x, a, b)
}

// logBetaPDF2 is logBetaPDF with 1 - x given as y, so that a caller holding the complement
// of a tiny x (or the reverse) keeps both to full relative precision.
func logBetaPDF2(x, y, a, b float64) float64 {
	n := a + b
	return -bd0(a, n*x) - bd0(b, n*y) + 0.5*math.Log(a*b/n) - math.Log(x) - math.Log(y) -
		lnSqrt2Pi - stirlingCorr(a) - stirlingCorr(b) + stirlingCorr(n)
}

// betaPDF is the Beta(a, b) density, 0 outside (0, 1).
func betaPDF(x, a, b float64) float64 { return math.Exp(logBetaPDF(x, a, b)) }

// regIncBeta is the regularized incomplete beta I_x(a, b) = P(Beta(a, b) <= x), accurate to
// about 1e-15 absolute (and relative in the lower tail) at every shape.
func regIncBeta(a, b, x float64) float64 {
	switch {
	case !(x > 0):
		return 0
	case x >= 1:
		return 1
	case math.Min(a, b) >= largeShape:
		d := newBetaArm(a, b)
		return d.cdfStd((x - d.m) / d.s)
	case a > b:
		return 1 - regIncBetaSmall(b, a, 1-x, x)
	}
	return regIncBetaSmall(a, b, x, 1-x)
}

// mirrorRatio bounds b/a for the mirrored continued fraction I_{1-x}(b, a): its first
// coefficients are 1 - (a+b)(1-x)/(b+1) = (1 - a + (a+b) x)/(b+1) and alike, which cancel
// to a relative error of about 5e-18 b/a (measured against mpmath), so beyond 2000 the
// upper tail is integrated instead.
const mirrorRatio = 2000

// regIncBetaSmall is I_x(a, b) for a <= b and a < largeShape, with y = 1 - x: the continued
// fraction below the mean's switch point x0 = (a+1)/(a+b+2); above it 1 - I_y(b, a) by the
// mirrored fraction while b <= mirrorRatio a; else the quadrature of the density over the
// shorter of [x0, x] (added to the fraction at x0) and [x, top] (subtracted from 1), where
// top = (a + 10 sqrt(a) + 50)/(a + b) bounds the support up to a mass below 1e-20 (a gamma
// tail, as b >> a).
func regIncBetaSmall(a, b, x, y float64) float64 {
	x0 := (a + 1) / (a + b + 2)
	switch {
	case x <= x0:
		return betaCF(a, b, x, y)
	case b <= mirrorRatio*a:
		return 1 - betaCF(b, a, y, x)
	}
	top := math.Min(1, (a+10*math.Sqrt(a)+50)/(a+b))
	if x >= top {
		return 1
	}
	pdf := func(t float64) float64 { return betaPDF(t, a, b) }
	if x-x0 < top-x {
		return math.Min(1, betaCF(a, b, x0, 1-x0)+integrate(pdf, x0, x, 1e-16))
	}
	return math.Max(0, 1-integrate(pdf, x, top, 1e-16))
}

// betaCF is I_x(a, b) = x^a (1-x)^b / (a B(a, b)) K(x) with K the continued fraction
// 1/(1+ d1/(1+ d2/(1+ ...))) of DLMF 8.17.22, evaluated by the modified Lentz method; it
// converges quickly for x < (a+1)/(a+b+2). y is 1 - x, passed separately so that the
// mirrored call I_{1-x}(b, a) of a tiny x keeps x exact in the prefactor.
func betaCF(a, b, x, y float64) float64 {
	const tiny = 1e-300
	lpre := logBetaPDF2(x, y, a, b) + math.Log(x) + math.Log(y) - math.Log(a)
	if lpre < -745 {
		return 0
	}
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1.0; m <= 20000; m++ {
		m2 := 2 * m
		aa := m * (b - m) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return math.Min(1, math.Exp(lpre)*h)
}

// betaArm is one Beta(a, b) posterior prepared for the integrals of ProbBBeatsA and ProbBest:
// its mean m and standard deviation s, and for large shapes the constant part of the log
// density in the standardised variable t = (x - m)/s.
type betaArm struct {
	a, b, n float64
	m, s    float64
	large   bool    // min(a, b) >= largeShape: standardised density and CDF
	lnC     float64 // large arms: ln s + ln sqrt(a b/n) - ln sqrt(2 pi) - delta(a) - delta(b) + delta(n)
}

func newBetaArm(a, b float64) betaArm {
	n := a + b
	m, s := a/n, math.Sqrt(a/n*(b/n)/(n+1))
	d := betaArm{a: a, b: b, n: n, m: m, s: s, large: math.Min(a, b) >= largeShape}
	if d.large {
		d.lnC = math.Log(s) + 0.5*math.Log(a*b/n) - lnSqrt2Pi - stirlingCorr(a) - stirlingCorr(b) + stirlingCorr(n)
	}
	return d
}

// pdfStd is the density of t = (X - m)/s, s f(m + s t). For a large arm it is computed from t
// directly: n x = a (1 + ea) with ea = n s t/a and n (1-x) = b (1 + eb) with eb = -n s t/b,
// so bd0(a, n x) = a log1pmx(ea) keeps full precision even where x itself cannot resolve
// the spread (s/m below 1e-8 at a+b ~ 1e16).
func (d betaArm) pdfStd(t float64) float64 {
	if !d.large {
		return d.s * betaPDF(d.m+d.s*t, d.a, d.b)
	}
	x, omx := d.m+d.s*t, d.b/d.n-d.s*t
	if !(x > 0 && omx > 0) {
		return 0
	}
	ns := d.n * d.s * t
	return math.Exp(d.lnC - d.a*log1pmx(ns/d.a) - d.b*log1pmx(-ns/d.b) - math.Log(x) - math.Log(omx))
}

// cdfStd is P((X - m)/s <= u) for a large arm: the integral of pdfStd from the nearer end of
// [-stdReach, stdReach] in panels of 2 sd (Gauss-Kronrod 15 points each).
func (d betaArm) cdfStd(u float64) float64 {
	switch {
	case math.IsNaN(u):
		return math.NaN()
	case u <= -stdReach:
		return 0
	case u >= stdReach:
		return 1
	case u <= 0:
		return d.intStd(-stdReach, u)
	}
	return 1 - d.intStd(u, stdReach)
}

// intStd integrates pdfStd over [lo, hi] in panels of at most 2 sd.
func (d betaArm) intStd(lo, hi float64) float64 {
	f := d.pdfStd
	sum := 0.0
	for lo < hi {
		next := math.Min(hi, lo+2)
		v, _ := gk15(f, lo, next)
		sum += v
		lo = next
	}
	return sum
}

// cdf is P(X <= x).
func (d betaArm) cdf(x float64) float64 {
	if d.large {
		if !(x > 0) {
			return 0
		}
		if x >= 1 {
			return 1
		}
		return d.cdfStd((x - d.m) / d.s)
	}
	return regIncBeta(d.a, d.b, x)
}

// cdfAt is P(X <= x) at x = o.m + o.s t, a point given in the standardised coordinate of
// another arm o; dm = o.m - d.m (meanDiff), so that for a large arm the point's own
// standardised coordinate (dm + o.s t)/d.s carries no rounding of x.
func (d betaArm) cdfAt(o betaArm, dm, t float64) float64 {
	if d.large {
		return d.cdfStd((dm + o.s*t) / d.s)
	}
	return regIncBeta(d.a, d.b, o.m+o.s*t)
}

// tRange is the standardised integration range: 40 sd around the mean inside [0, 1] (the
// mass outside is far below float64 resolution), stdReach sd for a large arm.
func (d betaArm) tRange() (float64, float64) {
	r := 40.0
	if d.large {
		r = stdReach
	}
	return math.Max(-r, -d.m/d.s), math.Min(r, (d.b/d.n)/d.s)
}

// meanDiff is o.m - d.m = (ao bd - ad bo)/(no nd), with the numerator from error-free
// products, so that two close means keep their difference to full relative precision.
func meanDiff(o, d betaArm) float64 {
	p1 := o.a * d.b
	e1 := math.FMA(o.a, d.b, -p1)
	p2 := d.a * o.b
	e2 := math.FMA(d.a, o.b, -p2)
	return ((p1 - p2) + (e1 - e2)) / o.n / d.n
}

// invRegIncBeta is the u-quantile of Beta(a, b) for u in (0, 1): the x with I_x(a, b) = u, by
// Newton steps on the accurate CDF kept inside a shrinking bracket (bisection, geometric
// while the bracket spans orders of magnitude). When the mean is above 1/2 it solves the
// mirrored problem I_{1-x}(b, a) = 1 - u, so that quantiles near 1 keep their precision.
// Closed forms for a = 1 or b = 1.
func invRegIncBeta(a, b, u float64) float64 {
	switch {
	case !(u > 0):
		return 0
	case u >= 1:
		return 1
	case a > b:
		return 1 - invRegIncBeta(b, a, 1-u)
	case a == 1:
		return -math.Expm1(math.Log1p(-u) / b) // 1 - (1-x)^b = u
	case b == 1:
		return math.Exp(math.Log(u) / a) // x^a = u
	}
	d := newBetaArm(a, b)
	x := d.m + d.s*(-normUpper(u))
	if !(x > 0 && x < 1) {
		// Far from normal (a small shape): the gamma limit x ~ G/(a+b), G ~ Gamma(a), with
		// its lower tail G^a/Gamma(a+1) ~ u.
		lg, _ := math.Lgamma(a + 1)
		x = math.Min(0.5, math.Exp((math.Log(u)+lg)/a)/(a+b))
	}
	lo, hi := 0.0, 1.0
	for range 300 {
		f := d.cdf(x) - u
		if f == 0 {
			return x
		}
		if f < 0 {
			lo = x
		} else {
			hi = x
		}
		nx := x - f/betaPDF(x, a, b)
		if !(nx > lo && nx < hi) {
			switch {
			case lo == 0:
				nx = hi / 16
			case hi > 16*lo:
				nx = math.Sqrt(lo * hi)
			default:
				nx = lo + (hi-lo)/2
			}
		}
		if math.Abs(nx-x) <= 2e-16*x || hi-lo <= 2e-16*hi {
			return nx
		}
		x = nx
	}
	return x
}

// sfAt is P(X > x) at x = o.m + o.s t (see cdfAt), computed from the upper tail.
func (d betaArm) sfAt(o betaArm, dm, t float64) float64 {
	if d.large {
		u := (dm + o.s*t) / d.s
		switch {
		case math.IsNaN(u):
			return math.NaN()
		case u >= stdReach:
			return 0
		case u <= -stdReach:
			return 1
		case u >= 0:
			return d.intStd(u, stdReach)
		}
		return 1 - d.intStd(-stdReach, u)
	}
	return 1 - regIncBeta(d.a, d.b, o.m+o.s*t)
}

// integrateAgainst is int pdfStd(t) g(t) dt over the arm's tRange to the absolute tolerance
// tol. A shape below 1 makes the density infinite at 0 (a < 1) or 1 (b < 1), which adaptive
// quadrature handles poorly (6e-9 off at Beta(0.5, 1e6)); there the piece between that end
// and the mean is integrated after the substitution x = m v^(1/a) (1 - x = (1 - m) v^(1/b)
// at the top), under which the density times dx/dv is smooth.
func (d betaArm) integrateAgainst(g func(t float64) float64, tol float64) float64 {
	lo, hi := d.tRange()
	total := 0.0
	if d.a < 1 && lo == -d.m/d.s {
		m, inv := d.m, 1/d.a
		total += integrate(func(v float64) float64 {
			x := m * math.Pow(v, inv)
			if !(x > 0) {
				return 0
			}
			return math.Exp(logBetaPDF(x, d.a, d.b)+math.Log(m*inv)+(inv-1)*math.Log(v)) * g((x-m)/d.s)
		}, 0, 1, tol/2)
		lo = 0
	}
	if d.b < 1 && hi == (d.b/d.n)/d.s {
		q, inv := d.b/d.n, 1/d.b
		total += integrate(func(v float64) float64 {
			y := q * math.Pow(v, inv) // 1 - x
			if !(y > 0) {
				return 0
			}
			return math.Exp(logBetaPDF2(1-y, y, d.a, d.b)+math.Log(q*inv)+(inv-1)*math.Log(v)) * g((q-y)/d.s)
		}, 0, 1, tol/2)
		hi = 0
	}
	if lo < hi {
		total += integrate(func(t float64) float64 {
			v := d.pdfStd(t)
			if v == 0 {
				return 0
			}
			return v * g(t)
		}, lo, hi, tol)
	}
	return total
}

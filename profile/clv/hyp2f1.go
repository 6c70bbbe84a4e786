package clv

import "math"

// hyp2f1 is the Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 <= z < 1, as the BG/NBD
// expectations need it (after Euler's transformation, see BGNBD.purchasesFactor).
//
// The series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ converges for z < 1, but as z nears 1 with m = c-a-b
// small it needs ~40/(1-z) terms or more: 10⁴ terms at a 30-week history and a 10-year
// horizon, called once per period of the horizon. For z > 0.8 the linear transformation to
// 1-z (Abramowitz and Stegun 15.3.6) takes a few dozen terms:
//
//	₂F₁(a,b;c;z) = Γ(c)Γ(m)/(Γ(c-a)Γ(c-b)) ₂F₁(a,b;1-m;1-z)
//	             + (1-z)^m Γ(c)Γ(-m)/(Γ(a)Γ(b)) ₂F₁(c-a,c-b;1+m;1-z)
//
// It is singular at integer m (both terms are infinite, their sum is not): within 1e-5 of an
// integer k the function is interpolated (quadratically, in c) from m = k-1e-5, k+1e-5 and
// k+2e-5, which is accurate to about 1e-10 relative. The series is kept for z <= 0.8 (at most ~200 terms), and for
// m >= 8, where its terms fall like n^-(m+1) and the transformation would cancel (its
// prefactors grow like Γ(m)). If the transformation cancels badly or
// overflows, the series is summed to up to two million terms; failing that (or when the
// series itself cancels, see hypSeries) the result is NaN, and BGNBD.purchasesFactor falls
// back to quadrature. (gonum's Cephes port, the earlier last resort,
// returns wrong values near z = 1 - 1e-9, NaN for large parameters and can even loop; found by
// FuzzBGNBDPredictions and TestHyp2f1Mpmath.) Tested against mpmath in TestHyp2f1Mpmath.
func hyp2f1(a, b, c, z float64) float64 {
	h := newHyp(a, b, c)
	l, sign := h.logAt(z)
	return sign * math.Exp(l)
}

// hyp evaluates ₂F₁(a, b; c; ·) at many z, with the work that does not depend on z (the
// gamma-function prefactors of the transformation to 1-z) done once: BG/NBD's expectations
// over a horizon call it once per period. Values are returned as ln|₂F₁| and a sign, because
// near z = 1 they can exceed the float64 range (by (1-z)^m with m < 0) while the products the
// models need do not.
type hyp struct {
	a, b, c, m float64
	series     bool // the series is used for every z (see hyp2f1)
	ready      bool // conn and nConn are set
	nConn      int  // 1, or 3 around an integer m (interpolated in c)
	conn       [3]connection
}

// connection holds the prefactors of the transformation to 1-z at one c, as logs and signs:
// ₂F₁ = k1 ₂F₁(a,b;1-m;w) + k2 w^m ₂F₁(c-a,c-b;1+m;w), w = 1-z.
type connection struct {
	c, m     float64
	lk1, lk2 float64
	sk1, sk2 float64
	ok       bool
}

func newHyp(a, b, c float64) hyp {
	m := c - a - b
	return hyp{a: a, b: b, c: c, m: m, series: m >= 8 || isNonPositiveInt(a) || isNonPositiveInt(b)}
}

// hypNearOneDelta is how far from an integer m the transformation is evaluated.
const hypNearOneDelta = 1e-5

// logAt returns ln|₂F₁(a, b; c; z)| and its sign; NaN if no method converges.
func (h *hyp) logAt(z float64) (float64, float64) {
	if z == 0 {
		return 0, 1
	}
	if z <= 0.8 || h.series {
		if v, ok := hypSeries(h.a, h.b, h.c, z, 1e5); ok {
			return logSign(v)
		}
	} else if l, sg, ok := h.nearOne(1 - z); ok {
		return l, sg
	}
	if v, ok := hypSeries(h.a, h.b, h.c, z, 2e6); ok {
		return logSign(v)
	}
	return math.NaN(), 1
}

func logSign(v float64) (float64, float64) {
	if v < 0 {
		return math.Log(-v), -1
	}
	return math.Log(v), 1
}

func isNonPositiveInt(v float64) bool { return v <= 0 && v == math.Trunc(v) }

// hypSeries sums the series until a term falls below 1e-17 of the sum, for at most maxTerms
// terms; ok is false if it did not converge, overflowed, or its rounding error bound, n ε
// Σ|term|, exceeds 1e-9 of the sum: terms that alternate (a large negative parameter) cancel,
// and each term carries the rounding of the n products before it (BG/NBD with r much larger
// than a+b: 2F1(-99.5, -0.5; 1.5; 0.72) sums terms of 1e19 to 4e-8).
func hypSeries(a, b, c, z, maxTerms float64) (float64, bool) {
	sum, term, comp, abs := 1.0, 1.0, 0.0, 1.0
	for n := 0.0; n < maxTerms; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		// Kahan summation: slowly converging series add many small terms.
		y := term - comp
		t := sum + y
		comp = (t - sum) - y
		sum = t
		abs += math.Abs(term)
		if math.IsInf(sum, 0) || math.IsNaN(sum) {
			return sum, false
		}
		if term == 0 || math.Abs(term) < 1e-17*math.Abs(sum) {
			return sum, (n+2)*0x1p-52*abs <= 1e-9*math.Abs(sum)
		}
	}
	return sum, false
}

// nearOne is ln|₂F₁| and its sign at z = 1-w by the transformation to 1-z (see hyp2f1), for
// w < 0.2.
func (h *hyp) nearOne(w float64) (float64, float64, bool) {
	if !h.ready {
		h.ready = true
		if k := math.Round(h.m); math.Abs(h.m-k) < hypNearOneDelta {
			// Quadratic interpolation in c through m = k-δ, k+δ, k+2δ: ₂F₁ is analytic in c,
			// and the error, O((δ ln(1-z))³), stays below 1e-10 even at 1-z = 1e-9.
			h.nConn = 3
			for i, d := range [3]float64{-hypNearOneDelta, hypNearOneDelta, 2 * hypNearOneDelta} {
				h.conn[i] = newConnection(h.a, h.b, h.c+(k+d-h.m))
			}
		} else {
			h.nConn = 1
			h.conn[0] = newConnection(h.a, h.b, h.c)
		}
	}
	if h.nConn == 1 {
		return h.conn[0].at(h.a, h.b, w, 1e-3)
	}
	// δ away from an integer both terms are ~1/δ times the result: their cancellation is
	// expected, and costs about 1e-11.
	var ls, ss [3]float64
	for i := range 3 {
		l, sg, ok := h.conn[i].at(h.a, h.b, w, 1e-3*hypNearOneDelta)
		if !ok {
			return 0, 0, false
		}
		ls[i], ss[i] = l, sg
	}
	var v float64
	for i := range 3 {
		vi := ss[i] * math.Exp(ls[i]-ls[0])
		for j := range 3 {
			if j != i {
				vi *= (h.c - h.conn[j].c) / (h.conn[i].c - h.conn[j].c)
			}
		}
		v += vi
	}
	l, sg := logSign(v)
	return ls[0] + l, sg, !math.IsNaN(l) && !math.IsInf(l, 0)
}

// newConnection computes the prefactors in logs with signs; 1/Γ at a pole is 0 (Lgamma is
// +Inf there, and the log prefactor -Inf).
func newConnection(a, b, c float64) connection {
	m := c - a - b
	lg := func(v float64) (float64, float64) {
		l, s := math.Lgamma(v)
		return l, float64(s)
	}
	lc, sc := lg(c)
	lm, sm := lg(m)
	lnm, snm := lg(-m)
	lca, sca := lg(c - a)
	lcb, scb := lg(c - b)
	la, sa := lg(a)
	lb, sb := lg(b)
	t := connection{c: c, m: m, lk1: lc + lm - lca - lcb, lk2: lc + lnm - la - lb, sk1: sc * sm * sca * scb, sk2: sc * snm * sa * sb}
	t.ok = !math.IsNaN(t.lk1) && !math.IsNaN(t.lk2) && !math.IsInf(t.lk1, 1) && !math.IsInf(t.lk2, 1)
	return t
}

// at evaluates the two terms at w, as ln|sum| and sign; ok is false if a term is not finite or
// they cancel to less than minRatio of their magnitudes (1e-3 keeps about 1e-13).
func (t connection) at(a, b, w, minRatio float64) (float64, float64, bool) {
	if !t.ok {
		return 0, 0, false
	}
	f1, ok1 := hypSeries(a, b, 1-t.m, w, 1e5)
	f2, ok2 := hypSeries(t.c-a, t.c-b, 1+t.m, w, 1e5)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	l1, s1 := logSign(f1)
	l2, s2 := logSign(f2)
	l1, s1 = l1+t.lk1, s1*t.sk1
	l2, s2 = l2+t.lk2+t.m*math.Log(w), s2*t.sk2
	if l1 < l2 {
		l1, s1, l2, s2 = l2, s2, l1, s1
	}
	if math.IsInf(l1, -1) {
		return 0, 0, false
	}
	r := math.Exp(l2 - l1) // <= 1
	f := 1 + s1*s2*r
	if math.IsNaN(f) || math.Abs(f) < minRatio*(1+r) {
		return 0, 0, false
	}
	lf, sf := logSign(f)
	return l1 + lf, s1 * sf, true
}

package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/NBD model of Fader, Hardie and Lee (2005), "Counting your
// customers the easy way", Marketing Science 24(2). While alive, a customer buys as a Poisson
// process with rate λ ~ Gamma(r, α); after each purchase they drop out with probability
// p ~ Beta(a, b). Time is in the unit of the summary (weeks for the CDNOW results).
//
// For a customer with x repeat purchases, the last at t_x, observed for T:
//
//	ln L = lnΓ(r+x) - lnΓ(r) + r ln α + ln B(a, b+x) - ln B(a, b)
//	       + ln[ (α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x) ]
//
// Methods take x as an int and times as float64 in model units. The zero value is not a
// usable model: set all four parameters positive (FitBGNBD does).
type BGNBD struct {
	R, Alpha, A, B float64
}

// LogLikelihood is ln L of one customer (formula on the type).
func (m BGNBD) LogLikelihood(x int, tx, T float64) float64 {
	return m.llGrad(float64(x), tx, T, nil)
}

// llGrad returns ln L and, when g is not nil, stores its gradient with respect to the
// log-parameters (ln r, ln α, ln a, ln b) in g. It is the fitting objective's inner loop.
func (m BGNBD) llGrad(x, tx, T float64, g []float64) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	lgRx, _ := math.Lgamma(r + x)
	lgR, _ := math.Lgamma(r)
	base := lgRx - lgR + r*math.Log(al) + mathext.Lbeta(a, b+x) - mathext.Lbeta(a, b)
	lA := -(r + x) * math.Log(al+T)
	L := lA
	wA := 1.0 // share of the first term in the bracket
	var lD float64
	if x > 0 {
		lD = math.Log(a) - math.Log(b+x-1) - (r+x)*math.Log(al+tx)
		L = logAddExp(lA, lD)
		wA = math.Exp(lA - L)
	}
	if g != nil {
		wD := 1 - wA
		dr := mathext.Digamma(r+x) - mathext.Digamma(r) + math.Log(al) - wA*math.Log(al+T)
		dal := r/al - wA*(r+x)/(al+T)
		psiABX := mathext.Digamma(a + b + x)
		psiAB := mathext.Digamma(a + b)
		da := psiAB - psiABX
		db := mathext.Digamma(b+x) - psiABX - mathext.Digamma(b) + psiAB
		if x > 0 {
			dr -= wD * math.Log(al+tx)
			dal -= wD * (r + x) / (al + tx)
			da += wD / a
			db -= wD / (b + x - 1)
		}
		g[0], g[1], g[2], g[3] = dr*r, dal*al, da*a, db*b
	}
	return base + L
}

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// ExpectedPurchases is the expected number of purchases of a new customer in (0, t]:
//
//	E[X(t)] = (a+b-1)/(a-1) [1 - (α/(α+t))^r ₂F₁(r, b; a+b-1; t/(α+t))]
//
// evaluated with Euler's transformation (see purchasesFactor).
func (m BGNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.purchasesFactor(0, m.Alpha, t)
}

// purchasesFactor is (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; z)]
// with z = t/(α+T+t) and αT = α+T. Euler's transformation
// ₂F₁(A, B; C; z) = (1-z)^(C-A-B) ₂F₁(C-A, C-B; C; z) turns the bracket into
// 1 - (1-z)^(a-1) ₂F₁(a+b-1-r, a-1; a+b+x-1; z), whose series stays small however large x is
// and however close z is to 1 (the untransformed ₂F₁ overflows there). At a = 1 the formula
// is 0/0; a is moved off 1 by 1e-9, which changes the result by about as much.
func (m BGNBD) purchasesFactor(x, alphaT, t float64) float64 {
	a, b := m.shifted(x)
	h := newHyp(a+b-1-m.R, a-1, a+b+x-1)
	return m.factor(&h, a, b, x, alphaT, t)
}

// shifted returns a and b moved off the removable singularities of purchasesFactor: a off 1
// (see there), and b so that a+b+x-1 is at least 1e-9 away from 0, where the ₂F₁ has a pole
// that the factor a+b+x-1 cancels (x = 0 and a+b = 1, found by FuzzBGNBDPredictions). Either
// changes the result by about 1e-9 relative.
func (m BGNBD) shifted(x float64) (float64, float64) {
	a, b := m.A, m.B
	if math.Abs(a-1) < 1e-9 {
		a = 1 + 1e-9
	}
	if c := a + b + x - 1; math.Abs(c) < 1e-9 {
		b += 1e-9 - c
	}
	return a, b
}

// factor is purchasesFactor with its ₂F₁ (whose parameters do not depend on t) given.
func (m BGNBD) factor(h *hyp, a, b, x, alphaT, t float64) float64 {
	z := t / (alphaT + t)
	lq := math.Log(alphaT / (alphaT + t)) // ln(1-z)
	lh, sign := h.logAt(z)
	if math.IsNaN(lh) {
		return m.purchasesIntegral(x, alphaT, t)
	}
	var bracket float64
	if sign > 0 {
		bracket = -math.Expm1((a-1)*lq + lh) // accurate when the product is near 1
	} else {
		bracket = 1 + math.Exp((a-1)*lq+lh) // ₂F₁ can be negative when a+b-1 < 0
	}
	return (a + b + x - 1) / (a - 1) * bracket
}

// purchasesIntegral is purchasesFactor computed from the model's story instead of ₂F₁, for
// where the series cancels (r much larger than a+b, where it once gave E[X(52)] = 489 for a
// true 39.9): alive at T, a customer has λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x), and makes
// (1 - e^(-λpt))/p purchases in t on average, so with s = t/(α+T)
//
//	factor = ∫₀¹ [1 - (1+ps)^-(r+x)] p^(a-2) (1-p)^(b+x-1) dp / B(a, b+x)
//
// by tanh-sinh quadrature: p = 1/(1+e^-v), v = π sinh u, step 1/64 in u, in logs throughout
// (p itself underflows at the ends). The integrand falls like e^(-a|v|) at p -> 0 and
// e^(-(b+x)|v|) at p -> 1, so the nodes run to |v| = (42 + (a+b+x) ln 2)/min(a, b+x): a few
// hundred to two thousand nodes, accurate to about 1e-12 (TestBGNBDLargeR).
func (m BGNBD) purchasesIntegral(x, alphaT, t float64) float64 {
	r1, b1, a := m.R+x, m.B+x, m.A
	s := t / alphaT
	ls, lr := math.Log(s), math.Log(r1)
	lB := mathext.Lbeta(a, b1)
	softplus := func(y float64) float64 { // ln(1+e^y)
		if y > 30 {
			return y + math.Log1p(math.Exp(-y))
		}
		return math.Log1p(math.Exp(y))
	}
	const h = 1.0 / 64
	// ln of the integrand is about a ln p + (b+x) ln(1-p): -(b+x)|v| at the upper end,
	// -a|v| at the lower, and at least -(a+b+x) ln 2 at its peak; stop e^-42 below that.
	vMax := (42 + (a+b1)*math.Ln2) / math.Min(a, b1)
	uMax := math.Asinh(vMax / math.Pi)
	var sum float64
	for k := -int(uMax / h); k <= int(uMax/h); k++ {
		u := float64(k) * h
		v := math.Pi * math.Sinh(u)
		lp, lq := -softplus(-v), -softplus(v) // ln p, ln(1-p)
		// ln[1 - (1+ps)^-(r+x)], which is ln(r+x) + ln(ps) as ps -> 0.
		var lg float64
		if lps := lp + ls; lps+math.Log1p(r1) < -36 {
			lg = lr + lps
		} else {
			lg = math.Log(-math.Expm1(-r1 * math.Log1p(math.Exp(lps))))
		}
		sum += math.Exp(math.Log(math.Pi*math.Cosh(u)) + lg + (a-1)*lp + b1*lq - lB)
	}
	return sum * h
}

// aliveOdds is 1{x>0} a/(b+x-1) ((α+T)/(α+t_x))^(r+x), the odds of having dropped out.
func (m BGNBD) aliveOdds(x int, tx, T float64) float64 {
	if x == 0 {
		return 0
	}
	fx := float64(x)
	return math.Exp(math.Log(m.A) - math.Log(m.B+fx-1) + (m.R+fx)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx)))
}

// ProbAlive is the probability that a customer with history (x, t_x, T) is still alive:
//
//	P(alive) = 1 / [1 + 1{x>0} a/(b+x-1) ((α+T)/(α+t_x))^(r+x)]    (1 when x = 0)
func (m BGNBD) ProbAlive(x int, tx, T float64) float64 {
	return 1 / (1 + m.aliveOdds(x, tx, T))
}

// ConditionalExpectedPurchases is the expected number of purchases in (T, T+t] of a customer
// with history (x, t_x, T):
//
//	E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
//	    [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; t/(α+T+t))] P(alive)
func (m BGNBD) ConditionalExpectedPurchases(t float64, x int, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.purchasesFactor(float64(x), m.Alpha+T, t) * m.ProbAlive(x, tx, T)
}

// curve is t ↦ ConditionalExpectedPurchases(t, x, tx, T) with P(alive) computed once.
func (m BGNBD) curve(x int, tx, T float64) func(float64) float64 {
	pa := m.ProbAlive(x, tx, T)
	fx, alphaT := float64(x), m.Alpha+T
	a, b := m.shifted(fx)
	h := newHyp(a+b-1-m.R, a-1, a+b+fx-1)
	return func(t float64) float64 {
		if t <= 0 {
			return 0
		}
		return m.factor(&h, a, b, fx, alphaT, t) * pa
	}
}

// ProbPurchases is the probability that a new customer makes exactly n purchases in (0, t]:
//
//	P(X(t)=n) = B(a, b+n)/B(a, b) Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n
//	  + 1{n>0} B(a+1, b+n-1)/B(a, b) [1 - (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]
func (m BGNBD) ProbPurchases(t float64, n int) float64 {
	if n < 0 {
		return 0
	}
	if t <= 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	fn := float64(n)
	lbAB := mathext.Lbeta(m.A, m.B)
	lq := math.Log(m.Alpha / (m.Alpha + t)) // ln of α/(α+t)
	lp := math.Log(t / (m.Alpha + t))       // ln of t/(α+t)
	lgR, _ := math.Lgamma(m.R)
	// NBD term j: Γ(r+j)/(Γ(r) j!) q^r p^j
	nbd := func(j float64) float64 {
		lg, _ := math.Lgamma(m.R + j)
		lf, _ := math.Lgamma(j + 1)
		return math.Exp(lg - lgR - lf + m.R*lq + j*lp)
	}
	first := math.Exp(mathext.Lbeta(m.A, m.B+fn)-lbAB) * nbd(fn)
	if n == 0 {
		return first
	}
	var cum float64
	for j := 0; j < n; j++ {
		cum += nbd(float64(j))
	}
	return first + math.Exp(mathext.Lbeta(m.A+1, m.B+fn-1)-lbAB)*math.Max(0, 1-cum)
}

package clv

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison and Colombo (1987), in the
// formulation of Fader, Hardie and Lee (2005): while alive a customer buys as a Poisson process
// with rate λ ~ Gamma(r, α); lifetimes are exponential with rate μ ~ Gamma(s, β). For a
// customer (x, t_x, T):
//
//	ln L = lnΓ(r+x) - lnΓ(r) + r ln α + s ln β + ln[ (α+T)^-(r+x) (β+T)^-s + s I ]
//	I    = ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ
//
// (the second term is the chance of dying at τ in (t_x, T]). I is A₀/(r+s+x) of Fader, Hardie
// and Lee's note, where it is written with two ₂F₁(r+s+x, ·; r+s+x+1; z) terms; their series
// needs millions of terms as z nears 1 (β much smaller than α, or the reverse), which made
// fits on ordinary data take minutes. Here I is computed by Gauss-Legendre quadrature in
// u = ln(min(α,β)+τ), where the log of the integrand is concave with slope in [-(r+s+x), 1]:
// panels of width at most min(1, 4/|slope|), 16 nodes each, stopping once the integrand is
// e^-60 below its maximum. That is a few dozen evaluations per customer for any parameters,
// accurate to about 1e-14 relative (tested against mpmath), and it gives the gradient in the
// same pass (the derivatives of the integrand are elementary).
//
// Everything is evaluated in logs, so histories with hundreds of purchases do not overflow.
// The zero value is not a usable model: set all four parameters positive (FitParetoNBD does).
type ParetoNBD struct {
	R, Alpha, S, Beta float64
}

// pnbdIntegral is I of the type's doc comment, as ln I, and the means of ln(α+τ), 1/(α+τ),
// ln(β+τ) and 1/(β+τ) under the density proportional to its integrand (for the gradient).
type pnbdIntegral struct {
	logI                 float64
	lnA, invA, lnB, invB float64
}

// maxPanels bounds the quadrature's work: the integrand falls by e^-60 within about 15 panels
// of its peak, and ln((k+T)/(k+t_x)) spans at most ~80 panels of width 2 in float64.
const maxPanels = 1000

// glNodes and glWeights are the 16-point Gauss-Legendre rule on [-1, 1].
var glNodes, glWeights = gaussLegendre(12)

// gaussLegendre returns the n-point Gauss-Legendre nodes and weights, by Newton's method on
// the Legendre polynomial from Chebyshev starting points (Numerical Recipes' gauleg).
func gaussLegendre(n int) ([]float64, []float64) {
	x, w := make([]float64, n), make([]float64, n)
	for i := range (n + 1) / 2 {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, 0.0
			for j := 1; j <= n; j++ {
				p0, p1 = ((2*float64(j)-1)*z*p0-(float64(j)-1)*p1)/float64(j), p0
			}
			dp = float64(n) * (z*p0 - p1) / (z*z - 1)
			dz := p0 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		x[i], x[n-1-i] = -z, z
		w[i] = 2 / ((1 - z*z) * dp * dp)
		w[n-1-i] = w[i]
	}
	return x, w
}

// integral computes I (see pnbdIntegral); moments asks for the means too. t_x = T gives
// ln I = -Inf.
func (m ParetoNBD) integral(x, tx, T float64, moments bool) pnbdIntegral {
	if !(tx < T) {
		return pnbdIntegral{logI: math.Inf(-1)}
	}
	rx, s1 := m.R+x, m.S+1
	// In u = ln(k+τ) with k = min(α, β), one of α+τ, β+τ is e^u and the other e^u + d.
	k, d := m.Beta, m.Alpha-m.Beta
	alphaIsK := m.Alpha < m.Beta
	if alphaIsK {
		k, d = m.Alpha, -d
	}
	// at returns h(u) = ln of the integrand times the Jacobian e^u, h'(u), and the logs and
	// reciprocals of α+τ and β+τ.
	at := func(u float64) (h, slope, lnA, invA, lnB, invB float64) {
		eu := math.Exp(u)
		lnK, invK := u, 1/eu
		lnD, invD := math.Log(eu+d), 1/(eu+d)
		if alphaIsK {
			lnA, invA, lnB, invB = lnK, invK, lnD, invD
		} else {
			lnA, invA, lnB, invB = lnD, invD, lnK, invK
		}
		h = u - rx*lnA - s1*lnB
		slope = 1 - rx*eu*invA - s1*eu*invB
		return
	}
	u0, u1 := math.Log(k+tx), math.Log(k+T)
	if math.IsNaN(u0) || math.IsNaN(u1) || math.IsInf(u0, 0) || math.IsInf(u1, 0) {
		return pnbdIntegral{logI: math.NaN()}
	}
	ref, _, _, _, _, _ := at(u0)
	if math.IsNaN(ref) || math.IsInf(ref, 0) {
		return pnbdIntegral{logI: math.NaN()}
	}
	hmax := ref
	var sum, sLnA, sInvA, sLnB, sInvB float64
	_, sa, _, _, _, _ := at(u0)
	for a, panels := u0, 0; a < u1; panels++ {
		w := math.Min(2, 4/math.Abs(sa))
		b := math.Min(a+w, u1)
		hb, sb, _, _, _, _ := at(b)
		if math.Abs(sb)*(b-a) > 4 {
			b = a + 4/math.Abs(sb)
			hb, sb, _, _, _, _ = at(b)
		}
		if !(b > a) || panels == maxPanels {
			// No progress in float64 (parameters far outside any fit's range): fail loudly.
			return pnbdIntegral{logI: math.NaN()}
		}
		mid, half := (a+b)/2, (b-a)/2
		for i, xi := range glNodes {
			h, _, lnA, invA, lnB, invB := at(mid + half*xi)
			if h > ref+300 {
				// Rescale so that the sums cannot overflow (h rises at most by u1 - u0 in
				// total, so this is rare).
				f := math.Exp(ref - h)
				sum, sLnA, sInvA, sLnB, sInvB = sum*f, sLnA*f, sInvA*f, sLnB*f, sInvB*f
				ref = h
			}
			hmax = math.Max(hmax, h)
			e := glWeights[i] * half * math.Exp(h-ref)
			sum += e
			if moments {
				sLnA += e * lnA
				sInvA += e * invA
				sLnB += e * lnB
				sInvB += e * invB
			}
		}
		a, sa = b, sb
		// h is concave: once it falls, it keeps falling at least as fast, so the rest is
		// below e^-60 of what has been summed.
		if sb < 0 && hb < hmax-60 {
			break
		}
	}
	out := pnbdIntegral{logI: ref + math.Log(sum)}
	if moments {
		out.lnA, out.invA, out.lnB, out.invB = sLnA/sum, sInvA/sum, sLnB/sum, sInvB/sum
	}
	return out
}

// LogLikelihood is ln L of one customer (formula on the type).
func (m ParetoNBD) LogLikelihood(x int, tx, T float64) float64 {
	return m.llGrad(float64(x), tx, T, nil)
}

// llGrad returns ln L and, when g is not nil, stores its gradient with respect to the
// log-parameters (ln r, ln α, ln s, ln β) in g. With B = F + sI the bracket of the formula,
// F = (α+T)^-(r+x) (β+T)^-s, w_F = F/B and w_I = sI/B, and ⟨·⟩ the means under I's integrand:
//
//	∂/∂r = ψ(r+x) - ψ(r) + ln α - w_F ln(α+T) - w_I ⟨ln(α+τ)⟩
//	∂/∂α = r/α - (r+x) [w_F/(α+T) + w_I ⟨1/(α+τ)⟩]
//	∂/∂s = ln β - w_F ln(β+T) + w_I (1/s - ⟨ln(β+τ)⟩)
//	∂/∂β = s/β - w_F s/(β+T) - w_I (s+1) ⟨1/(β+τ)⟩
func (m ParetoNBD) llGrad(x, tx, T float64, g []float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	lgRx, _ := math.Lgamma(r + x)
	lgR, _ := math.Lgamma(r)
	lnAT, lnBT := math.Log(al+T), math.Log(be+T)
	lF := -(r+x)*lnAT - s*lnBT
	q := m.integral(x, tx, T, g != nil)
	lI := math.Log(s) + q.logI
	L := logAddExp(lF, lI)
	if g != nil {
		wF, wI := math.Exp(lF-L), 0.0
		if !math.IsInf(lI, -1) {
			wI = math.Exp(lI - L)
		}
		dr := mathext.Digamma(r+x) - mathext.Digamma(r) + math.Log(al) - wF*lnAT
		dal := r/al - (r+x)*wF/(al+T)
		ds := math.Log(be) - wF*lnBT
		dbe := s/be - wF*s/(be+T)
		if wI > 0 {
			dr -= wI * q.lnA
			dal -= (r + x) * wI * q.invA
			ds += wI * (1/s - q.lnB)
			dbe -= wI * (s + 1) * q.invB
		}
		g[0], g[1], g[2], g[3] = dr*r, dal*al, ds*s, dbe*be
	}
	return lgRx - lgR + r*math.Log(al) + s*math.Log(be) + L
}

// ProbAlive is the probability that a customer with history (x, t_x, T) is still alive, the
// share of the first term in the likelihood's bracket:
//
//	P(alive) = 1 / [1 + s I (α+T)^(r+x) (β+T)^s]
func (m ParetoNBD) ProbAlive(x int, tx, T float64) float64 {
	fx := float64(x)
	q := m.integral(fx, tx, T, false)
	l := math.Log(m.S) + q.logI + (m.R+fx)*math.Log(m.Alpha+T) + m.S*math.Log(m.Beta+T)
	return 1 / (1 + math.Exp(l))
}

// powRatio is [1 - (β/(β+t))^(s-1)] / (s-1), written as -expm1(-(s-1) ln(1+t/β)) / (s-1) so
// that it is accurate for s near 1 and equals its limit ln(1+t/β) at s = 1.
func powRatio(s, beta, t float64) float64 {
	l := math.Log1p(t / beta)
	if s == 1 {
		return l
	}
	return -math.Expm1(-(s-1)*l) / (s - 1)
}

// ExpectedPurchases is the expected number of purchases of a new customer in (0, t]:
//
//	E[X(t)] = rβ / (α(s-1)) [1 - (β/(β+t))^(s-1)]    (rβ/α ln(1+t/β) at s = 1)
func (m ParetoNBD) ExpectedPurchases(t float64) float64 {
	if t <= 0 {
		return 0
	}
	return m.R * m.Beta / m.Alpha * powRatio(m.S, m.Beta, t)
}

// ConditionalExpectedPurchases is the expected number of purchases in (T, T+t] of a customer
// with history (x, t_x, T):
//
//	E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)] P(alive)
func (m ParetoNBD) ConditionalExpectedPurchases(t float64, x int, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	fx := float64(x)
	lead := (m.R + fx) * (m.Beta + T) / (m.Alpha + T)
	return lead * powRatio(m.S, m.Beta+T, t) * m.ProbAlive(x, tx, T)
}

// curve is t ↦ ConditionalExpectedPurchases(t, x, tx, T) with P(alive) computed once.
func (m ParetoNBD) curve(x int, tx, T float64) func(float64) float64 {
	fx := float64(x)
	lead := (m.R + fx) * (m.Beta + T) / (m.Alpha + T) * m.ProbAlive(x, tx, T)
	return func(t float64) float64 {
		if t <= 0 {
			return 0
		}
		return lead * powRatio(m.S, m.Beta+T, t)
	}
}

// ParetoNBDFit is a fitted Pareto/NBD model and how the fit went.
type ParetoNBDFit struct {
	ParetoNBD
	FitInfo
}

// FitParetoNBD fits the Pareto/NBD model by maximum likelihood on log-parameters, like
// FitBGNBD (BFGS with the analytic gradient of llGrad). Same data rules and errors as FitBGNBD.
func FitParetoNBD(ctx context.Context, customers []Customer, cfg FitConfig) (ParetoNBDFit, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return ParetoNBDFit{}, err
	}
	rows, meanT, err := rftRows(ctx, customers, cfg)
	if err != nil {
		return ParetoNBDFit{}, err
	}
	ll := func(p []float64, v [3]float64, g []float64) float64 {
		return ParetoNBD{p[0], p[1], p[2], p[3]}.llGrad(v[0], v[1], v[2], g)
	}
	start := []float64{0, math.Log(math.Max(meanT, 1e-3)), 0, math.Log(math.Max(meanT, 1e-3))}
	p, info, err := maximize(ctx, rows, ll, start, []string{"r", "alpha", "s", "beta"}, cfg)
	if err != nil {
		return ParetoNBDFit{FitInfo: info}, err
	}
	return ParetoNBDFit{ParetoNBD: ParetoNBD{p[0], p[1], p[2], p[3]}, FitInfo: info}, nil
}

// rftRows validates the customers and returns their (x, t_x, T) rows and the mean T.
func rftRows(ctx context.Context, customers []Customer, cfg FitConfig) ([][3]float64, float64, error) {
	if len(customers) == 0 {
		return nil, 0, ErrNoData
	}
	rows := make([][3]float64, 0, len(customers))
	repeaters := 0
	var meanT float64
	for i, c := range customers {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		if err := checkRFT(i, c); err != nil {
			return nil, 0, err
		}
		if c.Frequency > 0 {
			repeaters++
		}
		meanT += c.T
		rows = append(rows, [3]float64{float64(c.Frequency), c.Recency, c.T})
	}
	if repeaters < cfg.MinRepeaters {
		return nil, 0, fmt.Errorf("%w: %d of %d customers bought again, need %d", ErrTooFewRepeaters, repeaters, len(customers), cfg.MinRepeaters)
	}
	return rows, meanT / float64(len(customers)), nil
}

package clv

import (
	"context"
	"math"
	"slices"
)

// A small, dependency-free optimizer for the handful of log-parameters the models have:
// BFGS with an Armijo backtracking line search on the analytic gradient, and the Nelder-Mead
// simplex method as a fallback that needs no gradient. (gonum/optimize would do, but it pulls
// in golang.org/x/tools through stat/distmv; four parameters do not need it.)

type optResult struct {
	x     []float64
	f     float64
	iters int
	ok    bool // converged by the gradient or function tolerance
}

// maxStep bounds one line-search step in log-parameter space, so that a bad direction cannot
// throw a parameter to e^±100 where the likelihood overflows.
const maxStep = 4.0

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normInf(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// bfgs minimizes f (with gradient) from x0.
func bfgs(ctx context.Context, f func(x []float64) (float64, []float64), x0 []float64, maxIter int, gtol float64) (optResult, error) {
	n := len(x0)
	x := slices.Clone(x0)
	fx, g := f(x)
	g = slices.Clone(g)
	if math.IsInf(fx, 0) || math.IsNaN(fx) {
		return optResult{x: x, f: fx}, nil
	}
	H := identity(n)
	d := make([]float64, n)
	xn := make([]float64, n)
	stall := 0
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return optResult{x: x, f: fx, iters: it}, err
		}
		if normInf(g) < gtol {
			return optResult{x: x, f: fx, iters: it, ok: true}, nil
		}
		for i := range d {
			d[i] = -dot(H[i], g)
		}
		slope := dot(g, d)
		if !(slope < 0) {
			H = identity(n)
			for i := range d {
				d[i] = -g[i]
			}
			slope = -dot(g, g)
		}
		if s := normInf(d); s > maxStep {
			for i := range d {
				d[i] *= maxStep / s
			}
			slope *= maxStep / s
		}
		step := 1.0
		var fn float64
		var gn []float64
		found := false
		for k := 0; k < 60; k++ {
			for i := range xn {
				xn[i] = x[i] + step*d[i]
			}
			fn, gn = f(xn)
			if !math.IsNaN(fn) && !math.IsInf(fn, 0) && fn <= fx+1e-4*step*slope {
				found = true
				break
			}
			step /= 2
		}
		if !found {
			// No decrease along the direction: at the optimum to machine precision, or H is
			// stale. Retry once along the gradient before giving up.
			if isIdentity(H) {
				return optResult{x: x, f: fx, iters: it, ok: normInf(g) < 1e3*gtol}, nil
			}
			H = identity(n)
			continue
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range s {
			s[i] = xn[i] - x[i]
			y[i] = gn[i] - g[i]
		}
		if math.Abs(fn-fx) <= 1e-15*(1+math.Abs(fx)) {
			stall++
		} else {
			stall = 0
		}
		copy(x, xn)
		fx = fn
		g = slices.Clone(gn)
		if !bounded(x) {
			// A parameter runs off to 0 or ∞ along a ridge of the likelihood; following it
			// further only costs time (maximize reports it).
			return optResult{x: x, f: fx, iters: it + 1}, nil
		}
		if stall >= 5 {
			return optResult{x: x, f: fx, iters: it + 1, ok: true}, nil
		}
		sy := dot(s, y)
		if sy <= 1e-300 {
			continue
		}
		if it == 0 || isIdentity(H) {
			// Scale the first inverse-Hessian guess (Nocedal and Wright, eq. 6.20).
			sc := sy / dot(y, y)
			for i := range H {
				H[i][i] = sc
			}
		}
		bfgsUpdate(H, s, y, sy)
	}
	return optResult{x: x, f: fx, iters: maxIter, ok: normInf(g) < gtol}, nil
}

func identity(n int) [][]float64 {
	H := make([][]float64, n)
	for i := range H {
		H[i] = make([]float64, n)
		H[i][i] = 1
	}
	return H
}

func isIdentity(H [][]float64) bool {
	for i := range H {
		for j := range H[i] {
			want := 0.0
			if i == j {
				want = 1
			}
			if H[i][j] != want {
				return false
			}
		}
	}
	return true
}

// bfgsUpdate applies H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs).
func bfgsUpdate(H [][]float64, s, y []float64, sy float64) {
	n := len(s)
	rho := 1 / sy
	Hy := make([]float64, n)
	for i := range Hy {
		Hy[i] = dot(H[i], y)
	}
	yHy := dot(y, Hy)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			H[i][j] += -rho*(Hy[i]*s[j]+s[i]*Hy[j]) + (rho*rho*yHy+rho)*s[i]*s[j]
		}
	}
}

// nelderMead minimizes f from x0 with an initial simplex of the given step.
func nelderMead(ctx context.Context, f func(x []float64) float64, x0 []float64, step float64, maxIter int) (optResult, error) {
	n := len(x0)
	pts := make([][]float64, n+1)
	fs := make([]float64, n+1)
	for i := range pts {
		pts[i] = slices.Clone(x0)
		if i > 0 {
			pts[i][i-1] += step
		}
		fs[i] = sanitize(f(pts[i]))
	}
	order := make([]int, n+1)
	cen := make([]float64, n)
	trial := func(c float64, worst []float64) []float64 {
		p := make([]float64, n)
		for i := range p {
			p[i] = cen[i] + c*(worst[i]-cen[i])
		}
		return p
	}
	for it := 0; it < maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return optResult{x: pts[0], f: fs[0], iters: it}, err
		}
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			switch {
			case fs[a] < fs[b]:
				return -1
			case fs[a] > fs[b]:
				return 1
			}
			return 0
		})
		p2, f2 := make([][]float64, n+1), make([]float64, n+1)
		for i, o := range order {
			p2[i], f2[i] = pts[o], fs[o]
		}
		pts, fs = p2, f2
		if math.IsInf(fs[0], 1) || !bounded(pts[0]) {
			// No finite point to move from, or the best one runs off along a ridge: the
			// simplex cannot do better (maximize reports which).
			return optResult{x: pts[0], f: fs[0], iters: it}, nil
		}
		if math.Abs(fs[n]-fs[0]) <= 1e-14*(1+math.Abs(fs[0])) {
			return optResult{x: pts[0], f: fs[0], iters: it, ok: true}, nil
		}
		for i := range cen {
			cen[i] = 0
			for _, p := range pts[:n] {
				cen[i] += p[i] / float64(n)
			}
		}
		r := trial(-1, pts[n])
		fr := sanitize(f(r))
		switch {
		case fr < fs[0]:
			e := trial(-2, pts[n])
			if fe := sanitize(f(e)); fe < fr {
				pts[n], fs[n] = e, fe
			} else {
				pts[n], fs[n] = r, fr
			}
		case fr < fs[n-1]:
			pts[n], fs[n] = r, fr
		default:
			c := trial(0.5, pts[n])
			if fc := sanitize(f(c)); fc < fs[n] {
				pts[n], fs[n] = c, fc
			} else {
				for i := 1; i <= n; i++ {
					for k := range pts[i] {
						pts[i][k] = pts[0][k] + 0.5*(pts[i][k]-pts[0][k])
					}
					fs[i] = sanitize(f(pts[i]))
				}
			}
		}
	}
	best := 0
	for i := range fs {
		if fs[i] < fs[best] {
			best = i
		}
	}
	return optResult{x: pts[best], f: fs[best], iters: maxIter}, nil
}

func sanitize(v float64) float64 {
	if math.IsNaN(v) {
		return math.Inf(1)
	}
	return v
}

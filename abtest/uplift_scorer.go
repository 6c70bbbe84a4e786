package abtest

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/tailorkit/tailor/internal/textio"
)

// Defaults of ScorerConfig.
const (
	DefaultScorerL2       = 1.0
	DefaultScorerMaxIter  = 100
	DefaultScorerFeatures = 1000 // the bound on the number of features
)

// ScorerConfig configures FitUpliftScorer. Every zero field is the default given beside it.
type ScorerConfig struct {
	// L2 is the ridge penalty L2 sum_j beta_j^2 on the coefficients of the standardised
	// features (not on the intercept). It keeps the fit finite on separable or degenerate data.
	// Default (0) DefaultScorerL2 (1, negligible against thousands of units); must be finite
	// and >= 0 otherwise.
	L2 float64
	// MaxIter bounds the Newton iterations. Default (0) DefaultScorerMaxIter; must be >= 0.
	MaxIter int
	// Progress, when set, is called after each Newton iteration with the iteration and
	// MaxIter.
	Progress func(done, total int)
}

// Validate reports a negative or non-finite L2 and a negative MaxIter.
func (c ScorerConfig) Validate() error {
	if math.IsNaN(c.L2) || math.IsInf(c.L2, 0) || c.L2 < 0 {
		return fmt.Errorf("%w: scorer L2 must be finite and >= 0, got %g", ErrInvalidInput, c.L2)
	}
	if c.MaxIter < 0 {
		return fmt.Errorf("%w: scorer MaxIter must be >= 0, got %d", ErrInvalidInput, c.MaxIter)
	}
	return nil
}

// TrainingUnit is one unit of a randomised experiment for fitting an uplift scorer: its
// numeric features (all units the same length; one-hot encode categories), whether it was
// treated and its binary outcome (0 or 1).
type TrainingUnit struct {
	Features []float64
	Treated  bool
	Outcome  float64
}

// UpliftScorer predicts a unit's uplift, P(outcome | treated) - P(outcome | control), from its
// features, by the class transformation of Jaskowski and Jaroszewicz (2012): with
//
//	Z = T Y + (1 - T)(1 - Y)   (1 for a treated responder and for a control non-responder)
//
// and treatment assigned with probability 1/2 independently of the features,
// uplift(x) = 2 P(Z = 1 | x) - 1. P(Z = 1 | x) is a logistic regression on the standardised
// features. So that the identity holds for any split, each unit is weighted so that the treated
// and the control carry equal total weight (n/(2 n_t) and n/(2 n_c); all weights are 1 at an
// exact 50/50 split). Score ranks units for targeting: the persuadable score near +1, sleeping
// dogs (who respond less when treated) below 0. An UpliftScorer is immutable and safe for
// concurrent use.
type UpliftScorer struct {
	mean, scale []float64 // standardisation of each feature (scale 0: constant feature, ignored)
	coef        []float64 // intercept, then one coefficient per standardised feature
	iterations  int
}

// FitUpliftScorer fits an UpliftScorer by Newton's method (iteratively reweighted least
// squares with step halving) on the penalised weighted log-likelihood
//
//	sum_i w_i [z_i eta_i - log(1 + exp(eta_i))] - L2 sum_j beta_j^2,  eta_i = b_0 + sum_j beta_j x~_ij
//
// with x~ the features standardised by their mean and standard deviation (with n) over the
// training units. It is deterministic: the same units in the same order give the same
// coefficients. Errors: no treated or no control unit (ErrTooFewUnits); features of different
// lengths, more than DefaultScorerFeatures of them, a feature beyond textio.MaxMagnitude or
// not finite, an outcome other than 0 or 1 (ErrInvalidInput naming the unit's position); no
// convergence within MaxIter (ErrNoConvergence); and ctx's error when ctx ends, checked every
// 4,096 units of each pass over the data.
func FitUpliftScorer(ctx context.Context, units iter.Seq[TrainingUnit], cfg ScorerConfig) (*UpliftScorer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.L2 == 0 {
		cfg.L2 = DefaultScorerL2
	}
	if cfg.MaxIter == 0 {
		cfg.MaxIter = DefaultScorerMaxIter
	}
	var x [][]float64
	var z []float64
	var treated []bool
	nT := 0
	i := 0
	for u := range units {
		i++
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(x) > 0 && len(u.Features) != len(x[0]) {
			return nil, fmt.Errorf("%w: unit %d has %d features, unit 1 has %d", ErrInvalidInput, i, len(u.Features), len(x[0]))
		}
		if len(u.Features) > DefaultScorerFeatures {
			return nil, fmt.Errorf("%w: unit %d has %d features (at most %d)", ErrInvalidInput, i, len(u.Features), DefaultScorerFeatures)
		}
		for j, v := range u.Features {
			if !textio.InRange(v) {
				return nil, fmt.Errorf("%w: unit %d feature %d = %g: %w", ErrInvalidInput, i, j+1, v, textio.ErrRange)
			}
		}
		if u.Outcome != 0 && u.Outcome != 1 {
			return nil, fmt.Errorf("%w: unit %d outcome %g is not 0 or 1", ErrInvalidInput, i, u.Outcome)
		}
		// Z = T Y + (1 - T)(1 - Y).
		zi := u.Outcome
		if !u.Treated {
			zi = 1 - u.Outcome
		} else {
			nT++
		}
		x = append(x, slices.Clone(u.Features))
		z = append(z, zi)
		treated = append(treated, u.Treated)
	}
	n := len(x)
	if nT == 0 || nT == n {
		return nil, fmt.Errorf("%w: the scorer needs treated and control units (got %d treated, %d control)", ErrTooFewUnits, nT, n-nT)
	}
	wT, wC := float64(n)/(2*float64(nT)), float64(n)/(2*float64(n-nT))
	w := make([]float64, n)
	for i := range w {
		w[i] = wC
		if treated[i] {
			w[i] = wT
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := standardise(x)
	coef, iters, err := newton(ctx, x, z, w, cfg)
	if err != nil {
		return nil, err
	}
	s.coef, s.iterations = coef, iters
	return s, nil
}

// standardise replaces x by its standardised features (in place) and returns the scorer's
// transform.
func standardise(x [][]float64) *UpliftScorer {
	p := len(x[0])
	s := &UpliftScorer{mean: make([]float64, p), scale: make([]float64, p)}
	n := float64(len(x))
	for j := range p {
		var sum float64
		for _, r := range x {
			sum += r[j]
		}
		m := sum / n
		var ss float64
		for _, r := range x {
			ss += (r[j] - m) * (r[j] - m)
		}
		sd := math.Sqrt(ss / n)
		s.mean[j] = m
		if sd > 0 && sd >= 1e-12*math.Max(1, math.Abs(m)) {
			s.scale[j] = 1 / sd
		}
		for _, r := range x {
			r[j] = (r[j] - m) * s.scale[j]
		}
	}
	return s
}

func logistic(eta float64) float64 {
	if eta >= 0 {
		return 1 / (1 + math.Exp(-eta))
	}
	e := math.Exp(eta)
	return e / (1 + e)
}

// log1pexp is log(1 + exp(eta)) without overflow.
func log1pexp(eta float64) float64 {
	if eta > 0 {
		return eta + math.Log1p(math.Exp(-eta))
	}
	return math.Log1p(math.Exp(eta))
}

// objective is the penalised negative weighted log-likelihood; it checks ctx every
// ctxEvery units.
func objective(ctx context.Context, x [][]float64, z, w, beta []float64, l2 float64) (float64, error) {
	var f float64
	for i, r := range x {
		if i%ctxEvery == ctxEvery-1 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		eta := dotCoef(beta, r)
		f += w[i] * (log1pexp(eta) - z[i]*eta)
	}
	for _, b := range beta[1:] {
		f += l2 * b * b
	}
	return f, nil
}

// ctxEvery is how many units a pass over the data handles between checks of its context.
const ctxEvery = 4096

func dotCoef(beta, r []float64) float64 {
	eta := beta[0]
	for j, v := range r {
		eta += beta[j+1] * v
	}
	return eta
}

func newton(ctx context.Context, x [][]float64, z, w []float64, cfg ScorerConfig) ([]float64, int, error) {
	p := len(x[0]) + 1
	beta := make([]float64, p)
	f, err := objective(ctx, x, z, w, beta, cfg.L2)
	if err != nil {
		return nil, 0, err
	}
	grad := make([]float64, p)
	h := make([]float64, p*p) // the Hessian's upper triangle, row-major
	row := make([]float64, p)
	for it := 1; it <= cfg.MaxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, it, err
		}
		clear(grad)
		clear(h)
		for i, r := range x {
			if i%ctxEvery == ctxEvery-1 {
				if err := ctx.Err(); err != nil {
					return nil, it, err
				}
			}
			pi := logistic(dotCoef(beta, r))
			row[0] = 1
			copy(row[1:], r)
			g, hi := w[i]*(pi-z[i]), w[i]*pi*(1-pi)
			for a := range p {
				grad[a] += g * row[a]
				ha, ra := h[a*p:(a+1)*p], hi*row[a]
				for b := a; b < p; b++ {
					ha[b] += ra * row[b]
				}
			}
		}
		hess := mat.NewSymDense(p, nil)
		for a := range p {
			for b := a; b < p; b++ {
				hess.SetSym(a, b, h[a*p+b])
			}
		}
		for a := 1; a < p; a++ {
			grad[a] += 2 * cfg.L2 * beta[a]
			hess.SetSym(a, a, hess.At(a, a)+2*cfg.L2)
		}
		var chol mat.Cholesky
		if ok := chol.Factorize(hess); !ok {
			return nil, it, fmt.Errorf("%w: scorer Hessian is not positive definite", ErrNoConvergence)
		}
		var step mat.VecDense
		if err := chol.SolveVecTo(&step, mat.NewVecDense(p, grad)); err != nil {
			return nil, it, fmt.Errorf("%w: %v", ErrNoConvergence, err)
		}
		// Step halving: never accept a step that increases the objective.
		t := 1.0
		next := make([]float64, p)
		var fNext float64
		for range 60 {
			for a := range p {
				next[a] = beta[a] - t*step.AtVec(a)
			}
			if fNext, err = objective(ctx, x, z, w, next, cfg.L2); err != nil {
				return nil, it, err
			}
			if fNext <= f {
				break
			}
			t /= 2
		}
		maxStep := 0.0
		for a := range p {
			maxStep = math.Max(maxStep, math.Abs(next[a]-beta[a]))
		}
		if fNext <= f {
			beta, f = next, fNext
		}
		if cfg.Progress != nil {
			cfg.Progress(it, cfg.MaxIter)
		}
		if maxStep < 1e-10 || fNext > f {
			return beta, it, nil
		}
	}
	return nil, cfg.MaxIter, fmt.Errorf("%w: uplift scorer after %d Newton iterations", ErrNoConvergence, cfg.MaxIter)
}

// Score returns the predicted uplift 2 P(Z = 1 | x) - 1, in (-1, 1), of a unit with the given
// features (the training units' length; ErrInvalidInput otherwise or for a value that is not
// finite or beyond textio.MaxMagnitude).
func (s *UpliftScorer) Score(features []float64) (float64, error) {
	if len(features) != len(s.mean) {
		return 0, fmt.Errorf("%w: %d features, the scorer was fitted on %d", ErrInvalidInput, len(features), len(s.mean))
	}
	eta := s.coef[0]
	for j, v := range features {
		if !textio.InRange(v) {
			return 0, fmt.Errorf("%w: feature %d = %g: %w", ErrInvalidInput, j+1, v, textio.ErrRange)
		}
		eta += s.coef[j+1] * (v - s.mean[j]) * s.scale[j]
	}
	return 2*logistic(eta) - 1, nil
}

// Coefficients returns a copy of the fitted intercept and coefficients of the standardised
// features, in feature order (0 for a feature that was constant in training).
func (s *UpliftScorer) Coefficients() []float64 { return slices.Clone(s.coef) }

// Iterations is the number of Newton iterations the fit took.
func (s *UpliftScorer) Iterations() int { return s.iterations }

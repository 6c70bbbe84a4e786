package clv

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/floats"
)

// Errors a fit returns when the data cannot support it. They are wrapped with the details.
var (
	// ErrNoData: no usable customer.
	ErrNoData = errors.New("clv: no data to fit")
	// ErrTooFewRepeaters: fewer repeat buyers than FitConfig.MinRepeaters; the dropout and
	// spend parameters cannot be estimated from one-time buyers.
	ErrTooFewRepeaters = errors.New("clv: too few repeat buyers to fit")
	// ErrNotConverged: the optimizer found no optimum, or one where a parameter runs off to
	// zero or infinity (the data do not identify the model; try a Penalizer).
	ErrNotConverged = errors.New("clv: fit did not converge")
	// ErrInfiniteMean: the estimate makes an expectation of the model infinite (Gamma-Gamma
	// with q <= 1, whose mean spend pγ/(q-1) does not exist), so it cannot value customers.
	// Value and Predict return it too for such a hand-built model.
	ErrInfiniteMean = errors.New("clv: model has an infinite expected value")
	// ErrModel: Value or Predict got a model whose parameters are not positive and finite
	// (the zero value, say), or one that produced a non-finite prediction.
	ErrModel = errors.New("clv: invalid model")
)

// FitConfig configures the maximum-likelihood fits. The zero value is the default; every fit
// calls Validate first, so an out-of-range value is an error, never silently replaced.
type FitConfig struct {
	// Penalizer λ adds λ Σ θ² over the model's parameters θ to the mean negative
	// log-likelihood (the convention of lifetimes' penalizer_coef), shrinking parameters
	// toward 0 when the data say little. Default 0; at most MaxPenalizer.
	Penalizer float64
	// MinRepeaters is the fewest customers with at least one repeat purchase a fit accepts.
	// Default 10.
	MinRepeaters int
	// MaxIterations bounds the optimizer's major iterations. Default 2000; at most
	// MaxIterationsLimit.
	MaxIterations int
}

// Bounds of FitConfig. The mean negative log-likelihood per customer is a few units, so a
// penalty weight above MaxPenalizer outweighs any data and only drives the parameters to zero;
// lifetimes' documentation suggests 0.001 to 0.1.
const (
	MaxPenalizer       = 100
	MaxIterationsLimit = 100_000
)

// Validate reports an out-of-range field as an error wrapping ErrConfig: a negative, NaN,
// infinite or larger than MaxPenalizer Penalizer, a negative MinRepeaters, a negative or
// larger than MaxIterationsLimit MaxIterations. Zero fields are the defaults.
func (c FitConfig) Validate() error {
	switch {
	case !(c.Penalizer >= 0 && c.Penalizer <= MaxPenalizer):
		return fmt.Errorf("clv: FitConfig.Penalizer = %v: want 0 <= λ <= %v: %w", c.Penalizer, MaxPenalizer, ErrConfig)
	case c.MinRepeaters < 0:
		return fmt.Errorf("clv: FitConfig.MinRepeaters = %d: want >= 0 (0 = default 10): %w", c.MinRepeaters, ErrConfig)
	case c.MaxIterations < 0 || c.MaxIterations > MaxIterationsLimit:
		return fmt.Errorf("clv: FitConfig.MaxIterations = %d: want 0 (default 2000) to %d: %w", c.MaxIterations, MaxIterationsLimit, ErrConfig)
	}
	return nil
}

// withDefaults validates the config and fills in the defaults.
func (c FitConfig) withDefaults() (FitConfig, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.MinRepeaters == 0 {
		c.MinRepeaters = 10
	}
	if c.MaxIterations == 0 {
		c.MaxIterations = 2000
	}
	return c, nil
}

// FitInfo describes a fit.
type FitInfo struct {
	// LL is the log-likelihood Σ ln L over all customers at the estimate (without the
	// penalty).
	LL float64
	// Customers is the number of customers fitted; Rows the number of distinct rows after
	// collapsing identical ones into weights.
	Customers, Rows int
	// Method is the optimizer that produced the estimate ("BFGS", or "Nelder-Mead, then BFGS"
	// when BFGS alone failed).
	Method string
	// Iterations and Evaluations count the optimizer's work; GradNorm is the norm of the
	// gradient of the objective (mean negative log-likelihood plus penalty, in
	// log-parameters) at the estimate.
	Iterations, Evaluations int
	GradNorm                float64
}

// weighted is a collapsed data row: the model-specific values and a weight.
type weighted struct {
	v [3]float64
	w float64
}

// collapse merges identical rows into weights and sorts them (so sums run in a fixed order,
// whatever the order of the input). It sorts blocks and merges them, checking ctx between
// steps of a few milliseconds, so that a cancelled fit on millions of rows stops at once.
func collapse(ctx context.Context, rows [][3]float64) ([]weighted, error) {
	cmpRow := func(a, b [3]float64) int {
		for i := range a {
			if a[i] != b[i] {
				if a[i] < b[i] {
					return -1
				}
				return 1
			}
		}
		return 0
	}
	const block = 8192
	for lo := 0; lo < len(rows); lo += block {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		slices.SortFunc(rows[lo:min(lo+block, len(rows))], cmpRow)
	}
	buf := make([][3]float64, len(rows))
	for width := block; width < len(rows); width *= 2 {
		for lo := 0; lo < len(rows); lo += 2 * width {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			mid, hi := min(lo+width, len(rows)), min(lo+2*width, len(rows))
			i, j, k := lo, mid, lo
			for ; i < mid && j < hi; k++ {
				if k%block == 0 && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				if cmpRow(rows[j], rows[i]) < 0 {
					buf[k] = rows[j]
					j++
				} else {
					buf[k] = rows[i]
					i++
				}
			}
			k += copy(buf[k:], rows[i:mid])
			copy(buf[k:], rows[j:hi])
		}
		rows, buf = buf, rows
	}
	var out []weighted
	for i, r := range rows {
		if i%block == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if n := len(out); n > 0 && out[n-1].v == r {
			out[n-1].w++
			continue
		}
		out = append(out, weighted{r, 1})
	}
	return out, nil
}

// rowLL is one row's log-likelihood at natural parameters p; with g non-nil it stores the
// gradient with respect to the log-parameters.
type rowLL func(p []float64, v [3]float64, g []float64) float64

// chunk is the number of rows of one unit of parallel work; ctxRows is how often (in rows) an
// evaluation checks its context, so that a cancelled fit stops within a fraction of a
// millisecond even on a million rows.
const (
	chunk   = 2048
	ctxRows = 64
)

// objective evaluates -Σ w ll / W + λ Σ p² and its gradient in log-parameters, in parallel
// over fixed chunks whose partial sums are added in order (deterministic whatever the number
// of cores). Once ctx is done every evaluation returns +Inf at once, which ends the optimizers'
// line searches; maximize then returns ctx.Err().
type objective struct {
	ctx     context.Context
	rows    []weighted
	total   float64
	ll      rowLL
	penalty float64
	dim     int
	evals   int

	lastX    []float64
	lastF    float64
	lastGrad []float64
}

func (o *objective) eval(theta []float64) (float64, []float64) {
	if o.lastX != nil && floats.Equal(theta, o.lastX) {
		return o.lastF, o.lastGrad
	}
	if o.ctx.Err() != nil {
		return math.Inf(1), make([]float64, o.dim)
	}
	o.evals++
	p := make([]float64, o.dim)
	for i, t := range theta {
		p[i] = math.Exp(t)
	}
	nChunks := (len(o.rows) + chunk - 1) / chunk
	fs := make([]float64, nChunks)
	gs := make([]float64, nChunks*o.dim)
	var cancelled atomic.Bool
	work := func(c int) {
		g := make([]float64, o.dim)
		lo, hi := c*chunk, min((c+1)*chunk, len(o.rows))
		var f float64
		acc := gs[c*o.dim : (c+1)*o.dim]
		for i, r := range o.rows[lo:hi] {
			if i%ctxRows == 0 && (cancelled.Load() || o.ctx.Err() != nil) {
				cancelled.Store(true)
				return
			}
			f += r.w * o.ll(p, r.v, g)
			for k := range g {
				acc[k] += r.w * g[k]
			}
		}
		fs[c] = f
	}
	workers := min(runtime.GOMAXPROCS(0), nChunks)
	if workers <= 1 {
		for c := range nChunks {
			work(c)
		}
	} else {
		var wg sync.WaitGroup
		next := make(chan int, nChunks)
		for c := range nChunks {
			next <- c
		}
		close(next)
		for range workers {
			wg.Go(func() {
				for c := range next {
					work(c)
				}
			})
		}
		wg.Wait()
	}
	grad := make([]float64, o.dim)
	if cancelled.Load() {
		return math.Inf(1), grad
	}
	var f float64
	for c := range nChunks {
		f += fs[c]
		for k := range grad {
			grad[k] += gs[c*o.dim+k]
		}
	}
	f = -f / o.total
	for k := range grad {
		grad[k] = -grad[k]/o.total + 2*o.penalty*p[k]*p[k]
		f += o.penalty * p[k] * p[k]
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || !finite(grad) {
		f = math.Inf(1)
	}
	o.lastX, o.lastF, o.lastGrad = slices.Clone(theta), f, grad
	return f, grad
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// A parameter estimated below minParam or above maxParam has run off toward 0 or ∞: the
// likelihood keeps improving along a ridge (for BG/NBD a -> 0 and b -> ∞ together when the
// data show no dropout), so the data do not identify the model. maxLogParam bounds the search.
const (
	minParam    = 1e-4
	maxParam    = 1e5
	maxLogParam = 18
)

// maximize fits the log-parameters to the rows (collapsed first) starting from start. names
// label the parameters in errors.
func maximize(ctx context.Context, raw [][3]float64, ll rowLL, start []float64, names []string, cfg FitConfig) ([]float64, FitInfo, error) {
	rows, err := collapse(ctx, raw)
	if err != nil {
		return nil, FitInfo{}, err
	}
	o := &objective{ctx: ctx, rows: rows, ll: ll, penalty: cfg.Penalizer, dim: len(start)}
	for _, r := range rows {
		o.total += r.w
	}
	info := FitInfo{Rows: len(rows), Customers: int(o.total), Method: "BFGS"}
	const gtol = 1e-9
	res, err := bfgs(ctx, o.eval, start, cfg.MaxIterations, gtol)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, info, err
	}
	iters := res.iters
	if !res.ok && !bounded(res.x) && !math.IsInf(res.f, 0) {
		// A parameter ran away along a ridge: the data do not identify the model, and a
		// simplex search would only follow the ridge further (the likelihood keeps improving
		// there). Say so now rather than after 20 x MaxIterations simplex steps.
		info.Iterations, info.Evaluations = iters, o.evals
		return nil, info, runaway(res.x, names)
	}
	if !res.ok || !bounded(res.x) {
		// BFGS can stall on a badly scaled start; the simplex method needs no gradient to make
		// progress. Polish its answer with BFGS.
		nm, err := nelderMead(ctx, func(x []float64) float64 { f, _ := o.eval(x); return f }, start, 0.5, 20*cfg.MaxIterations)
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, info, err
		}
		info.Method = "Nelder-Mead, then BFGS"
		iters += nm.iters
		if !math.IsInf(nm.f, 0) {
			pol, err := bfgs(ctx, o.eval, nm.x, cfg.MaxIterations, gtol)
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return nil, info, err
			}
			iters += pol.iters
			res = nm
			if pol.f <= nm.f {
				res = pol
			}
		}
	}
	info.Iterations, info.Evaluations = iters, o.evals
	if math.IsInf(res.f, 0) || math.IsNaN(res.f) {
		return nil, info, fmt.Errorf("%w: no finite likelihood found", ErrNotConverged)
	}
	_, g := o.eval(res.x)
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	info.GradNorm = floats.Norm(g, 2)
	if err := runaway(res.x, names); err != nil {
		return nil, info, err
	}
	if info.GradNorm > 1e-5 {
		return nil, info, fmt.Errorf("%w: gradient norm %.3g at the best point found", ErrNotConverged, info.GradNorm)
	}
	p := make([]float64, len(res.x))
	for i, t := range res.x {
		p[i] = math.Exp(t)
	}
	var sum float64
	for _, r := range rows {
		sum += r.w * o.ll(p, r.v, nil)
	}
	info.LL = sum
	return p, info, nil
}

// runaway is the error for log-parameters x of which one is outside [minParam, maxParam], or
// nil.
func runaway(x []float64, names []string) error {
	for i, t := range x {
		if v := math.Exp(t); !(v >= minParam && v <= maxParam) {
			dir := "zero"
			if t > 0 {
				dir = "infinity"
			}
			hint := "a longer history or more repeat buyers may help"
			if t > 0 {
				hint += ", or a Penalizer"
			}
			return fmt.Errorf("%w: %s = %.3g runs off to %s; the data cannot identify it (%s)",
				ErrNotConverged, names[i], v, dir, hint)
		}
	}
	return nil
}

func bounded(x []float64) bool {
	for _, t := range x {
		if math.Abs(t) > maxLogParam || math.IsNaN(t) {
			return false
		}
	}
	return true
}

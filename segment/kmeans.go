package segment

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
)

// KMeansConfig configures FitKMeans. The zero value gives k = 8, 10 restarts, at most 300
// iterations each, relative tolerance 1e-4, seed 0 and all cores: scikit-learn's KMeans
// defaults with n_init = 10.
type KMeansConfig struct {
	// K is the number of clusters; default 8.
	K int
	// Restarts is the number of runs from different k-means++ seeds; the run with the lowest
	// inertia wins (the earliest on ties). Default 10.
	Restarts int
	// MaxIter bounds the Lloyd iterations of one run; default 300.
	MaxIter int
	// Tol is the relative tolerance: a run stops when the squared centroid shifts add up to at
	// most Tol times the mean per-column variance of the data (scikit-learn's rule). Default
	// 1e-4; a negative Tol stops only when no label changes (or at MaxIter).
	Tol float64
	// Seed makes the run reproducible; restart r draws from a PCG source seeded (Seed, r).
	Seed uint64
	// LocalTrials is the number of candidates greedy k-means++ tries for each new centre,
	// keeping the one that lowers the potential most; default 2 + floor(ln K), as
	// scikit-learn; at most MaxLocalTrials.
	LocalTrials int
	// Workers is the number of goroutines; default (0) GOMAXPROCS. Up to 4 restarts run at once
	// (fewer when there are fewer restarts or workers), each splitting its steps over its
	// share of the workers. The result does not depend on it.
	Workers int
	// Progress, if set, is called after each restart with (restarts done, Restarts); it may be
	// called from several goroutines, but never concurrently.
	Progress func(done, total int)
}

// MaxLocalTrials bounds KMeansConfig.LocalTrials: seeding keeps a distance per point and
// trial, so LocalTrials = 10^6 on a million points asked for 8 TB.
const MaxLocalTrials = 100

// Validate reports, as ErrBadConfig naming the field, a negative K, Restarts, MaxIter or
// Workers, a LocalTrials outside 0..MaxLocalTrials, or a Tol that is NaN or infinite (a
// negative finite Tol is allowed: it stops on stable labels). Zero fields are the documented
// defaults.
func (c KMeansConfig) Validate() error {
	var field string
	var v any
	switch {
	case c.K < 0:
		field, v = "K", c.K
	case c.Restarts < 0:
		field, v = "Restarts", c.Restarts
	case c.MaxIter < 0:
		field, v = "MaxIter", c.MaxIter
	case c.Workers < 0:
		field, v = "Workers", c.Workers
	case c.LocalTrials < 0 || c.LocalTrials > MaxLocalTrials:
		field, v = "LocalTrials", c.LocalTrials
	case math.IsNaN(c.Tol) || math.IsInf(c.Tol, 0):
		field, v = "Tol", c.Tol
	default:
		return nil
	}
	return fmt.Errorf("segment: FitKMeans: %s = %v: %w", field, v, ErrBadConfig)
}

// KMeans is a fitted clustering. Centroids, Labels, Sizes and Inertia describe the fit; set
// Features (and Scaler, if the training points were scaled) to let the model assign Customers
// from their number attributes, and Names to name the clusters. Safe for concurrent use once
// the fields are set.
type KMeans struct {
	// Centroids holds the K centres, in the space of the training points.
	Centroids Points `json:"centroids"`
	// Labels[i] is the cluster of training point i, in 0..K-1.
	Labels []int `json:"labels"`
	// Sizes[j] is the number of training points in cluster j.
	Sizes []int `json:"sizes"`
	// Inertia is the sum over points of the squared distance to their centroid.
	Inertia float64 `json:"inertia"`
	// Iterations is the number of centroid updates of the winning run.
	Iterations int `json:"iterations"`
	// Converged reports whether the winning run stopped by tolerance or stable labels
	// (rather than MaxIter).
	Converged bool `json:"converged"`
	// Features are the Customer number attributes that make a point, in column order. Assign
	// returns false when it is empty or the customer lacks one.
	Features []string `json:"features"`
	// Scaler, if set, is applied to a customer's features before the nearest centroid is
	// found (the Scaler the training points went through).
	Scaler *Scaler `json:"scaler"`
	// Names are the segment names of the clusters; default "cluster 1", ..., "cluster K".
	Names []string `json:"names"`
}

// FitKMeans clusters the points: greedy k-means++ seeding, then Lloyd iterations accelerated
// with Hamerly's bounds (each point keeps an upper bound on the distance to its centre and a
// lower bound on the distance to any other, so most points skip the distance computations in
// later iterations), restarts or steps spread over Workers goroutines. The result is
// deterministic for a given Seed, whatever Workers and GOMAXPROCS are: restart r always draws
// from PCG(Seed, r), points are processed in fixed chunks whose partial sums are combined in
// chunk order, and the best restart is the one with the lowest inertia (the lowest r on ties).
//
// Errors: ErrEmpty for no points, ErrNotFinite for NaN or infinite values and ErrOutOfRange
// for values beyond ±textio.MaxMagnitude (naming point and column), ErrTooFewPoints when K
// exceeds the number of distinct points, ErrBadConfig when cfg fails Validate, and an error wrapping
// ctx.Err() when ctx is done. Constant columns are
// allowed (they add nothing to any distance).
func FitKMeans(ctx context.Context, p Points, cfg KMeansConfig) (*KMeans, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	k := cfg.K
	if k == 0 {
		k = 8
	}
	restarts := cmpOrInt(cfg.Restarts, 10)
	maxIter := cmpOrInt(cfg.MaxIter, 300)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := p.Len()
	if k > n {
		return nil, fmt.Errorf("segment: FitKMeans: K = %d but only %d points: %w", k, n, ErrTooFewPoints)
	}
	tol := cfg.Tol
	if tol == 0 {
		tol = 1e-4
	}
	trials := cfg.LocalTrials
	if trials == 0 {
		trials = 2 + int(math.Log(float64(k)))
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	tolAbs := tol * meanVariance(p)
	var tick func()
	if cfg.Progress != nil {
		var mu sync.Mutex
		done := 0
		tick = func() {
			mu.Lock()
			defer mu.Unlock()
			done++
			cfg.Progress(done, restarts)
		}
	}
	job := kmJob{p: p, k: k, trials: trials, maxIter: maxIter, tolAbs: tolAbs, seed: cfg.Seed, restarts: restarts}
	var best *kmBest
	var err error
	if groups := min(workers, restarts, maxConcurrentRestarts); groups > 1 {
		// Whole restarts in parallel: no barrier between them, so a worker descheduled on a
		// busy machine does not stall the others. Each group splits its steps over its share
		// of the workers.
		best, err = job.parallelRestarts(ctx, groups, workers/groups, tick)
	} else {
		best, err = job.restartsInOrder(ctx, newKMRun(p, k, trials, workers), 0, 1, tick)
	}
	if err != nil {
		if re := (*restartError)(nil); errors.As(err, &re) {
			err = re.err
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("segment: FitKMeans: %w", err)
		}
		return nil, err
	}
	m := &KMeans{
		Centroids:  Points{Data: best.centers, Dim: p.Dim},
		Sizes:      best.sizes,
		Inertia:    best.inertia,
		Iterations: best.iters,
		Converged:  best.converged,
		Labels:     make([]int, n),
	}
	for i, l := range best.labels {
		m.Labels[i] = int(l)
	}
	return m, nil
}

// kmJob is what every restart of one FitKMeans call shares.
type kmJob struct {
	p                  Points
	k, trials, maxIter int
	restarts           int
	tolAbs             float64
	seed               uint64
}

// kmBest is the best restart seen so far.
type kmBest struct {
	restart   int
	inertia   float64
	centers   []float64
	labels    []int32
	sizes     []int
	iters     int
	converged bool
}

// better reports whether b beats a: lower inertia, then the earlier restart.
func (b *kmBest) better(a *kmBest) bool {
	return a == nil || b.inertia < a.inertia || b.inertia == a.inertia && b.restart < a.restart
}

// restartsInOrder runs restarts first, first+step, ... on r and returns the best. Results do
// not depend on how restarts are spread over goroutines: restart rs always draws from
// PCG(seed, rs), and each one's arithmetic is fixed by the chunking.
func (j *kmJob) restartsInOrder(ctx context.Context, r *kmRun, first, step int, tick func()) (*kmBest, error) {
	var best *kmBest
	for rs := first; rs < j.restarts; rs += step {
		rng := rand.New(rand.NewPCG(j.seed, uint64(rs)))
		if err := r.seed(ctx, rng); err != nil {
			return nil, &restartError{rs, err}
		}
		iters, converged, err := r.lloyd(ctx, j.maxIter, j.tolAbs)
		if err != nil {
			return nil, &restartError{rs, err}
		}
		inertia, err := r.inertia(ctx)
		if err != nil {
			return nil, &restartError{rs, err}
		}
		cand := &kmBest{restart: rs, inertia: inertia, iters: iters, converged: converged}
		if cand.better(best) {
			// Keep this restart's labels and hand the run the previous best's buffer.
			cand.centers = append([]float64(nil), r.centers...)
			cand.sizes = r.sizes()
			cand.labels = r.labels
			if best != nil {
				r.labels = best.labels
			} else {
				r.labels = make([]int32, r.n)
			}
			best = cand
		}
		if tick != nil {
			tick()
		}
	}
	return best, nil
}

// restartError remembers which restart failed, so that parallel restarts report the same
// error as sequential ones (the lowest restart's).
type restartError struct {
	restart int
	err     error
}

func (e *restartError) Error() string { return e.err.Error() }
func (e *restartError) Unwrap() error { return e.err }

// maxConcurrentRestarts bounds the restarts run at once, and so the memory: each holds about
// (LocalTrials + 2.5) * 8 bytes per point.
const maxConcurrentRestarts = 4

// parallelRestarts runs restarts g, g+groups, ... in group g, each group with its own kmRun of
// stepWorkers goroutines, and keeps the best over all.
func (j *kmJob) parallelRestarts(ctx context.Context, groups, stepWorkers int, tick func()) (*kmBest, error) {
	bests := make([]*kmBest, groups)
	errs := make([]error, groups)
	var wg sync.WaitGroup
	for g := range groups {
		wg.Go(func() {
			bests[g], errs[g] = j.restartsInOrder(ctx, newKMRun(j.p, j.k, j.trials, stepWorkers), g, groups, tick)
		})
	}
	wg.Wait()
	var firstErr *restartError
	for _, err := range errs {
		var re *restartError
		if errors.As(err, &re) && (firstErr == nil || re.restart < firstErr.restart) {
			firstErr = re
		}
	}
	if firstErr != nil {
		return nil, firstErr.err
	}
	var best *kmBest
	for _, b := range bests {
		if b != nil && b.better(best) {
			best = b
		}
	}
	return best, nil
}

func cmpOrInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// meanVariance is the mean over columns of the population variance (scikit-learn's tolerance
// scale).
func meanVariance(p Points) float64 {
	n, d := p.Len(), p.Dim
	mean := make([]float64, d)
	for i := range n {
		for j, v := range p.Row(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	var ss float64
	for i := range n {
		for j, v := range p.Row(i) {
			dv := v - mean[j]
			ss += dv * dv
		}
	}
	return ss / float64(n) / float64(d)
}

// Predict returns the index of the centroid nearest to x (the lowest index on ties). x is in
// the space of the training points. A finite x far enough out that every squared distance
// overflows (1e200, say) is compared after scaling by its largest magnitude, so it still gets
// its nearest centroid rather than centroid 0.
func (m *KMeans) Predict(x []float64) int {
	best, bestD := 0, math.Inf(1)
	for j := range m.Centroids.Len() {
		if d := sqDist(x, m.Centroids.Row(j)); d < bestD {
			best, bestD = j, d
		}
	}
	if math.IsInf(bestD, 1) {
		return m.predictScaled(x)
	}
	return best
}

// predictScaled is Predict for a far x. The nearest centroid minimises
// |x - c|² - |x|² = |c|² - 2 x·c, and dividing that by s = max |x_i| keeps it finite (the
// centroids are within the training points' range) while still telling apart centroids whose
// distances to x agree in every digit a float64 holds.
func (m *KMeans) predictScaled(x []float64) int {
	s := 0.0
	for _, v := range x {
		s = math.Max(s, math.Abs(v))
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 0
	}
	best, bestD := 0, math.Inf(1)
	for j := range m.Centroids.Len() {
		var cc, xc float64
		for i, v := range m.Centroids.Row(j) {
			cc += v * v
			xc += x[i] / s * v
		}
		if d := cc/s - 2*xc; d < bestD {
			best, bestD = j, d
		}
	}
	return best
}

// Name returns the segment name of cluster j: Names[j], or "cluster j+1".
func (m *KMeans) Name(j int) string {
	if j < len(m.Names) {
		return m.Names[j]
	}
	return "cluster " + strconv.Itoa(j+1)
}

// Assign reads the customer's Features, scales them with Scaler if set, and returns the name of
// the nearest cluster; false when Features is empty or an attribute is missing or not finite.
func (m *KMeans) Assign(c *Customer) (string, bool) {
	if len(m.Features) == 0 || len(m.Features) != m.Centroids.Dim {
		return "", false
	}
	x := make([]float64, len(m.Features))
	for i, f := range m.Features {
		v, ok := c.Numbers[f]
		if !ok {
			return "", false
		}
		x[i] = v
	}
	if m.Scaler != nil {
		m.Scaler.Transform(x, x)
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", false
		}
	}
	return m.Name(m.Predict(x)), true
}

package abtest

import (
	"errors"
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/stat"
)

// Arm is what the two-sample tests need from one arm: the number of units, the mean of the
// per-unit metric and the per-unit variance of that mean's estimator times the units
// (var(mean) = Variance()/Units()). Moments, Rate and RatioMoments implement it; a host
// with its own summary can too.
type Arm interface {
	Units() float64
	Mean() float64
	Variance() float64
}

// Moments are the sufficient statistics of a per-unit metric in one arm: the number of units N,
// the sum of the values and the sum of their squares, which is what
// `SELECT count(*), sum(x), sum(x*x) ... GROUP BY variant` returns. Moments add up: per-shard or
// per-day moments combine with Merge. A Moments value is safe to copy and to share read-only.
//
// Sums are float64: integer-valued sums (counts, cents) are exact up to 2^53. The variance
// SumSquares - Sum^2/N cancels when the mean is huge relative to the spread (a timestamp, a
// price near 1e6 with cents of spread); subtract a fixed reference value from every unit
// before summing in such cases: differences and variances do not change.
type Moments struct {
	N          int64
	Sum        float64
	SumSquares float64
}

// MomentsOf builds Moments from raw per-unit values.
func MomentsOf(values []float64) Moments {
	var m Moments
	for _, x := range values {
		m.Add(x)
	}
	return m
}

// Add records one unit with value x.
func (m *Moments) Add(x float64) {
	m.N++
	m.Sum += x
	m.SumSquares += x * x
}

// Merge returns the moments of the union of two disjoint sets of units.
func (m Moments) Merge(o Moments) Moments {
	return Moments{N: m.N + o.N, Sum: m.Sum + o.Sum, SumSquares: m.SumSquares + o.SumSquares}
}

// Units returns N as a float64.
func (m Moments) Units() float64 { return float64(m.N) }

// Mean returns Sum/N (NaN when N = 0).
func (m Moments) Mean() float64 { return m.Sum / float64(m.N) }

// Variance returns the sample variance with n - 1: (SumSquares - Sum (Sum/N))/(N - 1), the
// mean taken before the product so that sums near the float64 limits do not overflow. It is
// NaN for N < 2 and can be slightly negative through rounding for a constant metric; the
// tests treat a variance <= 0 as ErrZeroVariance.
func (m Moments) Variance() float64 {
	n := float64(m.N)
	return (m.SumSquares - m.Sum*(m.Sum/n)) / (n - 1)
}

// Validate reports a negative N, non-finite sums or a negative sum of squares.
func (m Moments) Validate() error {
	switch {
	case m.N < 0:
		return fmt.Errorf("%w: units %d < 0", ErrInvalidInput, m.N)
	case !finite(m.Sum):
		return fmt.Errorf("%w: sum %v is not finite", ErrInvalidInput, m.Sum)
	case !finite(m.SumSquares) || m.SumSquares < 0:
		return fmt.Errorf("%w: sum of squares %v", ErrInvalidInput, m.SumSquares)
	}
	return nil
}

// Rate is a binary metric in one arm: Successes out of Trials units. It is the module's one
// proportion type (internal/stat, also metrics.Rate), so a metrics per-variant rate is an
// experiment arm as it stands: metrics.Report.Rates(kpi) gives the arms of a ByVariant report.
// Counts are int64, exact to 1e12 and beyond. Its variance is p(1-p) with no n-1 correction,
// as in statsmodels and gbstats. Its Validate error has no prefix; abtest wraps it with
// ErrInvalidInput and names the arm.
type Rate = stat.Rate

// RatioMoments are the sufficient statistics of a ratio metric such as average order value
// (revenue / orders) when the randomization unit (the user) is not the denominator: per unit,
// a numerator value and a denominator value, numerator first (Add(num, den)). It is the
// module's one ratio type (internal/stat, also metrics.RatioMoments); stat.FromSums builds it
// from SQL sums, as Row.RatioMoments does. Its variance is the delta method's, so that
// var(ratio) = Variance()/N.
type RatioMoments = stat.RatioMoments

// Interval is a confidence interval [Lower, Upper]: the module's one interval type
// (internal/stat, also metrics.Interval). An infinite end means "no bound" and encodes to JSON
// as null.
type Interval = stat.Interval

// validateSums checks the units and five sums of a two-variable summary: all finite, the
// second and fourth (sums of squares) not negative.
func validateSums(n int64, v [5]float64, names [5]string) error {
	if n < 0 {
		return fmt.Errorf("%w: units %d < 0", ErrInvalidInput, n)
	}
	for i := range v {
		if !finite(v[i]) || ((i == 1 || i == 3) && v[i] < 0) {
			return fmt.Errorf("%w: %s %v", ErrInvalidInput, names[i], v[i])
		}
	}
	return nil
}

// CUPEDMoments are the sufficient statistics for CUPED (regression adjustment on a pre-period
// covariate): per unit a post-period value y and a pre-period value x, with their sums, sums of
// squares and the cross product sum(x*y).
type CUPEDMoments struct {
	N            int64
	Post         float64
	PostSquares  float64
	Pre          float64
	PreSquares   float64
	CrossProduct float64
}

// Add records one unit with post-period value post and pre-period value pre.
func (c *CUPEDMoments) Add(post, pre float64) {
	c.N++
	c.Post += post
	c.PostSquares += post * post
	c.Pre += pre
	c.PreSquares += pre * pre
	c.CrossProduct += post * pre
}

// Merge returns the statistics of the union of two disjoint sets of units.
func (c CUPEDMoments) Merge(o CUPEDMoments) CUPEDMoments {
	return CUPEDMoments{N: c.N + o.N, Post: c.Post + o.Post, PostSquares: c.PostSquares + o.PostSquares,
		Pre: c.Pre + o.Pre, PreSquares: c.PreSquares + o.PreSquares, CrossProduct: c.CrossProduct + o.CrossProduct}
}

// PostMoments returns the moments of the post-period metric alone.
func (c CUPEDMoments) PostMoments() Moments {
	return Moments{N: c.N, Sum: c.Post, SumSquares: c.PostSquares}
}

// Validate reports a negative N, non-finite sums or negative sums of squares, naming the
// field as the aggregates CSV does (sum, sum_squares, pre_sum, pre_sum_squares,
// pre_cross_sum).
func (c CUPEDMoments) Validate() error {
	return validateSums(c.N, [5]float64{c.Post, c.PostSquares, c.Pre, c.PreSquares, c.CrossProduct},
		[5]string{"sum", "sum_squares", "pre_sum", "pre_sum_squares", "pre_cross_sum"})
}

// sampleCov returns the n-1 covariance from sums, (sxy - sx (sy/n))/(n - 1), dividing before
// the product so that sums near the float64 limits do not overflow.
func sampleCov(n, sx, sy, sxy float64) float64 { return (sxy - sx*(sy/n)) / (n - 1) }

// validateArm checks an Arm's numbers before a test uses them.
func validateArm(name string, a Arm) error {
	if v, ok := a.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				err = fmt.Errorf("%w: %w", ErrInvalidInput, err)
			}
			return fmt.Errorf("%w (%s)", err, name)
		}
	}
	if n := a.Units(); math.IsNaN(n) || n < 0 {
		return fmt.Errorf("%w: %s units %v", ErrInvalidInput, name, n)
	}
	return nil
}

// validRate is r.Validate wrapped with ErrInvalidInput (stat's errors carry no sentinel).
func validRate(r Rate) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}

package abtest

import (
	"fmt"
	"math"
)

// Arm is what the two-sample tests need from one arm: the number of units, the mean of the
// per-unit metric and the per-unit variance of that mean's estimator times the units
// (var(mean) = Variance()/Units()). Moments, Proportion and RatioMoments implement it; a host
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

// Proportion is a binary metric in one arm: N units (trials) of which Successes converted.
// Counts are int64, exact to 1e12 and beyond. Its variance is p(1-p) with no n-1 correction,
// as in statsmodels and gbstats.
type Proportion struct {
	N         int64
	Successes int64
}

// Merge adds the counts of two disjoint sets of units.
func (p Proportion) Merge(o Proportion) Proportion {
	return Proportion{N: p.N + o.N, Successes: p.Successes + o.Successes}
}

// Units returns N as a float64.
func (p Proportion) Units() float64 { return float64(p.N) }

// Mean returns the rate Successes/N (NaN when N = 0).
func (p Proportion) Mean() float64 { return float64(p.Successes) / float64(p.N) }

// Variance returns p(1-p).
func (p Proportion) Variance() float64 {
	r := p.Mean()
	return r * (1 - r)
}

// Validate reports negative counts or successes above trials.
func (p Proportion) Validate() error {
	switch {
	case p.N < 0:
		return fmt.Errorf("%w: trials %d < 0", ErrInvalidInput, p.N)
	case p.Successes < 0:
		return fmt.Errorf("%w: successes %d < 0", ErrInvalidInput, p.Successes)
	case p.Successes > p.N:
		return fmt.Errorf("%w: successes %d > trials %d", ErrInvalidInput, p.Successes, p.N)
	}
	return nil
}

// RatioMoments are the sufficient statistics of a ratio metric such as average order value
// (revenue / orders) when the randomization unit (the user) is not the denominator: per unit,
// a numerator value m and a denominator value d. Besides the sums it keeps Cross = sum(m*d)
// because the delta-method variance needs the covariance.
type RatioMoments struct {
	N            int64
	Num          float64
	NumSquares   float64
	Den          float64
	DenSquares   float64
	CrossProduct float64
}

// Add records one unit with numerator m and denominator d.
func (r *RatioMoments) Add(m, d float64) {
	r.N++
	r.Num += m
	r.NumSquares += m * m
	r.Den += d
	r.DenSquares += d * d
	r.CrossProduct += m * d
}

// Merge returns the statistics of the union of two disjoint sets of units.
func (r RatioMoments) Merge(o RatioMoments) RatioMoments {
	return RatioMoments{N: r.N + o.N, Num: r.Num + o.Num, NumSquares: r.NumSquares + o.NumSquares,
		Den: r.Den + o.Den, DenSquares: r.DenSquares + o.DenSquares, CrossProduct: r.CrossProduct + o.CrossProduct}
}

// Units returns N as a float64.
func (r RatioMoments) Units() float64 { return float64(r.N) }

// Mean returns the ratio of means Num/Den.
func (r RatioMoments) Mean() float64 { return r.Num / r.Den }

// Variance returns the per-unit delta-method variance of the ratio of means m/d:
//
//	var_m/d^2 + var_d m^2/d^4 - 2 cov(m,d) m/d^3
//
// with m, d the per-unit means and n-1 sample moments, so that var(ratio) = Variance()/N. It
// is computed as ((var_m - 2 r cov + r^2 var_d)/d)/d with r = m/d, so that no power of d
// over- or underflows on its own.
func (r RatioMoments) Variance() float64 {
	n := float64(r.N)
	m, d := r.Num/n, r.Den/n
	vm := sampleCov(n, r.Num, r.Num, r.NumSquares)
	vd := sampleCov(n, r.Den, r.Den, r.DenSquares)
	cov := sampleCov(n, r.Num, r.Den, r.CrossProduct)
	q := m / d
	return (vm - 2*q*cov + q*q*vd) / d / d
}

// Validate reports a negative N, non-finite sums or negative sums of squares, naming the
// field as the aggregates CSV does (sum, sum_squares, den_sum, den_sum_squares, cross_sum).
func (r RatioMoments) Validate() error {
	return validateSums(r.N, [5]float64{r.Num, r.NumSquares, r.Den, r.DenSquares, r.CrossProduct},
		[5]string{"sum", "sum_squares", "den_sum", "den_sum_squares", "cross_sum"})
}

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
			return fmt.Errorf("%w (%s)", err, name)
		}
	}
	if n := a.Units(); math.IsNaN(n) || n < 0 {
		return fmt.Errorf("%w: %s units %v", ErrInvalidInput, name, n)
	}
	return nil
}

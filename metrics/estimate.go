package metrics

import (
	"fmt"
	"math"
)

// Estimate is a money or time figure (average order value, revenue per visitor, seconds on
// site, ROAS, ...) with its standard error when one is known.
//
// An estimate is undefined when its denominator is zero (no orders, no sessions, no spend):
// then Valid is false, Value is 0 and Interval reports false. SE is negative when no standard
// error is known (fewer than two units with data, or a figure such as CAC whose error tailor
// does not model); then Interval reports false too.
//
// Estimate is a plain value, safe to copy and to share between goroutines.
type Estimate struct {
	// Value is the point estimate; 0 when not Valid.
	Value float64
	// SE is the standard error of Value, or −1 when unknown.
	SE float64
	// Units is the number of independent units behind the estimate (visitors, customers).
	Units int64
	// Valid is false when the estimate is undefined (zero denominator).
	Valid bool
}

// undefined is the undefined estimate over n units.
func undefined(n int64) Estimate { return Estimate{SE: -1, Units: n} }

// Defined reports whether the estimate has a value (its denominator was not zero).
func (e Estimate) Defined() bool { return e.Valid }

// Interval returns the normal interval Value ± z·SE for cfg's level and true, or false when the
// estimate is undefined, has no standard error or cfg fails Validate.
func (e Estimate) Interval(cfg IntervalConfig) (Interval, bool) {
	if !e.Valid || e.SE < 0 || cfg.Validate() != nil {
		return Interval{}, false
	}
	h := cfg.z() * e.SE
	return Interval{Lo: e.Value - h, Hi: e.Value + h}, true
}

// String formats the value with two decimals, or "n/a" when undefined.
func (e Estimate) String() string {
	if !e.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", e.Value)
}

// RatioMoments are the mergeable sufficient statistics of a ratio metric ΣY/ΣX over
// independent units i = 1..n, each contributing a pair (xᵢ, yᵢ): for average order value a
// unit is a customer with x = orders and y = revenue; for time on site a visitor with
// x = sessions and y = seconds. Setting every x = 1 gives a plain mean.
//
// Moments are kept in Welford's centred form, so large sums do not lose precision, and Merge
// uses Chan et al.'s pairwise update: merging shards equals one pass up to rounding.
//
// The ratio's standard error comes from the delta method (Deng, Knoblich & Lu 2018), with
// R = ȳ/x̄ and sample (co)variances s:
//
//	Var(R) ≈ (s_yy − 2R·s_xy + R²·s_xx) / (n·x̄²)
//
// which, unlike treating sessions or orders as independent, accounts for several of them coming
// from the same visitor or customer.
type RatioMoments struct {
	// N is the number of units.
	N int64
	// MeanX and MeanY are the running means of x and y.
	MeanX, MeanY float64
	// Cxx, Cyy and Cxy are the sums of centred products Σ(x−x̄)², Σ(y−ȳ)², Σ(x−x̄)(y−ȳ).
	Cxx, Cyy, Cxy float64
	// Active counts the units with x ≠ 0 or y ≠ 0. A unit (0, 0), such as a visitor without
	// orders in average order value, has residual y − R·x = 0 and says nothing about the
	// ratio's spread: with fewer than two active units the standard error is unknown rather
	// than a zero-width interval.
	Active int64
}

// Add records one unit.
func (m *RatioMoments) Add(x, y float64) {
	m.N++
	if x != 0 || y != 0 {
		m.Active++
	}
	n := float64(m.N)
	dx, dy := x-m.MeanX, y-m.MeanY
	m.MeanX += dx / n
	m.MeanY += dy / n
	m.Cxx += dx * (x - m.MeanX)
	m.Cyy += dy * (y - m.MeanY)
	m.Cxy += dx * (y - m.MeanY)
}

// Merge adds the units of o.
func (m *RatioMoments) Merge(o RatioMoments) {
	if o.N == 0 {
		return
	}
	if m.N == 0 {
		*m = o
		return
	}
	na, nb := float64(m.N), float64(o.N)
	n := na + nb
	dx, dy := o.MeanX-m.MeanX, o.MeanY-m.MeanY
	m.Cxx += o.Cxx + dx*dx*na*nb/n
	m.Cyy += o.Cyy + dy*dy*na*nb/n
	m.Cxy += o.Cxy + dx*dy*na*nb/n
	m.MeanX += dx * nb / n
	m.MeanY += dy * nb / n
	m.N += o.N
	m.Active += o.Active
}

// SumX returns Σx.
func (m RatioMoments) SumX() float64 { return m.MeanX * float64(m.N) }

// SumY returns Σy.
func (m RatioMoments) SumY() float64 { return m.MeanY * float64(m.N) }

// Ratio returns the estimate ΣY/ΣX with its delta-method standard error; undefined when ΣX is
// not positive. The standard error needs n >= 2 and at least two Active units (SE = −1
// otherwise: one customer's single order gives no spread to measure).
func (m RatioMoments) Ratio() Estimate {
	if m.N == 0 || !(m.MeanX > 0) {
		return undefined(m.N)
	}
	r := m.MeanY / m.MeanX
	e := Estimate{Value: r, SE: -1, Units: m.N, Valid: true}
	if m.N >= 2 && m.Active >= 2 {
		n := float64(m.N)
		sxx, syy, sxy := m.Cxx/(n-1), m.Cyy/(n-1), m.Cxy/(n-1)
		v := (syy - 2*r*sxy + r*r*sxx) / (n * m.MeanX * m.MeanX)
		e.SE = math.Sqrt(math.Max(0, v))
	}
	return e
}

// Lift is the relative change of a test figure over a base figure, in percent:
// 100·(test/base − 1), with its confidence interval in percent. A lift too large for a float64
// (a base of 5e-324 against a test of 10) is not Valid, and an interval bound beyond float64
// leaves the lift without an interval: a Valid lift is always finite.
type Lift struct {
	// Percent is 100·(test/base − 1); 0 when not Valid.
	Percent float64
	// Interval is the confidence interval of Percent; meaningful when HasInterval.
	Interval Interval
	// Valid is false when the base is zero or either side is undefined.
	Valid bool
	// HasInterval is false when no interval can be formed (a side with zero successes, an
	// estimate without a standard error or not positive).
	HasInterval bool
}

// String formats the lift as "+12.3% [+1.2%, +25.0%]", or "n/a".
func (l Lift) String() string {
	if !l.Valid {
		return "n/a"
	}
	if !l.HasInterval {
		return fmt.Sprintf("%+.1f%%", l.Percent)
	}
	return fmt.Sprintf("%+.1f%% [%+.1f%%, %+.1f%%]", l.Percent, l.Interval.Lo, l.Interval.Hi)
}

// RateLift compares two independent rates. The interval is Katz's log interval for a ratio of
// proportions, with r = p̂_test/p̂_base:
//
//	exp(log r ± z·sqrt(1/k_t − 1/n_t + 1/k_b − 1/n_b)) − 1
//
// which needs k > 0 on both sides (and cfg to pass Validate).
func RateLift(base, test Rate, cfg IntervalConfig) Lift {
	pb, okb := base.Value()
	pt, okt := test.Value()
	if !okb || !okt || pb == 0 {
		return Lift{}
	}
	r := pt / pb
	l := Lift{Percent: 100 * (r - 1), Valid: true}
	if base.Successes > 0 && test.Successes > 0 && cfg.Validate() == nil {
		v := 1/float64(test.Successes) - 1/float64(test.Trials) + 1/float64(base.Successes) - 1/float64(base.Trials)
		l.Interval = logInterval(r, math.Max(0, v), cfg)
		l.HasInterval = true
	}
	return l.finite()
}

// EstimateLift compares two independent estimates. The interval is the delta-method interval on
// the log scale, with r = test/base:
//
//	exp(log r ± z·sqrt((SE_t/test)² + (SE_b/base)²)) − 1
//
// which needs both values positive, both standard errors known and cfg to pass Validate.
func EstimateLift(base, test Estimate, cfg IntervalConfig) Lift {
	if !base.Valid || !test.Valid || base.Value == 0 {
		return Lift{}
	}
	r := test.Value / base.Value
	l := Lift{Percent: 100 * (r - 1), Valid: true}
	if base.Value > 0 && test.Value > 0 && base.SE >= 0 && test.SE >= 0 && cfg.Validate() == nil {
		cb, ct := base.SE/base.Value, test.SE/test.Value
		l.Interval = logInterval(r, cb*cb+ct*ct, cfg)
		l.HasInterval = true
	}
	return l.finite()
}

// finite enforces Lift's promise: a non-finite percent makes the lift invalid, a non-finite
// (or NaN) interval bound drops the interval.
func (l Lift) finite() Lift {
	if !l.Valid || math.IsNaN(l.Percent) || math.IsInf(l.Percent, 0) {
		return Lift{}
	}
	if lo, hi := l.Interval.Lo, l.Interval.Hi; l.HasInterval &&
		(math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0)) {
		l.Interval, l.HasInterval = Interval{}, false
	}
	return l
}

func logInterval(r, varLog float64, cfg IntervalConfig) Interval {
	h := cfg.z() * math.Sqrt(varLog)
	return Interval{Lo: 100 * (math.Exp(math.Log(r)-h) - 1), Hi: 100 * (math.Exp(math.Log(r)+h) - 1)}
}

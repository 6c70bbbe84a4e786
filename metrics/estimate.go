package metrics

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/stat"
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
	return Interval{Lower: e.Value - h, Upper: e.Value + h}, true
}

// String formats the value with two decimals, or "n/a" when undefined.
func (e Estimate) String() string {
	if !e.Valid {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", e.Value)
}

// RatioMoments are the mergeable sufficient statistics of a ratio metric ΣNum/ΣDen over
// independent units, numerator first (Add(num, den)): for average order value a unit is a
// customer with num = revenue and den = orders; for time on site a visitor with num = seconds
// and den = sessions. It is the module's one RatioMoments (internal/stat), shared with abtest;
// EstimateRatio turns it into an Estimate with its delta-method standard error.
type RatioMoments = stat.RatioMoments

// EstimateRatio returns the estimate ΣNum/ΣDen of m with its delta-method standard error
// (Deng, Knoblich & Lu 2018; see RatioMoments), with R = n̄/d̄ and sample (co)variances s:
//
//	Var(R) ≈ (s_nn − 2R·s_nd + R²·s_dd) / (n·d̄²)
//
// The estimate is undefined when ΣDen is not positive. The standard error needs n >= 2 and at
// least two Active units (SE = −1 otherwise: one customer's single order gives no spread to
// measure).
func EstimateRatio(m RatioMoments) Estimate {
	if m.N == 0 || !(m.MeanDen > 0) {
		return undefined(m.N)
	}
	e := Estimate{Value: m.MeanNum / m.MeanDen, SE: -1, Units: m.N, Valid: true}
	if m.N >= 2 && m.Active >= 2 {
		e.SE = math.Sqrt(math.Max(0, m.Variance()/float64(m.N)))
	}
	return e
}

// Lift is the relative change of a test figure over a base figure, in percent:
// 100·(test/base − 1), with its confidence interval in percent. A lift too large for a float64
// (a base of 5e-324 against a test of 10) is not Valid, and an interval bound beyond float64
// leaves the lift without an interval: a Valid lift is always finite.
type Lift struct {
	// Percent is 100·(test/base − 1); 0 when not Valid.
	Percent float64 `json:"percent"`
	// Interval is the confidence interval of Percent; meaningful when HasInterval.
	Interval Interval `json:"interval"`
	// Valid is false when the base is zero or either side is undefined.
	Valid bool `json:"valid"`
	// HasInterval is false when no interval can be formed (a side with zero successes, an
	// estimate without a standard error or not positive).
	HasInterval bool `json:"has_interval"`
}

// String formats the lift as "+12.3% [+1.2%, +25.0%]", or "n/a".
func (l Lift) String() string {
	if !l.Valid {
		return "n/a"
	}
	if !l.HasInterval {
		return fmt.Sprintf("%+.1f%%", l.Percent)
	}
	return fmt.Sprintf("%+.1f%% [%+.1f%%, %+.1f%%]", l.Percent, l.Interval.Lower, l.Interval.Upper)
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
	if lo, hi := l.Interval.Lower, l.Interval.Upper; l.HasInterval &&
		(math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0)) {
		l.Interval, l.HasInterval = Interval{}, false
	}
	return l
}

func logInterval(r, varLog float64, cfg IntervalConfig) Interval {
	h := cfg.z() * math.Sqrt(varLog)
	return Interval{Lower: 100 * (math.Exp(math.Log(r)-h) - 1), Upper: 100 * (math.Exp(math.Log(r)+h) - 1)}
}

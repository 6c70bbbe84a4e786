package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Method selects how a Rate's confidence interval is computed.
type Method int

const (
	// Wilson is the Wilson score interval (the default). With z the two-sided normal quantile,
	// p̂ = k/n:
	//
	//	centre = (p̂ + z²/(2n)) / (1 + z²/n)
	//	half   = z·sqrt(p̂(1−p̂)/n + z²/(4n²)) / (1 + z²/n)
	//
	// It stays inside [0, 1] and keeps close to nominal coverage even for small n or p̂ near 0
	// or 1 (Brown, Cai & DasGupta 2001), which is where shop rates live.
	Wilson Method = iota
	// AgrestiCoull adds z²/2 successes and z²/2 failures and uses the Wald formula:
	//
	//	ñ = n + z², p̃ = (k + z²/2)/ñ, p̃ ± z·sqrt(p̃(1−p̃)/ñ)
	//
	// clipped to [0, 1] as statsmodels does.
	AgrestiCoull
	// Jeffreys is the equal-tailed Bayesian interval under the Jeffreys prior Beta(½, ½):
	// the α/2 and 1−α/2 quantiles of Beta(k+½, n−k+½). As in statsmodels the bounds are not
	// forced to 0 when k = 0 or to 1 when k = n.
	Jeffreys
)

// String returns the method's name ("wilson", "agresti-coull", "jeffreys").
func (m Method) String() string {
	switch m {
	case Wilson:
		return "wilson"
	case AgrestiCoull:
		return "agresti-coull"
	case Jeffreys:
		return "jeffreys"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MarshalText encodes the method by its name, so JSON reads "wilson" rather than 0.
func (m Method) MarshalText() ([]byte, error) {
	if m < Wilson || m > Jeffreys {
		return nil, fmt.Errorf("%w: interval method %d", ErrConfig, int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a name written by MarshalText.
func (m *Method) UnmarshalText(b []byte) error {
	for _, c := range []Method{Wilson, AgrestiCoull, Jeffreys} {
		if string(b) == c.String() {
			*m = c
			return nil
		}
	}
	return fmt.Errorf("%w: interval method %q (want wilson, agresti-coull or jeffreys)", ErrConfig, b)
}

// IntervalConfig chooses how intervals are computed. The zero value gives 95% Wilson
// intervals. A config that fails Validate gives no intervals: Rate.Interval and
// Estimate.Interval report false, lifts have no interval and Compare returns the error.
type IntervalConfig struct {
	// Method for rates: Wilson (the default), AgrestiCoull or Jeffreys. Money estimates
	// always use the normal (delta-method) interval.
	Method Method
	// Level is the two-sided confidence level, in (0, 1); 0 means 0.95.
	Level float64
}

// Validate reports a Method other than Wilson, AgrestiCoull and Jeffreys, or a Level that is
// neither 0 nor inside (0, 1) (NaN included), as an error wrapping ErrConfig.
func (c IntervalConfig) Validate() error {
	if c.Method < Wilson || c.Method > Jeffreys {
		return fmt.Errorf("%w: interval Method = %d (want Wilson, AgrestiCoull or Jeffreys)", ErrConfig, int(c.Method))
	}
	if c.Level != 0 && !(c.Level > 0 && c.Level < 1) {
		return fmt.Errorf("%w: interval Level = %v (want 0 for 0.95, or a value in (0, 1))", ErrConfig, c.Level)
	}
	return nil
}

func (c IntervalConfig) level() float64 {
	if c.Level == 0 {
		return 0.95
	}
	return c.Level
}

// z returns the two-sided normal critical value for the configured level.
func (c IntervalConfig) z() float64 {
	// The lower tail keeps its precision where 1 - (1-level)/2 would round to 1 (and the
	// quantile to +Inf) for a level within 1e-16 of 1.
	return -distuv.UnitNormal.Quantile((1 - c.level()) / 2)
}

// Interval is a two-sided confidence interval [Lo, Hi].
type Interval struct {
	// Lo and Hi are the lower and upper bounds.
	Lo, Hi float64
}

// Rate is a proportion k/n of units with a property (sessions that converted, impressions that
// were clicked, ...). Its zero value is the undefined rate 0/0.
//
// A rate is defined only when 0 < n and 0 <= k <= n. Every accessor reports definedness
// explicitly, so a zero denominator never turns into a NaN that travels on unnoticed: Value
// returns (0, false) and String prints "n/a". A rate with k > n (more clicks than recorded
// impressions, say) is not a proportion and is undefined too; its counts are kept for display.
//
// Rate is a plain value, safe to copy and to share between goroutines.
type Rate struct {
	// Successes is k, the units with the property.
	Successes int64
	// Trials is n, the units that could have had it.
	Trials int64
}

// NewRate returns the rate k/n.
func NewRate(k, n int64) Rate { return Rate{Successes: k, Trials: n} }

// Defined reports whether the rate is a proportion: n > 0 and 0 <= k <= n.
func (r Rate) Defined() bool { return r.Trials > 0 && r.Successes >= 0 && r.Successes <= r.Trials }

// Value returns k/n and true, or 0 and false when the rate is undefined.
func (r Rate) Value() (float64, bool) {
	if !r.Defined() {
		return 0, false
	}
	return float64(r.Successes) / float64(r.Trials), true
}

// Complement returns (n−k)/n: the bounce rate from the engagement rate, the drop-off from a
// step conversion. An undefined rate stays undefined.
func (r Rate) Complement() Rate { return Rate{Successes: r.Trials - r.Successes, Trials: r.Trials} }

// Add returns the pooled rate (k1+k2)/(n1+n2), which is how rates of disjoint shards merge.
// A pooled count beyond the range of int64 cannot be held: the result is then the undefined
// rate 0/0, never a count wrapped to the other sign (2^62 + 2^62 trials used to become -2^63).
func (r Rate) Add(o Rate) Rate {
	k, okK := addInt64(r.Successes, o.Successes)
	n, okN := addInt64(r.Trials, o.Trials)
	if !okK || !okN {
		return Rate{}
	}
	return Rate{Successes: k, Trials: n}
}

// addInt64 is a + b and whether it did not overflow.
func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0)
}

// Interval returns the confidence interval chosen by cfg and true, or a zero Interval and false
// when the rate is undefined or cfg fails Validate. The bounds always lie in [0, 1], Lo <= Hi,
// and Wilson and Agresti-Coull bracket the point estimate, for every count up to
// math.MaxInt64. Counts are converted to float64, so above 2^53 they lose their last digits
// (and the interval its meaning long before).
func (r Rate) Interval(cfg IntervalConfig) (Interval, bool) {
	if !r.Defined() || cfg.Validate() != nil {
		return Interval{}, false
	}
	k, n := float64(r.Successes), float64(r.Trials)
	p := k / n
	switch cfg.Method {
	case AgrestiCoull:
		z := cfg.z()
		nt := n + z*z
		pt := (k + z*z/2) / nt
		h := z * math.Sqrt(pt*(1-pt)/nt)
		return bracket(pt-h, pt+h, p), true
	case Jeffreys:
		a := (1 - cfg.level()) / 2
		lo := clamp01(betaLower(k+0.5, n-k+0.5, a))
		hi := clamp01(betaUpper(k+0.5, n-k+0.5, a))
		// At counts near 2^63 the bounds can come out a few ulps out of order.
		return Interval{Lo: min(lo, hi), Hi: max(lo, hi)}, true
	default:
		z := cfg.z()
		z2 := z * z
		den := 1 + z2/n
		c := (p + z2/(2*n)) / den
		h := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / den
		return bracket(c-h, c+h, p), true
	}
}

// String formats the rate as a percentage with one decimal ("12.5%"), or "n/a" when undefined.
func (r Rate) String() string {
	v, ok := r.Value()
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

// bracket clamps [lo, hi] to [0, 1] and widens it to hold p, which the exact Wilson and
// Agresti-Coull bounds always do: rounding can leave Wilson's lower bound at 0 successes a few
// ulps above 0, or its upper bound at n successes below 1.
func bracket(lo, hi, p float64) Interval {
	return Interval{Lo: math.Min(clamp01(lo), p), Hi: math.Max(clamp01(hi), p)}
}

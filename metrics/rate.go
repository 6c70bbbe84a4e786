package metrics

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/stat"
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
// intervals. A config that fails Validate gives no intervals: RateInterval and
// Estimate.Interval report false, lifts have no interval and Compare returns the error.
type IntervalConfig struct {
	// Method for rates: Wilson (the default), AgrestiCoull or Jeffreys. Money estimates
	// always use the normal (delta-method) interval.
	Method Method `json:"method"`
	// Alpha sets the two-sided confidence level 1 − Alpha, in (0, 1); 0 means 0.05 (95%).
	Alpha float64 `json:"alpha"`
}

// Validate reports a Method other than Wilson, AgrestiCoull and Jeffreys, or an Alpha that is
// neither 0 nor inside (0, 1) (NaN included), as an error wrapping ErrConfig.
func (c IntervalConfig) Validate() error {
	if c.Method < Wilson || c.Method > Jeffreys {
		return fmt.Errorf("%w: interval Method = %d (want Wilson, AgrestiCoull or Jeffreys)", ErrConfig, int(c.Method))
	}
	if c.Alpha != 0 && !(c.Alpha > 0 && c.Alpha < 1) {
		return fmt.Errorf("%w: interval Alpha = %v (want 0 for 0.05, or a value in (0, 1))", ErrConfig, c.Alpha)
	}
	return nil
}

func (c IntervalConfig) alpha() float64 {
	if c.Alpha == 0 {
		return 0.05
	}
	return c.Alpha
}

// z returns the two-sided normal critical value for the configured level.
func (c IntervalConfig) z() float64 { return stat.Z(c.alpha()) }

// Interval is a confidence interval [Lower, Upper], the module's one interval type
// (internal/stat). Its JSON is {"lower", "upper"}; a non-finite end is null, "no bound".
type Interval = stat.Interval

// Rate is a proportion k/n of units with a property (sessions that converted, impressions that
// were clicked, ...): the module's one rate type, shared with abtest (internal/stat). Its zero
// value is the undefined rate 0/0.
//
// A rate is defined only when 0 < n and 0 <= k <= n. Every accessor reports definedness
// explicitly, so a zero denominator never turns into a NaN that travels on unnoticed: Value
// returns (0, false) and String prints "n/a". A rate with k > n (more clicks than recorded
// impressions, say) is not a proportion and is undefined too; its counts are kept for display.
// Merge pools two shards' rates; a pooled count beyond int64 gives the undefined rate, never a
// wrapped count.
//
// Its JSON is {"successes", "trials", "value", "lower", "upper"} with the 95% Wilson interval;
// value and bounds are null when the rate is undefined. Decoding reads the counts back.
//
// Rate is a plain value, safe to copy and to share between goroutines.
type Rate = stat.Rate

// NewRate returns the rate k/n.
func NewRate(k, n int64) Rate { return Rate{Successes: k, Trials: n} }

// RateInterval returns the confidence interval of r chosen by cfg and true, or a zero
// Interval and false when the rate is undefined or cfg fails Validate. The bounds always lie
// in [0, 1], Lower <= Upper, and Wilson and Agresti-Coull bracket the point estimate (Wilson
// at 0 successes has a lower bound of exactly 0, at n an upper bound of exactly 1), for every
// count up to math.MaxInt64. Counts are converted to float64, so above 2^53 they lose their
// last digits (and the interval its meaning long before).
func RateInterval(r Rate, cfg IntervalConfig) (Interval, bool) {
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
		return stat.Bracket(pt-h, pt+h, p), true
	case Jeffreys:
		// The tail alpha/2; for the one alpha whose half underflows (5e-324) the smallest
		// float64 stands in, which moves the bounds by far less than their rounding.
		a := max(cfg.alpha()/2, math.SmallestNonzeroFloat64)
		lo := stat.Clamp01(betaLower(k+0.5, n-k+0.5, a))
		hi := stat.Clamp01(betaUpper(k+0.5, n-k+0.5, a))
		// At counts near 2^63 the bounds can come out a few ulps out of order.
		return Interval{Lower: min(lo, hi), Upper: max(lo, hi)}, true
	default:
		return stat.Wilson(k, n, cfg.z()), true
	}
}

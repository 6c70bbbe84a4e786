package stat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Rate is a proportion: Successes out of Trials (sessions that converted, impressions that were
// clicked, units of an experiment arm that bought). Its zero value is the undefined rate 0/0.
//
// A rate is defined only when 0 < Trials and 0 <= Successes <= Trials. Value reports
// definedness explicitly, so a zero denominator never turns into a NaN that travels on
// unnoticed, and String prints "n/a". A rate with more successes than trials is not a
// proportion: it is undefined, its counts are kept for display, and Validate reports it.
type Rate struct {
	// Successes is k, the units with the property.
	Successes int64
	// Trials is n, the units that could have had it.
	Trials int64
}

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

// Merge returns the pooled rate (k1+k2)/(n1+n2) of two disjoint sets of units, which is how
// rates of shards combine. A pooled count beyond the range of int64 cannot be held: the result
// is then the undefined rate 0/0, never a count wrapped to the other sign.
func (r Rate) Merge(o Rate) Rate {
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

// Validate reports negative counts or more successes than trials (0/0 is valid: no data yet).
// The error has no package prefix; the caller wraps it with its own sentinel.
func (r Rate) Validate() error {
	switch {
	case r.Trials < 0:
		return fmt.Errorf("trials %d < 0", r.Trials)
	case r.Successes < 0:
		return fmt.Errorf("successes %d < 0", r.Successes)
	case r.Successes > r.Trials:
		return fmt.Errorf("successes %d > trials %d", r.Successes, r.Trials)
	}
	return nil
}

// Units returns Trials as a float64 (the units of an experiment arm).
func (r Rate) Units() float64 { return float64(r.Trials) }

// Mean returns Successes/Trials as a plain float64: NaN when Trials = 0. Value is the checked
// form.
func (r Rate) Mean() float64 { return float64(r.Successes) / float64(r.Trials) }

// Variance returns the per-unit Bernoulli variance p(1−p) with p = Mean(), without an n−1
// correction (as statsmodels and gbstats), so that var(p̂) = Variance()/Units().
func (r Rate) Variance() float64 {
	p := r.Mean()
	return p * (1 - p)
}

// Interval95 returns the 95% Wilson interval and true, or false when the rate is undefined.
func (r Rate) Interval95() (Interval, bool) {
	if !r.Defined() {
		return Interval{}, false
	}
	return Wilson(float64(r.Successes), float64(r.Trials), Z(0.05)), true
}

// String formats the rate as a percentage with one decimal ("12.5%"), or "n/a" when undefined.
func (r Rate) String() string {
	v, ok := r.Value()
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}

// rateJSON is Rate's JSON form.
type rateJSON struct {
	Successes *int64   `json:"successes"`
	Trials    *int64   `json:"trials"`
	Value     *float64 `json:"value"`
	Lower     *float64 `json:"lower"`
	Upper     *float64 `json:"upper"`
}

// errRateJSON is returned for a JSON rate without its counts.
var errRateJSON = errors.New("JSON rate lacks successes or trials")

// MarshalJSON encodes the rate as {"successes", "trials", "value", "lower", "upper"} with its
// 95% Wilson interval; value and bounds are null when the rate is undefined ("not defined for
// this data"). Encoding never fails.
func (r Rate) MarshalJSON() ([]byte, error) {
	j := rateJSON{Successes: &r.Successes, Trials: &r.Trials}
	if v, ok := r.Value(); ok {
		ci, _ := r.Interval95()
		j.Value, j.Lower, j.Upper = &v, &ci.Lower, &ci.Upper
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the counts written by MarshalJSON; the derived figures (value, bounds)
// are recomputed from them, so they are ignored. Missing counts are an error.
func (r *Rate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var j rateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Successes == nil || j.Trials == nil {
		return errRateJSON
	}
	*r = Rate{Successes: *j.Successes, Trials: *j.Trials}
	return nil
}

package stat

import (
	"bytes"
	"encoding/json"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Interval is a confidence interval [Lower, Upper]. An infinite end means "no bound": a
// one-sided interval has Lower = −Inf or Upper = +Inf.
type Interval struct {
	// Lower and Upper are the bounds, Lower <= Upper.
	Lower, Upper float64
}

// intervalJSON is Interval's JSON form: a nil end is a missing bound.
type intervalJSON struct {
	Lower *float64 `json:"lower"`
	Upper *float64 `json:"upper"`
}

// finitePtr returns &x, or nil when x is infinite or NaN.
func finitePtr(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

// MarshalJSON encodes the interval as {"lower": ..., "upper": ...}. A non-finite end (±Inf, or
// NaN) is null, which means "no bound" on that side; encoding never fails.
func (iv Interval) MarshalJSON() ([]byte, error) {
	return json.Marshal(intervalJSON{Lower: finitePtr(iv.Lower), Upper: finitePtr(iv.Upper)})
}

// UnmarshalJSON reads what MarshalJSON wrote: a null or missing lower end is −Inf, a null or
// missing upper end is +Inf.
func (iv *Interval) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var j intervalJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*iv = Interval{Lower: math.Inf(-1), Upper: math.Inf(1)}
	if j.Lower != nil {
		iv.Lower = *j.Lower
	}
	if j.Upper != nil {
		iv.Upper = *j.Upper
	}
	return nil
}

// Z returns the two-sided normal critical value z_{1−alpha/2} for an interval at level
// 1 − alpha, for alpha in (0, 1). It is computed from the lower tail, −Φ⁻¹(alpha/2), which
// keeps its precision where 1 − alpha/2 would round to 1 (and the quantile to +Inf) for an
// alpha near 1e-16. Below alpha = 1e-280, where gonum's quantile loses digits (and alpha/2
// reaches the subnormals, or 0 at 5e-324), it solves log Q(z) = log(alpha/2) by Newton's
// method on the tail series Q(z) = φ(z)/z·(1 − 1/z² + 3/z⁴ − …), whose error there (z > 35)
// is below 1e-9 relative. The caller validates alpha; outside (0, 1) the result is NaN or ±Inf.
func Z(alpha float64) float64 {
	if !(alpha > 0 && alpha < 1e-280) {
		return -mathext.NormalQuantile(alpha / 2)
	}
	// Frexp first: math.Log of a subnormal is off (math.Log(5e-324) = -709.09, not -744.44).
	frac, exp := math.Frexp(alpha)
	lp := math.Log(frac) + float64(exp-1)*math.Ln2
	z := math.Sqrt(-2 * lp)
	for range 8 {
		z2 := z * z
		g := -z2/2 - math.Log(z) - 0.5*math.Log(2*math.Pi) + math.Log1p(-1/z2+3/(z2*z2)) - lp
		z -= g / (-z - 1/z)
	}
	return z
}

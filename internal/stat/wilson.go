package stat

import "math"

// Wilson is the Wilson score interval for x successes out of n > 0 trials with two-sided
// critical value z (see Z):
//
//	p̂ = x/n
//	centre = (p̂ + z²/(2n)) / (1 + z²/n)
//	half   = z·sqrt(p̂(1−p̂)/n + z²/(4n²)) / (1 + z²/n)
//
// End points: the exact bounds lie in [0, 1] and bracket p̂; rounding can leave them a few ulps
// outside, so the result is clamped to [0, 1] and widened to hold p̂. In particular x = 0 gives
// a lower bound of exactly 0 and x = n an upper bound of exactly 1 (as statsmodels'
// proportion_confint does). The counts are float64 so that callers with int64 counts above
// 2^53 and callers with aggregated float counts share it; the caller checks 0 <= x <= n, n > 0.
func Wilson(x, n, z float64) Interval {
	p := x / n
	z2 := z * z
	den := 1 + z2/n
	c := (p + z2/(2*n)) / den
	h := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n)) / den
	return Bracket(c-h, c+h, p)
}

// Bracket clamps [lo, hi] to [0, 1] and widens it to hold p in [0, 1]: the end-point rule of
// every proportion interval that contains its point estimate (Wilson, Agresti-Coull).
func Bracket(lo, hi, p float64) Interval {
	return Interval{Lower: math.Min(Clamp01(lo), p), Upper: math.Max(Clamp01(hi), p)}
}

// Clamp01 returns x limited to [0, 1].
func Clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

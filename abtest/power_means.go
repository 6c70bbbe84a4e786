package abtest

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Power and sample size for means, and statsmodels' standardized-effect power functions.

// NormalPower is statsmodels normal_power: the power of a one-sample z-test of standardized
// effect d with nobs units, Phi(d sqrt(n) - z) (+ Phi(-d sqrt(n) - z) two-sided).
func NormalPower(effect, nobs float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if !(nobs > 0) || !finite(nobs) || !finite(effect) {
		return 0, fmt.Errorf("%w: effect %v, nobs %v", ErrInvalidInput, effect, nobs)
	}
	return hetPower(effect, nobs, 1, 1, p.crit, p.alt), nil
}

// NormalIndPower is statsmodels NormalIndPower.power: the two-sample z power for standardized
// effect d with n1 treatment units and Ratio n1 control units, NormalPower at the effective
// size n1 n2/(n1 + n2).
func NormalIndPower(effect, n1 float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if !(n1 > 0) || !finite(n1) || !finite(effect) {
		return 0, fmt.Errorf("%w: effect %v, n %v", ErrInvalidInput, effect, n1)
	}
	// n1 n2/(n1 + n2) with n2 = Ratio n1, as n1/(1 + 1/Ratio) so that neither product overflows.
	return hetPower(effect, n1/(1+1/p.ratio), 1, 1, p.crit, p.alt), nil
}

// TTestIndPower is statsmodels TTestIndPower.power (R pwr.t.test): the power of the pooled
// two-sample t-test for standardized effect d with n1 and Ratio n1 units, from the
// noncentral t with df = n1 + n2 - 2 and noncentrality d sqrt(n1 n2/(n1 + n2)):
//
//	P(T' > t_{1-alpha/2}) + P(T' < -t_{1-alpha/2})  (two-sided)
func TTestIndPower(effect, n1 float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	n2 := n1 * p.ratio
	if !(n1+n2 >= 3) || !finite(effect) || !finite(n1) {
		return 0, fmt.Errorf("%w: effect %v, n %v", ErrInvalidInput, effect, n1)
	}
	if !finite(n2) {
		return 0, fmt.Errorf("%w: n %v times ratio %v", ErrOverflow, n1, p.ratio)
	}
	df := n1 + n2 - 2
	nc := effect * math.Sqrt(n1/(1+1/p.ratio))
	a := p.alpha
	if p.alt == TwoSided {
		a /= 2
	}
	crit := tUpper(a, df)
	pow := 0.0
	if p.alt != Less {
		pow += 1 - nctCDF(crit, df, nc)
	}
	if p.alt != Greater {
		pow += nctCDF(-crit, df, nc)
	}
	return math.Max(0, math.Min(1, pow)), nil
}

// nctCDF is the noncentral t distribution function P(T' <= t) with df degrees of freedom and
// noncentrality delta, by Lenth's (1989) algorithm AS 243.
func nctCDF(t, df, delta float64) float64 {
	if math.Abs(delta) > 37.62 || df > 1e8 {
		// (From df = 1e8 the error of this approximation, O(1/df^2), is below 1e-16, while
		// the series' log-gamma difference lgamma(df/2) - lgamma(df/2 + 1/2) cancels.)
		// Beyond R's cutoff (pnt) the series underflows; use Abramowitz and Stegun 26.7.10.
		s := 1 / (4 * df)
		return normCDF((t*(1-s) - delta) / math.Sqrt(1+t*t*2*s))
	}
	neg := t < 0
	tt, del := t, delta
	if neg {
		tt, del = -t, -delta
	}
	x := tt * tt / (tt*tt + df)
	res := 0.0
	if x > 0 {
		lambda := del * del
		p := 0.5 * math.Exp(-0.5*lambda)
		q := math.Sqrt(2/math.Pi) * p * del
		s := 0.5 - p
		a, b := 0.5, 0.5*df
		rxb := math.Pow(1-x, b)
		lg1, _ := math.Lgamma(b)
		lg2, _ := math.Lgamma(0.5 + b)
		albeta := 0.5*math.Log(math.Pi) + lg1 - lg2
		xodd := mathext.RegIncBeta(a, b, x)
		godd := 2 * rxb * math.Exp(a*math.Log(x)-albeta)
		xeven := 1 - rxb
		geven := b * x * rxb
		res = p*xodd + q*xeven
		for en := 1.0; en <= 1000; en++ {
			a++
			xodd -= godd
			xeven -= geven
			godd *= x * (a + b - 1) / a
			geven *= x * (a + b - 0.5) / (a + 0.5)
			p *= lambda / (2 * en)
			q *= lambda / (2*en + 1)
			s -= p
			res += p*xodd + q*xeven
			if 2*s*(xodd-godd) <= 1e-14 {
				break
			}
		}
	}
	res += normCDF(-del)
	if neg {
		res = 1 - res
	}
	return math.Max(0, math.Min(1, res))
}

// PowerMeans is the power of the two-sample z-test (normal approximation to Welch's t) to
// detect an absolute difference diff in means with per-unit standard deviation sd (both arms)
// and nTreatment treatment units (Ratio times as many in the control).
func PowerMeans(sd, diff, nTreatment float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if !(sd > 0) || !finite(sd) || !finite(diff) || !(nTreatment > 0) || !finite(nTreatment) {
		return 0, fmt.Errorf("%w: sd %v, diff %v, n %v", ErrInvalidInput, sd, diff, nTreatment)
	}
	// The standardized difference diff/(sd sqrt(1 + 1/Ratio)), divided in that order so that
	// an sd near the float64 limits neither overflows nor underflows.
	return hetPower(diff/sd/math.Sqrt(1+1/p.ratio), nTreatment, 1, 1, p.crit, p.alt), nil
}

// SampleSizeMeans is the number of treatment units (not rounded) to detect an absolute
// difference diff in means with per-unit standard deviation sd:
//
//	n = (z_{1-alpha/2} + z_power)^2 sd^2 (1 + 1/Ratio) / diff^2
//
// A size beyond the float64 range (sd/diff above about 1e153) is ErrOverflow.
func SampleSizeMeans(sd, diff float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if !(sd > 0) || !finite(sd) || !finite(diff) || diff == 0 {
		return 0, fmt.Errorf("%w: sd %v, diff %v", ErrInvalidInput, sd, diff)
	}
	z := p.crit + normUpper(1-p.power)
	if !(z > 0) {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, p.power)
	}
	r := z * (sd / diff) // scaled before squaring: sd 1e300 over diff 1e-12 overflows only here
	n := r * r * (1 + 1/p.ratio)
	if !finite(n) {
		return 0, fmt.Errorf("%w: sample size for sd %v and diff %v exceeds 1.8e308", ErrOverflow, sd, diff)
	}
	return n, nil
}

// MDEMeans is the minimum detectable absolute difference in means at power cfg.Power with
// nTreatment treatment units: (z_{1-alpha/2} + z_power) sd sqrt((1 + 1/Ratio)/n).
func MDEMeans(sd, nTreatment float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if !(sd > 0) || !finite(sd) || !(nTreatment > 0) || !finite(nTreatment) {
		return 0, fmt.Errorf("%w: sd %v, n %v", ErrInvalidInput, sd, nTreatment)
	}
	z := p.crit + normUpper(1-p.power)
	if !(z > 0) {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, p.power)
	}
	m := z * sd * math.Sqrt((1+1/p.ratio)/nTreatment)
	if !finite(m) {
		return 0, fmt.Errorf("%w: MDE for sd %v and n %v", ErrOverflow, sd, nTreatment)
	}
	return m, nil
}

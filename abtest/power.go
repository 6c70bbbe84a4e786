package abtest

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/textio"
)

// PlanConfig configures power, sample-size and minimum-detectable-effect calculations. The
// zero value is a two-sided two-arm test at alpha 0.05 with power 0.8 and equal arms.
type PlanConfig struct {
	// Alpha is the significance level. Default (0) 0.05.
	Alpha float64
	// Power is the target power 1 - beta (sample size and MDE only). Default (0) 0.8.
	Power float64
	// Alternative: TwoSided (default) or a one-sided Greater/Less.
	Alternative Alternative
	// Variants is the number of arms including the control. Default (0) 2. With k > 2 arms
	// each of the k - 1 treatment-versus-control comparisons is planned at the
	// Bonferroni-adjusted level Alpha/(k-1), a simple choice that keeps the family-wise
	// error at Alpha; sizes are per arm.
	Variants int
	// Ratio is control units per treatment unit (nA = Ratio nB). Default (0) 1; otherwise in
	// [1e-15, 1e15] (the module's magnitude bound).
	Ratio float64
}

type plan struct {
	alpha, power, ratio, crit float64
	alt                       Alternative
}

// resolve validates the config and returns the per-comparison alpha and the critical value
// z_{1-alpha/2} (two-sided) or z_{1-alpha} (one-sided).
func (c PlanConfig) resolve() (plan, error) {
	a, err := checkAlpha(c.Alpha)
	if err != nil {
		return plan{}, err
	}
	p := c.Power
	if p == 0 {
		p = 0.8
	}
	if !(p > 0 && p < 1) {
		return plan{}, fmt.Errorf("%w: got %v", ErrInvalidPower, c.Power)
	}
	k := c.Variants
	if k == 0 {
		k = 2
	}
	if k < 2 {
		return plan{}, fmt.Errorf("%w: %d variants (need 2 or more)", ErrInvalidInput, c.Variants)
	}
	r := c.Ratio
	if r == 0 {
		r = 1
	}
	if !(r >= 1/textio.MaxMagnitude && r <= textio.MaxMagnitude) {
		return plan{}, fmt.Errorf("%w: ratio %v (accepted: 1e-15 to 1e15)", ErrInvalidInput, c.Ratio)
	}
	if err := checkAlternative(c.Alternative); err != nil {
		return plan{}, err
	}
	a /= float64(k - 1)
	crit := normUpper(a)
	if c.Alternative == TwoSided {
		crit = normUpper(a / 2)
	}
	return plan{alpha: a, power: p, ratio: r, crit: crit, alt: c.Alternative}, nil
}

// hetPower is statsmodels' normal_power_het: the power of a z-test of a difference d with
// per-unit standard deviations s0 under H0 and s1 under H1 at n units (of the reference arm):
//
//	greater: Phi(-(crit s0 - d sqrt(n))/s1); less: Phi((-crit s0 - d sqrt(n))/s1); two-sided: both.
func hetPower(d, n, s0, s1, crit float64, alt Alternative) float64 {
	sn := d * math.Sqrt(n)
	p := 0.0
	if alt != Less {
		p += normSF((crit*s0 - sn) / s1)
	}
	if alt != Greater {
		p += normCDF((-crit*s0 - sn) / s1)
	}
	return p
}

func checkRate(name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%w: %s rate %v not in [0, 1]", ErrInvalidInput, name, p)
	}
	return nil
}

// resolveRates is resolve for a plan between two conversion rates, each in [0, 1].
func (c PlanConfig) resolveRates(pControl, pTreatment float64) (plan, error) {
	p, err := c.resolve()
	if err != nil {
		return plan{}, err
	}
	if err := checkRate("control", pControl); err != nil {
		return plan{}, err
	}
	if err := checkRate("treatment", pTreatment); err != nil {
		return plan{}, err
	}
	return p, nil
}

// resolveChange is resolveRates for a sample size: it also returns the change
// d = pTreatment - pControl to detect, which must be non-zero and, for a one-sided plan, point
// the way of the alternative (no sample size detects an effect the test cannot see).
func (c PlanConfig) resolveChange(pControl, pTreatment float64) (plan, float64, error) {
	p, err := c.resolveRates(pControl, pTreatment)
	if err != nil {
		return plan{}, 0, err
	}
	d := pTreatment - pControl
	if d == 0 {
		return plan{}, 0, fmt.Errorf("%w: no difference to detect", ErrInvalidInput)
	}
	if (p.alt == Greater && d < 0) || (p.alt == Less && d > 0) {
		return plan{}, 0, fmt.Errorf("%w: the effect %v points away from the alternative %v", ErrInvalidInput, d, p.alt)
	}
	return p, d, nil
}

// proportionSDs returns the per-treatment-unit standard deviations of pB - pA under H0 (pooled
// rate) and H1 (unpooled), statsmodels power_proportions_2indep:
//
//	pbar = (pB + r pA)/(1 + r); s0^2 = pbar(1-pbar)(1 + 1/r); s1^2 = pB(1-pB) + pA(1-pA)/r
func proportionSDs(pA, pB, r float64) (float64, float64) {
	pbar := (pB + r*pA) / (1 + r)
	return math.Sqrt(pbar * (1 - pbar) * (1 + 1/r)), math.Sqrt(pB*(1-pB) + pA*(1-pA)/r)
}

// PowerProportions is the power to detect a change from rate pControl to pTreatment with
// nTreatment units in the treatment arm (and Ratio times as many in the control), using the
// pooled variance under H0 and the unpooled one under H1 (statsmodels
// power_proportions_2indep; two-sided power counts both tails).
func PowerProportions(pControl, pTreatment, nTreatment float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolveRates(pControl, pTreatment)
	if err != nil {
		return 0, err
	}
	if !(nTreatment > 0) || !finite(nTreatment) {
		return 0, fmt.Errorf("%w: units %v", ErrInvalidInput, nTreatment)
	}
	s0, s1 := proportionSDs(pControl, pTreatment, p.ratio)
	if s1 == 0 {
		return 0, fmt.Errorf("%w: rates %v and %v", ErrZeroVariance, pControl, pTreatment)
	}
	return hetPower(pTreatment-pControl, nTreatment, s0, s1, p.crit, p.alt), nil
}

// SampleSizeProportions is the number of treatment units (not rounded; the control gets
// Ratio times as many) for power cfg.Power against a change from pControl to pTreatment
// (statsmodels samplesize_proportions_2indep_onetail, the classic formula):
//
//	n = ((z_{1-alpha/2} s0 + z_power s1)/(pB - pA))^2
//
// with s0, s1 as in PowerProportions. It counts only the tail in the direction of the
// effect, which is what every calculator does. Round up for a plan.
func SampleSizeProportions(pControl, pTreatment float64, cfg PlanConfig) (float64, error) {
	p, d, err := cfg.resolveChange(pControl, pTreatment)
	if err != nil {
		return 0, err
	}
	s0, s1 := proportionSDs(pControl, pTreatment, p.ratio)
	num := p.crit*s0 + normUpper(1-p.power)*s1
	if !(num > 0) {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, p.power)
	}
	v := num / d
	if !finite(v * v) {
		return 0, fmt.Errorf("%w: sample size for a change of %v exceeds 1.8e308", ErrOverflow, d)
	}
	return v * v, nil
}

// SampleSizeProportionsUnpooled is the per-arm sample size with the unpooled variance under
// both hypotheses (equal arms; cfg.Ratio is ignored). Rates and the direction of the change
// are checked as in SampleSizeProportions:
//
//	n = (z_{1-alpha/2} + z_power)^2 (pA(1-pA) + pB(1-pB)) / (pB - pA)^2
func SampleSizeProportionsUnpooled(pControl, pTreatment float64, cfg PlanConfig) (float64, error) {
	cfg.Ratio = 1
	p, d, err := cfg.resolveChange(pControl, pTreatment)
	if err != nil {
		return 0, err
	}
	z := p.crit + normUpper(1-p.power)
	if !(z > 0) {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, p.power)
	}
	r := z / d
	n := r * r * (pControl*(1-pControl) + pTreatment*(1-pTreatment))
	if !finite(n) {
		return 0, fmt.Errorf("%w: sample size for a change of %v exceeds 1.8e308", ErrOverflow, d)
	}
	return n, nil
}

// CohenH is the arcsine effect size h = 2 asin(sqrt(pB)) - 2 asin(sqrt(pA)).
func CohenH(pControl, pTreatment float64) float64 {
	return 2*math.Asin(math.Sqrt(pTreatment)) - 2*math.Asin(math.Sqrt(pControl))
}

// SampleSizeCohenH is the per-arm sample size (equal arms) for Cohen's h with the
// two-sample z power of NormalIndPower (both tails counted), found by bisection:
// Phi(|h| sqrt(n/2) - z) + Phi(-|h| sqrt(n/2) - z) = power. Rates and the direction of the
// change are checked as in SampleSizeProportions; cfg.Ratio is ignored.
func SampleSizeCohenH(pControl, pTreatment float64, cfg PlanConfig) (float64, error) {
	cfg.Ratio = 1
	p, _, err := cfg.resolveChange(pControl, pTreatment)
	if err != nil {
		return 0, err
	}
	h := CohenH(pControl, pTreatment)
	if h == 0 || !finite(h) {
		return 0, fmt.Errorf("%w: effect size %v", ErrInvalidInput, h)
	}
	f := func(n float64) float64 { return hetPower(math.Abs(h), n/2, 1, 1, p.crit, p.alt) - p.power }
	return solveIncreasing(f)
}

// solveIncreasing finds n > 0 with f(n) = 0 for f increasing in n, by doubling then bisection.
func solveIncreasing(f func(float64) float64) (float64, error) {
	lo, hi := 0.0, 1.0
	for f(hi) < 0 {
		lo, hi = hi, hi*2
		if hi > 1e18 {
			return 0, fmt.Errorf("%w: sample size beyond 1e18", ErrNoConvergence)
		}
	}
	return bisect(f, lo, hi), nil
}

// MDEProportions is the minimum detectable absolute lift pB - pA > 0 from baseline pControl
// with nTreatment treatment units: the smallest d whose PowerProportions reaches cfg.Power
// (one tail in the direction of the lift, consistent with SampleSizeProportions), by
// bisection. ErrInvalidInput when no lift up to rate 1 reaches that power.
func MDEProportions(pControl, nTreatment float64, cfg PlanConfig) (float64, error) {
	p, err := cfg.resolve()
	if err != nil {
		return 0, err
	}
	if err := checkRate("control", pControl); err != nil {
		return 0, err
	}
	if pControl >= 1 || !(nTreatment > 0) || !finite(nTreatment) {
		return 0, fmt.Errorf("%w: baseline %v, n %v", ErrInvalidInput, pControl, nTreatment)
	}
	one := func(d float64) float64 {
		s0, s1 := proportionSDs(pControl, pControl+d, p.ratio)
		if s1 == 0 {
			return 1 - p.power
		}
		return normSF((p.crit*s0-d*math.Sqrt(nTreatment))/s1) - p.power
	}
	if one(0) >= 0 {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, p.power)
	}
	if one(1-pControl) < 0 {
		return 0, fmt.Errorf("%w: no lift from %v reaches power %v with %v units", ErrInvalidInput, pControl, p.power, nTreatment)
	}
	return bisect(one, 0, 1-pControl), nil
}

package abtest

import (
	"fmt"
	"math"
)

// DeltaVariance is GrowthBook's variance of the estimated effect from per-arm variances vA, vB,
// means mA, mB and sizes nA, nB (power.ts):
//
//	absolute: vB/nB + vA/nA
//	relative: vB/(mA^2 nB) + vA mB^2/(mA^4 nA)
func DeltaVariance(vA, mA, nA, vB, mB, nB float64, relative bool) float64 {
	if !relative {
		return vB/nB + vA/nA
	}
	return relativeVariance(nA, mA, vA, nB, mB, vB)
}

// GrowthBookPowerConfig configures GrowthBookPower and GrowthBookMDE, which reproduce
// GrowthBook's power calculator (packages/shared/src/power.ts) for a mean metric and a
// relative effect. The zero value is two variations, alpha 0.05, power 0.8, two-tailed,
// fixed-horizon.
type GrowthBookPowerConfig struct {
	// Alpha is the significance level. Default (0) 0.05.
	Alpha float64
	// Power is the target power for the MDE. Default (0) 0.8.
	Power float64
	// Variations is the number of arms sharing the traffic, control included; each gets
	// n_total/Variations units. Default (0) 2. GrowthBook does not adjust alpha for it.
	Variations int
	// OneTailed asks for a one-tailed test. Default two-tailed.
	OneTailed bool
	// SequentialTuning is N* for a sequential (confidence sequence) analysis; 0 means
	// fixed-horizon. The variance is inflated by (z_seq/z_{1-alpha/2})^2 with
	// z_seq = sqrt(n) sqrt(2(n rho^2 + 1) ln(sqrt(n rho^2 + 1)/alpha)/(n rho)^2), n = 2 n_total/Variations.
	SequentialTuning float64
}

func (c GrowthBookPowerConfig) resolve(nTotal float64) (alpha, power, perArm, inflate float64, err error) {
	if alpha, err = checkAlpha(c.Alpha); err != nil {
		return
	}
	power = c.Power
	if power == 0 {
		power = 0.8
	}
	if !(power > 0 && power < 1) {
		err = fmt.Errorf("%w: got %v", ErrInvalidPower, c.Power)
		return
	}
	k := c.Variations
	if k == 0 {
		k = 2
	}
	if k < 2 || !(nTotal > 0) || !finite(nTotal) || !(c.SequentialTuning >= 0) || !finite(c.SequentialTuning) {
		err = fmt.Errorf("%w: variations %d, total %v, tuning %v", ErrInvalidInput, c.Variations, nTotal, c.SequentialTuning)
		return
	}
	perArm = nTotal / float64(k)
	inflate = 1
	if c.SequentialTuning > 0 {
		la := -2 * math.Log(alpha)
		rho := math.Sqrt((la + math.Log(la+1)) / c.SequentialTuning)
		n := 2 * perArm
		nr2 := n*rho*rho + 1
		zSeq := math.Sqrt(n) * math.Sqrt(2*nr2*math.Log(math.Sqrt(nr2)/alpha)/((n*rho)*(n*rho)))
		z := normUpper(alpha / 2)
		inflate = (zSeq / z) * (zSeq / z)
	}
	return
}

func (c GrowthBookPowerConfig) crit(alpha float64) float64 {
	if c.OneTailed {
		return normUpper(alpha)
	}
	return normUpper(alpha / 2)
}

// GrowthBookPower is GrowthBook's power for a relative effect on a mean metric with the given
// mean and standard deviation and nTotal units across all variations:
//
//	mB = mean (1 + effect); se^2 = DeltaVariance(sd^2, mean, n, sd^2, mB, n, relative) x inflation
//	power = 1 - Phi(z - effect/se) + Phi(-z - effect/se)  (two-tailed; one-tailed drops the second term)
//
// With both arms at sd and n units, se = (sd/|mean|) hypot(1, 1 + effect) sqrt(inflation/n),
// which is how it is computed: means and sds anywhere in the float64 range give a power in
// [0, 1] (a coefficient of variation beyond the range gives the false-positive rate).
func GrowthBookPower(mean, sd, effect, nTotal float64, cfg GrowthBookPowerConfig) (float64, error) {
	alpha, _, n, inflate, err := cfg.resolve(nTotal)
	if err != nil {
		return 0, err
	}
	if mean == 0 || !finite(mean) || !(sd > 0) || !finite(sd) || !finite(effect) {
		return 0, fmt.Errorf("%w: mean %v, sd %v, effect %v", ErrInvalidInput, mean, sd, effect)
	}
	cv := sd / math.Abs(mean)
	// effect/se, with the bounded factor effect/hypot(1, 1 + effect) taken first.
	std := effect / math.Hypot(1, 1+effect) / (cv * math.Sqrt(inflate/n))
	if math.IsNaN(std) {
		std = 0 // cv overflowed to +Inf: no power beyond the false-positive rate
	}
	z := cfg.crit(alpha)
	p := normSF(z - std)
	if !cfg.OneTailed {
		p += normCDF(-z - std)
	}
	return math.Min(1, p), nil
}

// GrowthBookMDE is GrowthBook's minimum detectable relative effect for a mean metric: the
// relative lift L = mB/mA - 1 solving L^2 = z^2 relvar(mB) with z = z_{1-alpha/2} + z_power,
// which is the quadratic (mA^2 - k) mB^2 - 2 mA^3 mB + mA^4 - k mA^2 = 0, k = z^2 sd^2 inflation/n;
// the larger root is taken. Divided by mA^4 it is (1 - c) r^2 - 2 r + (1 - c) = 0 in
// r = mB/mA with c = k/mA^2 = (z (sd/|mA|))^2 inflation/n, whose larger root gives
// L = (S + c)/(1 - c) for mA > 0 and (S - c)/(1 - c) for mA < 0, S = sqrt(c (2 - c)); that
// form is what is computed, so no power of the mean over- or underflows. ErrInvalidInput
// when no root exists (c >= 1: n too small); ErrInvalidPower when the power is not above the
// false-positive rate (z <= 0, as GrowthBook's "power must be greater than alpha").
func GrowthBookMDE(mean, sd, nTotal float64, cfg GrowthBookPowerConfig) (float64, error) {
	alpha, power, n, inflate, err := cfg.resolve(nTotal)
	if err != nil {
		return 0, err
	}
	if mean == 0 || !finite(mean) || !(sd > 0) || !finite(sd) {
		return 0, fmt.Errorf("%w: mean %v, sd %v", ErrInvalidInput, mean, sd)
	}
	z := cfg.crit(alpha) + normUpper(1-power)
	if !(z > 0) {
		return 0, fmt.Errorf("%w: power %v is not above the test's false-positive rate", ErrInvalidPower, power)
	}
	zc := z * (sd / math.Abs(mean)) * math.Sqrt(inflate/n) // sqrt(c)
	c := zc * zc
	if !(c < 1) {
		return 0, fmt.Errorf("%w: no detectable effect with %v units (sd/mean %v)", ErrInvalidInput, nTotal, sd/math.Abs(mean))
	}
	s := zc * math.Sqrt(2-c)
	if mean < 0 {
		return (s - c) / (1 - c), nil
	}
	return (s + c) / (1 - c), nil
}

// GrowthBookPowerBinomial is GrowthBookPower for a conversion-rate (binomial) metric with
// baseline rate in (0, 1), as GrowthBook's calculator treats a binomial metric: the mean is
// the rate and the per-unit variance rate(1 - rate) for both arms, that is
//
//	GrowthBookPower(rate, sqrt(rate (1 - rate)), effect, nTotal, cfg)
//
// with effect the relative lift (0.05 for a 10% rate going to 10.5%). A rate outside (0, 1)
// (no variance at 0 or 1) is ErrInvalidInput.
func GrowthBookPowerBinomial(rate, effect, nTotal float64, cfg GrowthBookPowerConfig) (float64, error) {
	sd, err := binomialSD(rate)
	if err != nil {
		return 0, err
	}
	return GrowthBookPower(rate, sd, effect, nTotal, cfg)
}

// GrowthBookMDEBinomial is GrowthBookMDE for a conversion-rate metric with baseline rate in
// (0, 1): GrowthBookMDE(rate, sqrt(rate (1 - rate)), nTotal, cfg), the minimum detectable
// relative lift. A rate outside (0, 1) is ErrInvalidInput.
func GrowthBookMDEBinomial(rate, nTotal float64, cfg GrowthBookPowerConfig) (float64, error) {
	sd, err := binomialSD(rate)
	if err != nil {
		return 0, err
	}
	return GrowthBookMDE(rate, sd, nTotal, cfg)
}

// binomialSD is the per-unit standard deviation sqrt(p(1-p)) of a conversion rate p in (0, 1).
func binomialSD(rate float64) (float64, error) {
	if !(rate > 0 && rate < 1) {
		return 0, fmt.Errorf("%w: conversion rate %v not in (0, 1)", ErrInvalidInput, rate)
	}
	return math.Sqrt(rate * (1 - rate)), nil
}

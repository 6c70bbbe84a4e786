package abtest

import (
	"fmt"
	"math"
)

// SequentialConfig configures ConfidenceSequence. The zero value is a two-sided absolute test
// at alpha 0.05 tuned for 5000 units (gbstats' default).
type SequentialConfig struct {
	// Alpha is the level of the always-valid interval. Default (0) 0.05.
	Alpha float64
	// Alternative: TwoSided (default), Greater or Less.
	Alternative Alternative
	// Relative asks for the relative effect (delta method) instead of the absolute one.
	Relative bool
	// TuningN is N*, the total sample size at which the sequence is tightest. Default (0)
	// 5000 (gbstats' sequential_tuning_parameter).
	TuningN float64
}

// SequentialResult is an always-valid comparison.
type SequentialResult struct {
	Effect
	// Rho is the mixture parameter chosen from TuningN.
	Rho float64 `json:"rho"`
	// HalfWidth is the distance from the estimate to the interval's finite end(s).
	HalfWidth float64 `json:"half_width"`
	// PValueUnclamped is the one-sided always-valid p-value before gbstats' clamp to
	// [1e-5, 0.4999] (see ConfidenceSequence), capped at 1; 1 when the estimate points away
	// from the alternative; equal to PValue for a two-sided test.
	PValueUnclamped float64 `json:"p_value_unclamped"`
}

// ConfidenceSequence is the asymptotic confidence sequence gbstats uses for sequential testing
// (Waudby-Smith et al. 2023, arXiv 2103.06476v7, eqs 9, 134, 155, 161): valid at every look, so
// a shop may look every day without inflating false positives. With n = nA + nB, the test's
// estimate est and standard error se (as in WelchTest), s2 = se^2 n:
//
//	two-sided: rho = sqrt((-2 ln a + ln(-2 ln a + 1))/N*)
//	           halfwidth = sqrt(s2) sqrt(2 (n rho^2 + 1) ln(sqrt(n rho^2 + 1)/a) / (n rho)^2)
//	           p = min(1, 1/E), ln E = rho^2 st2/(2(n rho^2 + 1)) - ln(sqrt(n rho^2 + 1)), st2 = est^2 n/se^2
//	one-sided: rho as above with 2a in place of a;
//	           halfwidth = sqrt(s2 2(n rho^2 + 1)/(n rho)^2 ln(1 + sqrt(n rho^2 + 1)/(2a)))
//	           p = sqrt(n rho^2 + 1)/(2 expm1(K)), K = est^2 (n rho)^2/(2 s2 (n rho^2 + 1)),
//	           clamped to [1e-5, 0.4999] as gbstats does (0.4999 when est points away).
//
// The one-sided interval leaves the far end infinite. Errors and defaults are as for WelchTest.
func ConfidenceSequence(control, treatment Arm, cfg SequentialConfig) (SequentialResult, error) {
	def := SequentialResult{Effect: defaultEffect(), PValueUnclamped: 1}
	alpha, err := checkAlpha(cfg.Alpha)
	if err != nil {
		return def, err
	}
	nStar := cfg.TuningN
	if nStar == 0 {
		nStar = 5000
	}
	if !(nStar > 0) || !finite(nStar) {
		return def, fmt.Errorf("%w: tuning N* %v", ErrInvalidInput, cfg.TuningN)
	}
	if cfg.Alternative != TwoSided && alpha >= 0.5 {
		return def, fmt.Errorf("%w: a one-sided confidence sequence needs alpha < 0.5, got %v", ErrInvalidAlpha, alpha)
	}
	e, err := WelchTest(control, treatment, Config{Alpha: alpha, Alternative: cfg.Alternative, Relative: cfg.Relative})
	if err != nil {
		return def, err
	}
	// Everything below is written in se sqrt(n) and z = est/se rather than s2 = se^2 n and
	// est^2, so that standard errors near 1e154 or 1e-162 neither over- nor underflow.
	n := control.Units() + treatment.Units()
	est, se, z := e.Estimate, e.SE, e.Statistic
	sn := se * math.Sqrt(n) // sqrt(s2)
	res := SequentialResult{Effect: Effect{Estimate: est, SE: se, DF: e.DF, Statistic: e.Statistic}}
	a := alpha
	if cfg.Alternative != TwoSided {
		a = 2 * alpha
	}
	la := -2 * math.Log(a)
	rho := math.Sqrt((la + math.Log(la+1)) / nStar)
	res.Rho = rho
	nr2 := n*rho*rho + 1
	nr := n * rho
	if cfg.Alternative == TwoSided {
		res.HalfWidth = sn * math.Sqrt(2*nr2*math.Log(math.Sqrt(nr2)/alpha)/(nr*nr))
		res.Lower, res.Upper = est-res.HalfWidth, est+res.HalfWidth
		logE := rho*rho*(z*z*n)/(2*nr2) - 0.5*math.Log(nr2) // st2 = z^2 n
		res.PValue = math.Min(1, math.Exp(-logE))
		res.PValueUnclamped = res.PValue
		return checkSequence(res, cfg.Alternative)
	}
	res.HalfWidth = sn * math.Sqrt(2*nr2/(nr*nr)*math.Log1p(math.Sqrt(nr2)/(2*alpha)))
	k := z * z * (nr * nr / n) / (2 * nr2) // est^2 (n rho)^2/(2 s2 (n rho^2 + 1))
	p := math.Min(1, math.Sqrt(nr2)/(2*math.Expm1(k)))
	towards := (cfg.Alternative == Greater && est > 0) || (cfg.Alternative == Less && est < 0)
	if cfg.Alternative == Greater {
		res.Lower, res.Upper = est-res.HalfWidth, math.Inf(1)
	} else {
		res.Lower, res.Upper = math.Inf(-1), est+res.HalfWidth
	}
	if !towards {
		res.PValueUnclamped, res.PValue = 1, 0.4999
		return checkSequence(res, cfg.Alternative)
	}
	res.PValueUnclamped = p
	res.PValue = math.Max(1e-5, math.Min(0.4999, p))
	return checkSequence(res, cfg.Alternative)
}

// checkSequence reports a sequence whose interval left the float64 range (ErrOverflow with
// the default result).
func checkSequence(res SequentialResult, alt Alternative) (SequentialResult, error) {
	if _, err := checkEffect(res.Effect, alt, "sequential"); err != nil || !finite(res.HalfWidth) {
		return SequentialResult{Effect: defaultEffect(), PValueUnclamped: 1}, fmt.Errorf("%w: sequential interval half-width %v", ErrOverflow, res.HalfWidth)
	}
	return res, nil
}

// MSPRTConfig configures a mixture sequential probability ratio test. The zero value mixes
// over N(0, 1e-4) at alpha 0.05.
type MSPRTConfig struct {
	// Tau2 is the variance of the normal mixing distribution over the effect, in squared
	// units of the metric (1e-4 is a 1-percentage-point spread for a conversion rate).
	// Optimizely tunes it from past experiments. Default (0) 1e-4.
	Tau2 float64
	// Theta0 is the effect under H0. Default 0.
	Theta0 float64
	// Alpha is the level; reject once Lambda >= 1/Alpha. Default (0) 0.05.
	Alpha float64
}

// MSPRT is a running normal-mixture sequential probability ratio test (Johari, Koomen,
// Pekelis and Walsh, "Peeking at A/B tests", the basis of Optimizely's Stats Engine). Feed it
// the cumulative statistics at each look; its p-value is always valid, so stopping at the
// first p < alpha keeps the false-positive rate at alpha. An MSPRT is not safe for concurrent
// use.
type MSPRT struct {
	cfg    MSPRTConfig
	pValue float64
}

// NewMSPRT validates cfg and starts a test with p-value 1.
func NewMSPRT(cfg MSPRTConfig) (*MSPRT, error) {
	if cfg.Tau2 == 0 {
		cfg.Tau2 = 1e-4
	}
	if !(cfg.Tau2 > 0) || !finite(cfg.Tau2) || !finite(cfg.Theta0) {
		return nil, fmt.Errorf("%w: tau2 %v, theta0 %v", ErrInvalidInput, cfg.Tau2, cfg.Theta0)
	}
	a, err := checkAlpha(cfg.Alpha)
	if err != nil {
		return nil, err
	}
	cfg.Alpha = a
	return &MSPRT{cfg: cfg, pValue: 1}, nil
}

// MSPRTLook is the state after one look.
type MSPRTLook struct {
	// UnitVariance is vA + vB, the sum of the arms' per-unit variances (V_n in the paper).
	UnitVariance float64 `json:"unit_variance"`
	// Lambda is the mixture likelihood ratio, capped at math.MaxFloat64 (where its p-value
	// is 0).
	Lambda float64 `json:"lambda"`
	// PValue is the always-valid p-value min over looks of 1/Lambda.
	PValue float64 `json:"p_value"`
	// Reject is true once PValue <= Alpha.
	Reject bool `json:"reject"`
}

// Observe updates the test with the cumulative arms. With s2 = vA/nA + vB/nB the variance of
// the difference d = mB - mA,
//
//	Lambda = sqrt(s2/(s2 + tau2)) exp(tau2 (d - theta0)^2 / (2 s2 (s2 + tau2)))
//
// which for equal arms of n units is sqrt(V/(V + n tau2)) exp(n^2 tau2 (d-theta0)^2/(2V(V + n tau2))).
// A look with zero variance (both arms at 0% so far) is ErrZeroVariance and leaves the state
// unchanged.
func (m *MSPRT) Observe(control, treatment Arm) (MSPRTLook, error) {
	look := MSPRTLook{PValue: m.pValue, Reject: m.pValue <= m.cfg.Alpha}
	if err := validateArm("control", control); err != nil {
		return look, err
	}
	if err := validateArm("treatment", treatment); err != nil {
		return look, err
	}
	nA, nB := control.Units(), treatment.Units()
	if nA < 1 || nB < 1 {
		return look, fmt.Errorf("%w: mSPRT needs units in both arms", ErrTooFewUnits)
	}
	vA, vB := control.Variance(), treatment.Variance()
	se := diffSE(nA, vA, nB, vB)
	s2 := se * se
	d := treatment.Mean() - control.Mean() - m.cfg.Theta0
	switch {
	case math.IsNaN(vA) || math.IsNaN(vB) || ((math.IsInf(vA, 1) || math.IsInf(vB, 1)) && (nA < 2 || nB < 2)):
		// a sample variance of a single unit (n - 1 = 0)
		return look, fmt.Errorf("%w: variances %v and %v from %v and %v units", ErrTooFewUnits, vA, vB, nA, nB)
	case math.IsInf(vA, 1) || math.IsInf(vB, 1) || !finite(d) || !finite(vA+vB):
		return look, fmt.Errorf("%w: variances %v and %v, difference %v", ErrOverflow, vA, vB, d)
	case !(vA >= 0 && vB >= 0) || !(se > 0):
		return look, fmt.Errorf("%w: variance of the difference %v", ErrZeroVariance, s2)
	}
	look.UnitVariance = vA + vB
	// ln Lambda = ln se - ln sqrt(s2+tau2) + (tau2/(s2+tau2)) (d/se)^2/2, in that form so
	// that neither s2 nor s2 (s2 + tau2) can underflow; Lambda is capped at math.MaxFloat64.
	t2 := m.cfg.Tau2
	zd := d / se
	logL := math.Log(se) - 0.5*math.Log(s2+t2) + t2/(s2+t2)*zd*zd/2
	look.Lambda = math.Min(math.MaxFloat64, math.Exp(logL))
	m.pValue = math.Min(m.pValue, math.Min(1, math.Exp(-logL)))
	look.PValue = m.pValue
	look.Reject = m.pValue <= m.cfg.Alpha
	return look, nil
}

// PValue returns the always-valid p-value so far.
func (m *MSPRT) PValue() float64 { return m.pValue }

// Decision is the verdict of a sequential rule at a look.
type Decision int

const (
	// Continue: keep collecting data.
	Continue Decision = iota
	// TreatmentWins: stop, the treatment is better.
	TreatmentWins
	// NoWinner: stop, no difference was found within the planned sample.
	NoWinner
)

// String returns "continue", "treatment_wins" or "no_winner".
func (d Decision) String() string {
	switch d {
	case TreatmentWins:
		return "treatment_wins"
	case NoWinner:
		return "no_winner"
	}
	return "continue"
}

// EvanMillerSequential is Evan Miller's simple sequential test for a 50/50 conversion test
// planned at N total conversions: the treatment wins once T - C >= 2 sqrt(N); the test stops
// with no winner once T + C >= N; otherwise continue. It has false-positive rate about 5%
// (one-sided) and needs only the success counts.
func EvanMillerSequential(n, treatmentSuccesses, controlSuccesses int64) (Decision, float64, error) {
	if n <= 0 || treatmentSuccesses < 0 || controlSuccesses < 0 {
		return Continue, 0, fmt.Errorf("%w: N %d, successes %d and %d", ErrInvalidInput, n, treatmentSuccesses, controlSuccesses)
	}
	threshold := 2 * math.Sqrt(float64(n))
	switch {
	case float64(treatmentSuccesses-controlSuccesses) >= threshold:
		return TreatmentWins, threshold, nil
	case treatmentSuccesses >= n-controlSuccesses: // T + C >= N without overflowing int64
		return NoWinner, threshold, nil
	}
	return Continue, threshold, nil
}

package abtest

import (
	"fmt"
	"math"
)

// Effect is the result of a two-arm frequentist comparison.
type Effect struct {
	// Estimate is treatment minus control (absolute) or (mB - mA)/|mA| (relative).
	Estimate float64 `json:"estimate"`
	// SE is the standard error of Estimate: > 0 in a computed result, 0 in the default
	// result that comes with an error, so a caller can tell which effects of a Comparison
	// exist (a zero baseline leaves the absolute effect computed).
	SE float64 `json:"se"`
	// DF is the degrees of freedom of the reference t distribution (+Inf for a z-test).
	DF float64 `json:"df"`
	// Statistic is Estimate/SE (t or z). 0 in a default result.
	Statistic float64 `json:"statistic"`
	// PValue is the p-value for the configured alternative, from a survival function.
	PValue float64 `json:"p_value"`
	// Lower and Upper bound the 1 - alpha interval; a one-sided test leaves one end infinite.
	// The interval excludes 0 exactly when PValue < alpha.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// defaultEffect is what a test returns together with ErrZeroVariance, ErrZeroBaseline or
// ErrTooFewUnits: no effect, interval (0, 0), p-value 1 (gbstats' default output). It is a
// number a dashboard can show, never NaN, while the error says why it is empty.
func defaultEffect() Effect { return Effect{PValue: 1} }

// tEffect completes an Effect from an estimate, its standard error and degrees of freedom:
//
//	t = est/se; p = 2 P(T > |t|) (two-sided), P(T > t) (greater), P(T < t) (less)
//	interval: est -/+ t_{1-alpha/2,df} se (two-sided); [est - t_{1-alpha,df} se, +Inf) (greater);
//	(-Inf, est + t_{1-alpha,df} se] (less)
func tEffect(est, se, df, alpha float64, alt Alternative) Effect {
	return tEffectQ(est, se, df, tQuantile(alpha, df, alt), alt)
}

// tQuantile is the critical value the interval needs: t_{1-alpha/2,df} two-sided,
// t_{1-alpha,df} one-sided.
func tQuantile(alpha, df float64, alt Alternative) float64 {
	if alt == TwoSided {
		return tUpper(alpha/2, df)
	}
	return tUpper(alpha, df)
}

// tEffectQ is tEffect with the critical value q already computed.
func tEffectQ(est, se, df, q float64, alt Alternative) Effect {
	e := Effect{Estimate: est, SE: se, DF: df, Statistic: est / se}
	tail := func(x float64) float64 { return tSF(x, df) }
	e.PValue = pValue(e.Statistic, alt, tail)
	switch alt {
	case Greater:
		e.Lower, e.Upper = est-q*se, math.Inf(1)
	case Less:
		e.Lower, e.Upper = math.Inf(-1), est+q*se
	default:
		e.Lower, e.Upper = est-q*se, est+q*se
	}
	return e
}

// welchDF is the Welch-Satterthwaite degrees of freedom from per-unit variances:
//
//	(vA/nA + vB/nB)^2 / ((vA/nA)^2/(nA-1) + (vB/nB)^2/(nB-1)) = 1/(wA^2/(nA-1) + wB^2/(nB-1))
//
// with the shares wA = (vA/nA)/(vA/nA + vB/nB), computed from the standard errors scaled by
// their hypot, so that no square over- or underflows (sums of squares of 1e300 or 1e-300).
// It lies between min(nA, nB) - 1 and nA + nB - 2.
func welchDF(nA, vA, nB, vB float64) float64 {
	sA, sB := math.Sqrt(vA)/math.Sqrt(nA), math.Sqrt(vB)/math.Sqrt(nB)
	h := math.Hypot(sA, sB)
	wA, wB := (sA/h)*(sA/h), (sB/h)*(sB/h)
	return 1 / (wA*wA/(nA-1) + wB*wB/(nB-1))
}

// diffSE is the standard error of mB - mA, sqrt(vA/nA + vB/nB), as a hypot of the arms'
// standard errors (no square of a variance, no underflow of vA/nA for a subnormal vA).
func diffSE(nA, vA, nB, vB float64) float64 {
	return math.Hypot(math.Sqrt(vA)/math.Sqrt(nA), math.Sqrt(vB)/math.Sqrt(nB))
}

// relativeSE is the delta-method standard error of (mB - mA)/|mA| from per-unit variances,
//
//	sqrt(vB/(nB mA^2) + vA mB^2/(nA mA^4)) = hypot(sqrt(vB/nB), sqrt(vA/nA) |mB/mA|)/|mA|,
//
// in the second form so that no power of mA over- or underflows.
func relativeSE(nA, mA, vA, nB, mB, vB float64) float64 {
	return math.Hypot(math.Sqrt(vB)/math.Sqrt(nB), math.Sqrt(vA)/math.Sqrt(nA)*math.Abs(mB/mA)) / math.Abs(mA)
}

// relativeVariance is the delta-method variance of (mB - mA)/|mA| from per-unit variances:
//
//	vB/(nB mA^2) + vA mB^2/(nA mA^4)
func relativeVariance(nA, mA, vA, nB, mB, vB float64) float64 {
	s := relativeSE(nA, mA, vA, nB, mB, vB)
	return s * s
}

// checkEffect reports an effect whose numbers left the float64 range (a difference of means
// near +-1.8e308, a relative effect over a baseline near 5e-324, an interval end beyond the
// range): ErrOverflow naming the numbers, with the default Effect. A one-sided interval's
// open end is infinite by definition and not checked.
func checkEffect(e Effect, alt Alternative, what string) (Effect, error) {
	lo, hi := e.Lower, e.Upper
	if alt == Greater {
		hi = 0
	}
	if alt == Less {
		lo = 0
	}
	if !finite(e.Estimate) || !finite(e.SE) || !finite(e.Statistic) || !finite(lo) || !finite(hi) {
		return defaultEffect(), fmt.Errorf("%w: %s effect %v, standard error %v, interval [%v, %v]", ErrOverflow, what, e.Estimate, e.SE, e.Lower, e.Upper)
	}
	return e, nil
}

// WelchTest compares the means of two arms with Welch's unequal-variance t-test (the gbstats
// TwoSidedTTest / OneSidedTTest conventions):
//
//	absolute: est = mB - mA, se^2 = vA/nA + vB/nB
//	relative: est = (mB - mA)/|mA|, se^2 = vB/(nB mA^2) + vA mB^2/(nA mA^4)  (delta method)
//	df = Welch-Satterthwaite from the per-unit variances (the same df for both effects)
//
// with vA, vB each arm's Variance (n-1 for Moments, p(1-p) for a Rate, the delta-method
// variance for RatioMoments). Each arm needs at least 2 units (ErrTooFewUnits). A variance <= 0
// in either arm gives ErrZeroVariance and a relative test with mA = 0 gives ErrZeroBaseline;
// both come with the default Effect (0, interval (0, 0), p 1), never NaN. FiellerInterval
// gives the Fieller alternative to the delta-method interval of the relative effect.
func WelchTest(control, treatment Arm, cfg Config) (Effect, error) {
	w, err := newWelch(control, treatment, cfg)
	if err != nil {
		return defaultEffect(), err
	}
	if cfg.Relative {
		return w.relative(tQuantile(w.alpha, w.df, cfg.Alternative))
	}
	return w.absolute(tQuantile(w.alpha, w.df, cfg.Alternative))
}

// welch holds the validated per-arm moments of a Welch test and its degrees of freedom, so the
// absolute and the relative effect can share the t quantile.
type welch struct {
	nA, mA, vA, nB, mB, vB, df, alpha float64
	alt                               Alternative
}

func newWelch(control, treatment Arm, cfg Config) (welch, error) {
	alpha, err := cfg.alpha()
	if err != nil {
		return welch{}, err
	}
	if err := checkAlternative(cfg.Alternative); err != nil {
		return welch{}, err
	}
	if err := validateArm("control", control); err != nil {
		return welch{}, err
	}
	if err := validateArm("treatment", treatment); err != nil {
		return welch{}, err
	}
	w := welch{nA: control.Units(), nB: treatment.Units(), alpha: alpha, alt: cfg.Alternative}
	if w.nA < 2 || w.nB < 2 {
		return welch{}, fmt.Errorf("%w: Welch t needs 2 units per arm, got %v and %v", ErrTooFewUnits, w.nA, w.nB)
	}
	w.mA, w.mB = control.Mean(), treatment.Mean()
	w.vA, w.vB = control.Variance(), treatment.Variance()
	if !finite(w.mA) || !finite(w.mB) {
		if _, ok := control.(RatioMoments); ok {
			return welch{}, fmt.Errorf("%w: means %v and %v", ErrZeroDenominator, w.mA, w.mB)
		}
		return welch{}, fmt.Errorf("%w: means %v and %v", ErrInvalidInput, w.mA, w.mB)
	}
	if math.IsInf(w.vA, 1) || math.IsInf(w.vB, 1) {
		return welch{}, fmt.Errorf("%w: variances %v (control) and %v (treatment)", ErrOverflow, w.vA, w.vB)
	}
	if !(w.vA > 0) || !(w.vB > 0) || !finite(w.vA) || !finite(w.vB) {
		hint := ""
		if w.vA < 0 || w.vB < 0 {
			// Beyond rounding, a negative variance is not data but inconsistent sums (gbstats
			// reports it as zero/negative variance too, which the oracle pins).
			hint = " (negative: the sum of squares is below sum^2/units; check the sums)"
		}
		return welch{}, fmt.Errorf("%w: variances %v (control) and %v (treatment)%s", ErrZeroVariance, w.vA, w.vB, hint)
	}
	w.df = welchDF(w.nA, w.vA, w.nB, w.vB)
	return w, nil
}

func (w welch) absolute(q float64) (Effect, error) {
	return checkEffect(tEffectQ(w.mB-w.mA, diffSE(w.nA, w.vA, w.nB, w.vB), w.df, q, w.alt), w.alt, "absolute")
}

func (w welch) relative(q float64) (Effect, error) {
	if w.mA == 0 {
		return defaultEffect(), ErrZeroBaseline
	}
	se := relativeSE(w.nA, w.mA, w.vA, w.nB, w.mB, w.vB)
	return checkEffect(tEffectQ((w.mB-w.mA)/math.Abs(w.mA), se, w.df, q, w.alt), w.alt, "relative")
}

// CUPEDResult is a regression-adjusted (CUPED) comparison.
type CUPEDResult struct {
	Effect
	// Theta is the adjustment coefficient cov(post, pre)/var(pre) over both arms pooled.
	Theta float64 `json:"theta"`
	// ControlMean and TreatmentMean are the adjusted means post - Theta pre.
	ControlMean   float64 `json:"control_mean"`
	TreatmentMean float64 `json:"treatment_mean"`
	// ControlVariance and TreatmentVariance are the adjusted per-unit variances
	// var_post + Theta^2 var_pre - 2 Theta cov(post, pre).
	ControlVariance   float64 `json:"control_variance"`
	TreatmentVariance float64 `json:"treatment_variance"`
}

// CUPEDTest compares two arms after CUPED variance reduction with a pre-period covariate
// (Deng et al. 2013), following gbstats' RegressionAdjustedStatistic:
//
//	theta = cov(post, pre)/var(pre) on both arms pooled (n-1 moments)
//	adjusted mean_i = post mean_i - theta pre mean_i
//	adjusted var_i  = var_post,i + theta^2 var_pre,i - 2 theta cov_i
//	absolute: est = adjB - adjA, se^2 = varA/nA + varB/nB
//	relative: est = (adjB - adjA)/|mA| with mA, mB the unadjusted post means and
//	  se^2 = varB/(nB mA^2) + (varA_post mB^2/mA^2 - 2 theta covA mB/mA + theta^2 varA_pre)/(nA mA^2)
//	df = Welch-Satterthwaite on the adjusted variances.
//
// A pre-period variance of 0 (no information) gives theta = 0, which is a plain Welch test.
// Errors and default results are as for WelchTest.
func CUPEDTest(control, treatment CUPEDMoments, cfg Config) (CUPEDResult, error) {
	def := CUPEDResult{Effect: defaultEffect()}
	alpha, err := cfg.alpha()
	if err != nil {
		return def, err
	}
	if err := checkAlternative(cfg.Alternative); err != nil {
		return def, err
	}
	if err := control.Validate(); err != nil {
		return def, fmt.Errorf("%w (control)", err)
	}
	if err := treatment.Validate(); err != nil {
		return def, fmt.Errorf("%w (treatment)", err)
	}
	if control.N < 2 || treatment.N < 2 {
		return def, fmt.Errorf("%w: CUPED needs 2 units per arm, got %d and %d", ErrTooFewUnits, control.N, treatment.N)
	}
	all := control.Merge(treatment)
	n := float64(all.N)
	preVar := sampleCov(n, all.Pre, all.Pre, all.PreSquares)
	theta := 0.0
	if preVar > 0 {
		theta = sampleCov(n, all.Post, all.Pre, all.CrossProduct) / preVar
	}
	type armStats struct{ n, post, pre, vPost, vPre, cov, adjMean, adjVar float64 }
	arm := func(c CUPEDMoments) armStats {
		n := float64(c.N)
		s := armStats{n: n, post: c.Post / n, pre: c.Pre / n,
			vPost: sampleCov(n, c.Post, c.Post, c.PostSquares),
			vPre:  sampleCov(n, c.Pre, c.Pre, c.PreSquares),
			cov:   sampleCov(n, c.Post, c.Pre, c.CrossProduct)}
		s.adjMean = s.post - theta*s.pre
		s.adjVar = s.vPost + theta*theta*s.vPre - 2*theta*s.cov
		return s
	}
	a, b := arm(control), arm(treatment)
	res := CUPEDResult{Effect: defaultEffect(), Theta: theta, ControlMean: a.adjMean, TreatmentMean: b.adjMean,
		ControlVariance: a.adjVar, TreatmentVariance: b.adjVar}
	if math.IsInf(a.adjVar, 0) || math.IsInf(b.adjVar, 0) {
		return def, fmt.Errorf("%w: adjusted variances %v (control) and %v (treatment)", ErrOverflow, a.adjVar, b.adjVar)
	}
	if !(a.adjVar > 0) || !(b.adjVar > 0) || !finite(a.adjVar) || !finite(b.adjVar) {
		return res, fmt.Errorf("%w: adjusted variances %v (control) and %v (treatment)", ErrZeroVariance, a.adjVar, b.adjVar)
	}
	df := welchDF(a.n, a.adjVar, b.n, b.adjVar)
	diff := b.adjMean - a.adjMean
	if !cfg.Relative {
		res.Effect, err = checkEffect(tEffect(diff, diffSE(a.n, a.adjVar, b.n, b.adjVar), df, alpha, cfg.Alternative), cfg.Alternative, "CUPED absolute")
		return res, err
	}
	if a.post == 0 {
		return res, ErrZeroBaseline
	}
	// The relative variance over mA^2, with r = mB/mA so that no power of mA appears:
	// (adjVar_B/nB + (var_post,A r^2 - 2 theta cov_A r + theta^2 var_pre,A)/nA)/mA^2.
	mA, r := a.post, b.post/a.post
	v := b.adjVar/b.n + (a.vPost*r*r-2*theta*a.cov*r+theta*theta*a.vPre)/a.n
	if !(v > 0) {
		return res, fmt.Errorf("%w: relative variance %v", ErrZeroVariance, v)
	}
	res.Effect, err = checkEffect(tEffect(diff/math.Abs(mA), math.Sqrt(v)/math.Abs(mA), df, alpha, cfg.Alternative), cfg.Alternative, "CUPED relative")
	return res, err
}

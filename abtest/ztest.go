package abtest

import (
	"errors"
	"fmt"
	"math"
)

// ZResult is a two-proportion z-test.
type ZResult struct {
	// Diff is pB - pA.
	Diff float64 `json:"diff"`
	// PooledRate is (xA + xB)/(nA + nB), the common rate under H0 (0 for WaldZTest).
	PooledRate float64 `json:"pooled_rate"`
	// SE is the standard error the statistic uses (pooled for ZTest, unpooled for WaldZTest).
	SE float64 `json:"se"`
	// Z is Diff/SE.
	Z float64 `json:"z"`
	// PValue is the p-value for the configured alternative from the normal survival function.
	PValue float64 `json:"p_value"`
	// Lower and Upper bound the 1 - alpha Wald interval of Diff, which always uses the
	// unpooled standard error sqrt(pA(1-pA)/nA + pB(1-pB)/nB) (the pooled one only exists
	// under H0). Near the boundary the pooled p-value and this interval can disagree.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// ZTest is the two-proportion z-test with the pooled variance under H0 (statsmodels
// proportions_ztest; its two-sided p-value equals the 2x2 Pearson chi-square without
// continuity correction):
//
//	pbar = (xA + xB)/(nA + nB); se0 = sqrt(pbar(1-pbar)(1/nA + 1/nB)); z = (pB - pA)/se0
//
// The interval is the unpooled Wald interval (see ZResult). Zero conversions or 100%
// conversion in one arm is fine; both arms at 0% or both at 100% make se0 = 0 and give
// ErrZeroVariance with Z and PValue NaN-free defaults (Z 0, p 1). Counts are int64, exact
// to 1e12 and beyond.
func ZTest(control, treatment Rate, cfg Config) (ZResult, error) {
	return zTest(control, treatment, cfg, true)
}

// WaldZTest is the unpooled (Wald) two-proportion z-test: se = sqrt(pA(1-pA)/nA +
// pB(1-pB)/nB), z = (pB - pA)/se. An arm at 0% or 100% contributes zero variance; both at
// the extremes give ErrZeroVariance.
func WaldZTest(control, treatment Rate, cfg Config) (ZResult, error) {
	return zTest(control, treatment, cfg, false)
}

func zTest(control, treatment Rate, cfg Config, pooled bool) (ZResult, error) {
	res := ZResult{PValue: 1}
	alpha, err := cfg.alpha()
	if err != nil {
		return res, err
	}
	if err := checkAlternative(cfg.Alternative); err != nil {
		return res, err
	}
	if err := validRate(control); err != nil {
		return res, fmt.Errorf("%w (control)", err)
	}
	if err := validRate(treatment); err != nil {
		return res, fmt.Errorf("%w (treatment)", err)
	}
	if control.Trials == 0 || treatment.Trials == 0 {
		return res, fmt.Errorf("%w: z-test needs trials in both arms, got %d and %d", ErrTooFewUnits, control.Trials, treatment.Trials)
	}
	nA, nB := float64(control.Trials), float64(treatment.Trials)
	pA, pB := control.Mean(), treatment.Mean()
	res.Diff = pB - pA
	seWald := math.Sqrt(pA*(1-pA)/nA + pB*(1-pB)/nB)
	se := seWald
	if pooled {
		// The counts are summed as int64 (exact) and rounded to float64 once each.
		n := control.Trials + treatment.Trials
		if n < 0 {
			return ZResult{PValue: 1}, fmt.Errorf("%w: trials %d + %d overflow int64", ErrInvalidInput, control.Trials, treatment.Trials)
		}
		res.PooledRate = float64(control.Successes+treatment.Successes) / float64(n)
		se = math.Sqrt(res.PooledRate * (1 - res.PooledRate) * (1/nA + 1/nB))
	}
	res.SE = se
	if !(se > 0) {
		return res, fmt.Errorf("%w: rates %v and %v leave no variance", ErrZeroVariance, pA, pB)
	}
	res.Z = res.Diff / se
	res.PValue = pValue(res.Z, cfg.Alternative, normSF)
	switch cfg.Alternative {
	case Greater:
		res.Lower, res.Upper = res.Diff-normUpper(alpha)*seWald, math.Inf(1)
	case Less:
		res.Lower, res.Upper = math.Inf(-1), res.Diff+normUpper(alpha)*seWald
	default:
		q := normUpper(alpha / 2)
		res.Lower, res.Upper = res.Diff-q*seWald, res.Diff+q*seWald
	}
	return res, nil
}

// ChiSquareResult is a Pearson chi-square test.
type ChiSquareResult struct {
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	PValue    float64 `json:"p_value"`
}

// ChiSquareTest tests whether k arms share one conversion rate: the Pearson chi-square of the
// k x 2 table (converted, not converted) against the pooled rate, without continuity
// correction (R prop.test(correct = FALSE)), df = k - 1:
//
//	X^2 = sum_i (x_i - n_i pbar)^2 / (n_i pbar (1 - pbar))
//
// It needs at least 2 arms with trials; a pooled rate of 0 or 1 gives ErrZeroVariance with
// statistic 0 and p-value 1.
func ChiSquareTest(arms []Rate) (ChiSquareResult, error) {
	res := ChiSquareResult{PValue: 1}
	if len(arms) < 2 {
		return res, fmt.Errorf("%w: chi-square needs 2 or more arms, got %d", ErrTooFewUnits, len(arms))
	}
	var x, n int64
	for i, a := range arms {
		if err := validRate(a); err != nil {
			return res, fmt.Errorf("%w (arm %d)", err, i)
		}
		if a.Trials == 0 {
			return res, fmt.Errorf("%w: arm %d has no trials", ErrTooFewUnits, i)
		}
		x += a.Successes
		n += a.Trials
		if n < 0 {
			return res, fmt.Errorf("%w: total trials overflow int64 at arm %d", ErrInvalidInput, i)
		}
	}
	pbar := float64(x) / float64(n)
	res.DF = len(arms) - 1
	if pbar <= 0 || pbar >= 1 {
		return res, fmt.Errorf("%w: pooled rate %v", ErrZeroVariance, pbar)
	}
	for _, a := range arms {
		e := float64(a.Trials) * pbar
		d := float64(a.Successes) - e
		res.Statistic += d * d / (e * (1 - pbar))
	}
	res.PValue = chi2SF(res.Statistic, float64(res.DF))
	return res, nil
}

// PairResult is one pairwise comparison of arms I < J.
type PairResult struct {
	I        int     `json:"i"`
	J        int     `json:"j"`
	PValue   float64 `json:"p_value"`  // raw two-sided pooled z-test p-value
	Adjusted float64 `json:"adjusted"` // adjusted across all pairs
}

// PairwiseZTests compares every pair of arms i < j (in lexicographic order) with the pooled
// two-sided z-test (R pairwise.prop.test(correct = FALSE)) and adjusts the p-values across
// the k(k-1)/2 pairs with method. A pair whose pooled variance is 0 gets p-value 1.
func PairwiseZTests(arms []Rate, method Correction) ([]PairResult, error) {
	var out []PairResult
	var raw []float64
	for i := range arms {
		for j := i + 1; j < len(arms); j++ {
			r, err := ZTest(arms[i], arms[j], Config{})
			if err != nil && !errors.Is(err, ErrZeroVariance) {
				return nil, fmt.Errorf("%w (arms %d and %d)", err, i, j)
			}
			out = append(out, PairResult{I: i, J: j, PValue: r.PValue})
			raw = append(raw, r.PValue)
		}
	}
	adj, err := Adjust(raw, method)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Adjusted = adj[i]
	}
	return out, nil
}

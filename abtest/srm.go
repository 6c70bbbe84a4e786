package abtest

import (
	"fmt"
	"math"

	"github.com/tailorkit/tailor/internal/textio"
)

// SRMConfig configures the sample-ratio-mismatch check. The zero value flags a mismatch at
// p < 0.001 and only checks when every expected count is at least 5 and the total at least 100.
type SRMConfig struct {
	// Threshold is the p-value below which a mismatch is flagged. Default (0) 0.001: SRM is
	// checked on every experiment every day, so a strict level keeps false alarms rare.
	Threshold float64
	// MinExpected is the smallest expected count per arm for the chi-square approximation to
	// be trusted. Default (0) 5 (the textbook rule; bucketeer's rule). Negative means 0.
	MinExpected float64
	// MinTotal is the smallest total count to check. Default (0) 100 (bucketeer). Negative
	// means 0.
	MinTotal int64
}

// SRMResult is a sample-ratio-mismatch check.
type SRMResult struct {
	// ChiSquare is the Pearson statistic sum (o_i - e_i)^2/e_i with e_i = w_i/sum(w) * total,
	// capped at math.MaxFloat64 (units in an arm planned at a weight near 0; p-value 0).
	ChiSquare float64 `json:"chi_square"`
	// DF is k - 1 (arms with a planned weight of 0 must have no units and do not count).
	DF int `json:"df"`
	// PValue is the chi-square survival function at ChiSquare (1 when not computed).
	PValue float64 `json:"p_value"`
	// MinExpected is the smallest expected count.
	MinExpected float64 `json:"min_expected"`
	// Checked is false when the minimum-count rule skipped the verdict (too few units); the
	// statistic and p-value are still reported.
	Checked bool `json:"checked"`
	// Mismatch is true when Checked and PValue < Threshold.
	Mismatch bool `json:"mismatch"`
}

// SRM tests observed unit counts per arm against the planned weights (any split, k >= 2) with
// Pearson's chi-square, df = k - 1. Weights are normalised; they must be finite, non-negative,
// one per arm, at most 1e15 (textio.MaxMagnitude), and sum to a positive number (ErrWeights).
// Negative counts are ErrInvalidInput.
// Counts are summed in float64, so any int64 counts work (2^62 per arm: no overflow).
//
// Units in an arm planned at weight 0 are a certain mismatch: SRM returns ErrUnplannedUnits
// (naming the arm) together with Checked and Mismatch true and PValue 0, while ChiSquare and
// DF cover the arms with a positive weight only (expected counts from all units; DF may be
// 0), so every number stays finite.
func SRM(observed []int64, weights []float64, cfg SRMConfig) (SRMResult, error) {
	res := SRMResult{PValue: 1}
	if len(observed) != len(weights) {
		return res, fmt.Errorf("%w: %d weights for %d arms", ErrWeights, len(weights), len(observed))
	}
	if len(observed) < 2 {
		return res, fmt.Errorf("%w: SRM needs 2 or more arms, got %d", ErrTooFewUnits, len(observed))
	}
	sumW, total := 0.0, 0.0
	for i, w := range weights {
		if !textio.InRange(w) || w < 0 {
			return res, fmt.Errorf("%w: weight %d = %v (accepted: 0 to 1e15)", ErrWeights, i, w)
		}
		sumW += w
		if observed[i] < 0 {
			return res, fmt.Errorf("%w: arm %d count %d < 0", ErrInvalidInput, i, observed[i])
		}
		total += float64(observed[i])
	}
	if !(sumW > 0) || !finite(sumW) {
		return res, fmt.Errorf("%w: weights sum to %v", ErrWeights, sumW)
	}
	threshold, minExp, minTotal := cfg.Threshold, cfg.MinExpected, cfg.MinTotal
	if threshold == 0 {
		threshold = 0.001
	}
	if !(threshold > 0 && threshold < 1) {
		return res, fmt.Errorf("%w: SRM threshold %v", ErrInvalidAlpha, threshold)
	}
	if math.IsNaN(minExp) || math.IsInf(minExp, 0) {
		return res, fmt.Errorf("%w: SRM minimum expected count %v", ErrInvalidInput, minExp)
	}
	if minExp == 0 {
		minExp = 5
	}
	if minTotal == 0 {
		minTotal = 100
	}
	res.MinExpected = math.Inf(1)
	arms := 0
	unplanned := -1
	for i, o := range observed {
		if weights[i] == 0 {
			if o > 0 && unplanned < 0 {
				unplanned = i
			}
			continue
		}
		e := weights[i] / sumW * total
		arms++
		res.MinExpected = math.Min(res.MinExpected, e)
		if e > 0 {
			d := float64(o) - e
			res.ChiSquare += d / e * d // d/e first: d*d overflows for counts near 2^62
		}
	}
	res.DF = arms - 1
	if total == 0 {
		res.MinExpected = 0
		return res, nil
	}
	if unplanned >= 0 {
		res.PValue, res.Checked, res.Mismatch = 0, true, true
		return res, fmt.Errorf("%w: arm %d has %d units", ErrUnplannedUnits, unplanned, observed[unplanned])
	}
	res.ChiSquare = math.Min(res.ChiSquare, math.MaxFloat64) // a near-zero planned weight with units
	if res.DF >= 1 {
		res.PValue = chi2SF(res.ChiSquare, float64(res.DF))
	}
	res.Checked = res.MinExpected >= minExp && total >= float64(minTotal)
	res.Mismatch = res.Checked && res.PValue < threshold
	return res, nil
}

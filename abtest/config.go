package abtest

import (
	"fmt"
	"math"
)

// Alternative is the alternative hypothesis of a test. The zero value is TwoSided.
type Alternative int

const (
	// TwoSided tests H1: treatment != control.
	TwoSided Alternative = iota
	// Greater tests H1: treatment > control.
	Greater
	// Less tests H1: treatment < control.
	Less
)

// String returns "two-sided", "greater" or "less".
func (a Alternative) String() string {
	switch a {
	case Greater:
		return "greater"
	case Less:
		return "less"
	case TwoSided:
		return "two-sided"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

// ParseAlternative maps the spellings of SciPy, statsmodels and R to an Alternative, with
// treatment as the first sample (statsmodels' value1, SciPy's a), so "larger" means
// H1: treatment > control:
//
//	TwoSided  "two-sided" (SciPy, statsmodels), "2-sided", "2s" (statsmodels), "two.sided" (R), ""
//	Greater   "greater" (SciPy, R), "larger" (statsmodels)
//	Less      "less" (SciPy, R), "smaller" (statsmodels)
//
// Matching is exact (case-sensitive). statsmodels' one-letter "l" and "s" are refused: "l" is
// "larger" there but "less" under R's abbreviation rule, so it would silently flip a test.
func ParseAlternative(s string) (Alternative, error) {
	switch s {
	case "two-sided", "2-sided", "2s", "two.sided", "":
		return TwoSided, nil
	case "greater", "larger":
		return Greater, nil
	case "less", "smaller":
		return Less, nil
	}
	return TwoSided, fmt.Errorf("%w: alternative %q (want two-sided, greater, larger, less or smaller)", ErrInvalidInput, s)
}

// Config configures a frequentist comparison of two arms. The zero value is a two-sided test of
// the absolute difference at alpha 0.05.
type Config struct {
	// Alpha is the significance level; intervals have level 1 - Alpha. Default (0) 0.05;
	// a value outside [1e-300, 1) is an ErrInvalidAlpha.
	Alpha float64
	// Alternative is the alternative hypothesis. Default TwoSided.
	Alternative Alternative
	// Relative asks for the relative effect (mB - mA)/|mA| with its delta-method variance
	// instead of the absolute difference mB - mA. Default false (absolute).
	Relative bool
}

// alpha returns the validated significance level.
func (c Config) alpha() (float64, error) { return checkAlpha(c.Alpha) }

// minAlpha is the smallest significance level accepted: below it alpha/2 underflows and the
// normal quantile z_{1-alpha/2} is infinite, so every interval would be (-Inf, +Inf).
const minAlpha = 1e-300

func checkAlpha(a float64) (float64, error) {
	if a == 0 {
		return 0.05, nil
	}
	if !(a >= minAlpha && a < 1) {
		return 0, fmt.Errorf("%w: got %v (accepted: 1e-300 to 1, or 0 for 0.05)", ErrInvalidAlpha, a)
	}
	return a, nil
}

func checkAlternative(a Alternative) error {
	if a < TwoSided || a > Less {
		return fmt.Errorf("%w: alternative %d", ErrInvalidInput, int(a))
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

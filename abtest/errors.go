package abtest

import "errors"

// Sentinel errors. Functions wrap them with %w and add the offending values, so callers branch
// with errors.Is and people read the wrapped message.
var (
	// ErrInvalidAlpha: a significance level outside [1e-300, 1) (0 means the default 0.05).
	ErrInvalidAlpha = errors.New("abtest: alpha must be in (0, 1)")
	// ErrInvalidPower: a target power outside (0, 1).
	ErrInvalidPower = errors.New("abtest: power must be in (0, 1)")
	// ErrInvalidInput: a count, rate, weight or parameter that is negative, NaN, infinite or
	// otherwise out of its domain (the message names which).
	ErrInvalidInput = errors.New("abtest: invalid input")
	// ErrTooFewUnits: an arm has fewer units than the method needs (2 for a t-test, 1 otherwise).
	ErrTooFewUnits = errors.New("abtest: too few units")
	// ErrZeroVariance: the test statistic's variance is zero or negative (for example both
	// arms at 0% or at 100% conversion, or a constant metric), so no statistic exists.
	// Functions that return it also return their documented default result.
	ErrZeroVariance = errors.New("abtest: zero or negative variance")
	// ErrZeroBaseline: the control mean is 0, so a relative effect is undefined.
	ErrZeroBaseline = errors.New("abtest: zero baseline mean, relative effect undefined")
	// ErrZeroDenominator: a ratio metric's denominator mean is 0.
	ErrZeroDenominator = errors.New("abtest: zero denominator mean in ratio metric")
	// ErrWeights: planned weights that are negative, not finite, of the wrong length or that do
	// not sum to a positive number.
	ErrWeights = errors.New("abtest: invalid weights")
	// ErrUnbounded: an interval that does not exist as a bounded interval (Fieller with a
	// baseline indistinguishable from 0).
	ErrUnbounded = errors.New("abtest: interval is unbounded")
	// ErrHashVersion: an unknown GrowthBook hash version.
	ErrHashVersion = errors.New("abtest: unknown hash version")
	// ErrEmptyUnit: Assign was given an empty unit ID.
	ErrEmptyUnit = errors.New("abtest: empty unit ID")
	// ErrNoConvergence: a root or bound search did not converge.
	ErrNoConvergence = errors.New("abtest: numerical search did not converge")
	// ErrOverflow: valid inputs whose result lies outside the float64 range (for example a
	// sample size above 1.8e308, or a t statistic or interval end beyond it). Functions that
	// return it also return their documented default result, never an infinity or NaN.
	ErrOverflow = errors.New("abtest: result outside the float64 range")
	// ErrUnplannedUnits: SRM found units in an arm planned at weight 0. It comes with a
	// result that flags the certain mismatch (Checked and Mismatch true, p-value 0).
	ErrUnplannedUnits = errors.New("abtest: units in an arm planned at weight 0")
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

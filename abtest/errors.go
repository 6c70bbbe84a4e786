package abtest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tailorkit/tailor/internal/textio"
)

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

// contextError is an error with context before it and one "abtest: " prefix in all (the
// convention: wrapping layers add context after the prefix, never a second one). It unwraps to
// the error it wraps, so errors.Is and errors.As see the sentinels and the *RowError inside.
type contextError struct {
	msg string
	err error
}

func (e *contextError) Error() string { return e.msg }
func (e *contextError) Unwrap() error { return e.err }

// withContext returns "abtest: <context>: <err>" with the prefixes inside err's message
// removed, wrapping err.
func withContext(err error, format string, args ...any) error {
	inner := strings.ReplaceAll(err.Error(), prefix, "")
	return &contextError{msg: prefix + fmt.Sprintf(format, args...) + ": " + inner, err: err}
}

// prefix starts every error message of the package.
const prefix = "abtest: "

// Causes of a *RowError from ReadAggregates: internal/textio's sentinels, re-exported as the
// same values (as profile does), so that errors.Is works from abtest. They follow a position
// and carry no prefix.
var (
	// ErrMissing: an empty required cell (experiment, variant, metric, units, a sum).
	ErrMissing = textio.ErrMissing
	// ErrNumber: a cell that is not a finite number.
	ErrNumber = textio.ErrNumber
	// ErrInteger: a units cell that is not an integer.
	ErrInteger = textio.ErrInteger
	// ErrColumns: a row with another number of columns than the header.
	ErrColumns = textio.ErrColumns
	// ErrHeader: a header that is not an aggregates header (a missing or repeated column).
	ErrHeader = textio.ErrHeader
	// ErrLineTooLong: a line longer than textio.MaxLineBytes (1 MiB).
	ErrLineTooLong = textio.ErrLineTooLong
	// ErrQuote: a quoted CSV field that is not closed on its line.
	ErrQuote = textio.ErrQuote
	// ErrRange: a sum beyond the bound the reader accepts (textio.MaxMagnitude, its square for
	// sums of squares and cross sums).
	ErrRange = textio.ErrRange
)

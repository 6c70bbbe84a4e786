package profile

import (
	"errors"
	"fmt"

	"github.com/tailorkit/tailor/internal/textio"
)

// Errors follow one convention. An error returned by a function of this package starts with
// "profile: " once (wrapping layers add context after it), except the two positional types,
// which print their position first and no prefix because they are meant to be wrapped: a
// *FieldError (from Order.Validate and Event.Validate, naming the field) and a *RowError (a
// bad row yielded by a reader, naming the line). The sentinels an error starts with
// (ErrConfig, ErrConsent, ErrSelfMerge, ErrUnknownCustomer) carry the prefix; the causes below,
// which follow a position, do not. Match both kinds with errors.Is.

// Causes of a *FieldError or a *RowError. The reader causes are internal/textio's sentinels,
// re-exported as the same values, so that errors.Is works from profile whichever package
// produced the error (a metrics reader, a recommend reader, a validation here).
var (
	// ErrMissing: an empty required value (an ID, a time, a type, an order's lines, a cell).
	ErrMissing = textio.ErrMissing
	// ErrNumber: a cell that is not a finite number, or (as ErrNotFinite) a price that is NaN
	// or infinite.
	ErrNumber = textio.ErrNumber
	// ErrInteger: a cell that is not an integer (a quantity).
	ErrInteger = textio.ErrInteger
	// ErrTime: a cell that is not a time in the format's layout.
	ErrTime = textio.ErrTime
	// ErrColumns: a row with another number of columns than the format's.
	ErrColumns = textio.ErrColumns
	// ErrHeader: a header row that is not the format's.
	ErrHeader = textio.ErrHeader
	// ErrLineTooLong: a line longer than textio.MaxLineBytes (1 MiB).
	ErrLineTooLong = textio.ErrLineTooLong
	// ErrQuote: a quoted CSV field that is not closed on its line.
	ErrQuote = textio.ErrQuote
	// ErrRange: a number beyond the bound a reader or Validate accepts: a price, list price or
	// quantity above textio.MaxMagnitude (1e15) in absolute value, a quantity cell beyond
	// 2^31-1, or (as ErrOutOfRange) a time a Builder cannot hold: outside what
	// time.Time.UnixNano represents, the years 1678 to 2262 (AddOrder, AddEvent).
	ErrRange = textio.ErrRange

	// ErrNotFinite is ErrNumber (the same value), the name Validate's docs use for a NaN or
	// infinite price.
	ErrNotFinite = ErrNumber
	// ErrOutOfRange is ErrRange (the same value), the name Validate's docs use.
	ErrOutOfRange = ErrRange

	// ErrNegative: a negative price or list price.
	ErrNegative = errors.New("negative")
	// ErrZeroQuantity: an order line, or a purchase or return event, without a quantity.
	ErrZeroQuantity = errors.New("zero quantity")
)

// ErrConfig is wrapped by Config.Validate and StitchConfig.Validate (and so by NewBuilder,
// NewStitcher and Build) for a configuration field out of its documented range.
var ErrConfig = errors.New("profile: bad configuration")

// FieldError is a validation error naming the field and the offending value. Value holds only
// what is not personal data: a number, a time, or "" (an identifier's value is never copied
// into an error). It is positional: it prints no package prefix, and the Add methods of a
// Builder (and Build) wrap it once as `profile: order "o1": field ...`, or with the person's
// ID and the time of an event.
type FieldError struct {
	Field string
	Value string
	Err   error
}

// Error formats the error as `field "Lines[0].Quantity" = "0": zero quantity`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("field %q = %q: %v", e.Field, e.Value, e.Err)
}

// Unwrap returns the sentinel cause.
func (e *FieldError) Unwrap() error { return e.Err }

// RowError is the error the file readers yield for a bad row: the line number, the column, the
// value and the cause (one of the reader causes above, or a *FieldError's cause for a row that
// parsed but failed validation). It is positional: it prints `line 12: field "Quantity" =
// "abc": not an integer`, without a package prefix. Match it with errors.As.
type RowError = textio.RowError

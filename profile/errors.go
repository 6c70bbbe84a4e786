package profile

import (
	"errors"
	"fmt"

	"github.com/tailorkit/tailor/internal/textio"
)

// Sentinel causes of validation errors; match them with errors.Is.
var (
	ErrMissing      = errors.New("missing")
	ErrNotFinite    = errors.New("not a finite number")
	ErrNegative     = errors.New("negative")
	ErrZeroQuantity = errors.New("zero quantity")
	// ErrOutOfRange: a price, list price or quantity above textio.MaxMagnitude (1e15) in
	// absolute value (Validate), or a time a Builder cannot hold: outside what
	// time.Time.UnixNano represents, the years 1678 to 2262 (AddOrder, AddEvent). It is the
	// module's one out-of-range sentinel, the same value as the readers' ErrRange and
	// segment.ErrOutOfRange, so errors.Is matches it from any package.
	ErrOutOfRange = textio.ErrRange
)

// ErrConfig is wrapped by Config.Validate and StitchConfig.Validate (and so by NewBuilder and
// Build) for a configuration field out of its documented range.
var ErrConfig = errors.New("profile: bad configuration")

// FieldError is a validation error naming the field and the offending value. Value holds only
// what is not personal data: a number, a time, or "" (an identifier's value is never copied
// into an error). The Add methods of a Builder wrap it with the order ID, or the person's ID
// and the time of an event.
type FieldError struct {
	Field string
	Value string
	Err   error
}

// Error formats the error as `profile: field "Lines[0].Quantity" = "0": zero quantity`.
func (e *FieldError) Error() string {
	return fmt.Sprintf("profile: field %q = %q: %v", e.Field, e.Value, e.Err)
}

// Unwrap returns the sentinel cause.
func (e *FieldError) Unwrap() error { return e.Err }

// RowError is the error the file readers yield for a bad row: the line number, the column, the
// value and the cause (one of the textio sentinels, or a *FieldError's cause for a row that
// parsed but failed validation). Match it with errors.As.
type RowError = textio.RowError

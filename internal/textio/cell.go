package textio

import (
	"math"
	"strings"
)

// MaxMagnitude is the largest absolute value tailor accepts for an amount, a price, a weight or
// a quantity at its inputs (readers, Add methods, Validate). Below 2^53 (about 9.007e15), so a
// whole count or an amount in cents is exact, and far enough below math.MaxFloat64 that products
// (price x quantity) and sums of up to 2^53 such products stay finite: whatever is accepted can
// be saved, loaded and encoded as JSON.
const MaxMagnitude = 1e15

// InRange reports whether v is finite and |v| <= MaxMagnitude.
func InRange(v float64) bool {
	return !math.IsNaN(v) && math.Abs(v) <= MaxMagnitude
}

// EscapeCell neutralises a text cell for spreadsheets (the OWASP CSV-injection rule): a value
// that starts with '=', '+', '-', '@', a tab or a carriage return is prefixed with a single
// quote, so a spreadsheet shows it as text instead of evaluating it. A value that already starts
// with a single quote gets one more, so that UnescapeCell undoes EscapeCell exactly and a machine
// format stays a lossless round trip. Numbers a writer formats itself need no escaping; use it
// for IDs, names and free text.
func EscapeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}

// UnescapeCell undoes EscapeCell: it removes one leading single quote when one is present.
func UnescapeCell(s string) string {
	if strings.HasPrefix(s, "'") {
		return s[1:]
	}
	return s
}

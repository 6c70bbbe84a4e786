package segment

import (
	"errors"

	"github.com/tailorkit/tailor/internal/textio"
)

// Segmenter assigns a customer to a segment. Rule segments, RFM models and k-means models all
// implement it, so a host can swap one for another or compose them with FirstMatch and
// AllMatches. Assign returns the segment's name and true, or "" and false when the customer
// belongs to none of the segmenter's segments (for example a rule that does not match, or an
// RFM model asked about a customer without recency, orders and revenue).
//
// Implementations in this package are safe for concurrent use once built.
type Segmenter interface {
	Assign(c *Customer) (segment string, ok bool)
}

// Sentinel errors; match them with errors.Is.
var (
	// ErrEmpty: no customers, points or orders where some are needed.
	ErrEmpty = errors.New("empty input")
	// ErrSyntax: a rule's text is malformed.
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownAttribute: a rule names an attribute the schema does not have.
	ErrUnknownAttribute = errors.New("unknown attribute")
	// ErrTypeMismatch: a rule compares an attribute with a value of another kind, or uses an
	// operator the attribute's kind does not support.
	ErrTypeMismatch = errors.New("type mismatch")
	// ErrNotFinite: a NaN or infinite number in data that must be finite.
	ErrNotFinite = errors.New("not a finite number")
	// ErrTooFewPoints: k-means was asked for more clusters than there are distinct points.
	ErrTooFewPoints = errors.New("fewer distinct points than clusters")
	// ErrBadConfig: a configuration value out of range (negative bins, unsorted cut points, ...).
	ErrBadConfig = errors.New("bad configuration")
	// ErrOutOfRange: a finite number beyond ±textio.MaxMagnitude (1e15, the module's one
	// accepted magnitude for amounts, prices, quantities and features), or an order time
	// outside the years 1 to 9999. The module's one out-of-range sentinel: the same value as
	// profile.ErrOutOfRange and the readers' ErrRange, so a profile validation error matches it.
	ErrOutOfRange = textio.ErrRange
	// ErrSelfMerge: an Activity merged into itself, which would count everything twice.
	ErrSelfMerge = errors.New("merged into itself")
)

// SegmenterFunc adapts a function to the Segmenter interface.
type SegmenterFunc func(c *Customer) (string, bool)

// Assign calls f(c).
func (f SegmenterFunc) Assign(c *Customer) (string, bool) { return f(c) }

// Rule is a named predicate: a segment of the customers that match it.
type Rule struct {
	Name string
	When Predicate
}

// Assign returns r.Name when r.When matches c.
func (r Rule) Assign(c *Customer) (string, bool) {
	if r.When != nil && r.When.Match(c) {
		return r.Name, true
	}
	return "", false
}

// FirstMatch is a Segmenter that tries its members in order and returns the first segment
// assigned. An empty FirstMatch assigns nothing. Put a catch-all last with Fallback.
type FirstMatch []Segmenter

// Assign returns the first member's segment that assigns c.
func (fm FirstMatch) Assign(c *Customer) (string, bool) {
	for _, s := range fm {
		if name, ok := s.Assign(c); ok {
			return name, true
		}
	}
	return "", false
}

// Fallback returns a Segmenter that assigns every customer to name: the "Others" of a
// FirstMatch.
func Fallback(name string) Segmenter {
	return SegmenterFunc(func(*Customer) (string, bool) { return name, true })
}

// AllMatches returns the segments of every member that assigns c, in member order (a customer
// may be in "EU" and in "Champions" at once). The result is nil when none does.
func AllMatches(c *Customer, members ...Segmenter) []string {
	var out []string
	for _, s := range members {
		if name, ok := s.Assign(c); ok {
			out = append(out, name)
		}
	}
	return out
}

// Package forget holds the one report type every tailor store returns from Forget, so that a
// host erasing a person across profiles, stitching, consents, segments, KPIs and models reads
// one shape. Public packages re-export it as ForgetReport.
package forget

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Report is what one store's Forget removed for one person. For a person the store held
// nothing of, Found is false and Removed is empty: the report says so and lists nothing.
// Removed counts what was deleted by kind ("orders", "events", "identities", "consents",
// "interactions", ...); the kinds each store uses are listed in its Forget doc. Person is the
// ID the caller passed, which the caller already holds; no other personal value is kept.
type Report struct {
	Person  string         `json:"person"`
	Found   bool           `json:"found"`
	Removed map[string]int `json:"removed,omitempty"`
}

// Add counts n removed records of a kind and marks the person found when n > 0.
func (r *Report) Add(kind string, n int) {
	if n <= 0 {
		return
	}
	if r.Removed == nil {
		r.Removed = make(map[string]int)
	}
	r.Removed[kind] += n
	r.Found = true
}

// Merge adds the counts of another report on the same person (several stores, one erasure).
func (r *Report) Merge(o Report) {
	for _, k := range slices.Sorted(maps.Keys(o.Removed)) {
		r.Add(k, o.Removed[k])
	}
	r.Found = r.Found || o.Found
}

// String formats the report as `c42: removed 3 orders, 2 identities` or `c42: nothing held`.
func (r Report) String() string {
	if !r.Found {
		return r.Person + ": nothing held"
	}
	parts := make([]string, 0, len(r.Removed))
	for _, k := range slices.Sorted(maps.Keys(r.Removed)) {
		parts = append(parts, fmt.Sprintf("%d %s", r.Removed[k], k))
	}
	if len(parts) == 0 {
		return r.Person + ": removed"
	}
	return r.Person + ": removed " + strings.Join(parts, ", ")
}

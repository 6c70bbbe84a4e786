package profile

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Purpose is a reason for processing personal data that a customer can consent to separately.
type Purpose string

// The purposes tailor's packages use. Any other string is a valid purpose too.
const (
	PurposeAnalytics       Purpose = "analytics"       // profiles, segments, lifetime value
	PurposePersonalization Purpose = "personalization" // recommendations
	PurposeMarketing       Purpose = "marketing"       // campaigns and exports to ad tools
)

// ErrConsent is wrapped by Consents.Record for an unusable record.
var ErrConsent = errors.New("profile: bad consent record")

// ConsentRecord is one decision of a customer about one purpose: given (Granted) or withdrawn
// (!Granted) at Time. Subject is the customer ID or any identifier value the decision was
// recorded under (a cookie banner records it under the anonymous ID).
type ConsentRecord struct {
	Subject string    `json:"subject"`
	Purpose Purpose   `json:"purpose"`
	Granted bool      `json:"granted"`
	Time    time.Time `json:"time"`
}

// Consents is a ledger of consent decisions. The rule: a subject may be processed for a
// purpose at time t when its latest decision for that purpose dated at or before t grants it;
// no decision means no consent. When several decisions share the latest time, a withdrawal
// wins. For a stitched customer every identifier's decisions count, and the latest wins.
//
// The zero value is an empty ledger. A Consents is safe for concurrent use.
type Consents struct {
	mu      sync.RWMutex
	records map[string][]ConsentRecord // by subject, in time order
}

// Record adds a decision. It refuses a record without subject, purpose or time with an
// error wrapping ErrConsent and a *FieldError wrapping ErrMissing.
func (c *Consents) Record(r ConsentRecord) error {
	missing := func(field string) error {
		return fmt.Errorf("%w: %w", ErrConsent, &FieldError{Field: field, Err: ErrMissing})
	}
	switch {
	case r.Subject == "":
		return missing("Subject")
	case r.Purpose == "":
		return missing("Purpose")
	case r.Time.IsZero():
		return missing("Time")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.records == nil {
		c.records = make(map[string][]ConsentRecord)
	}
	list := append(c.records[r.Subject], r)
	slices.SortStableFunc(list, compareConsent)
	c.records[r.Subject] = list
	return nil
}

func compareConsent(x, y ConsentRecord) int { return x.Time.Compare(y.Time) }

// Grant records that subject consented to purpose at time at.
func (c *Consents) Grant(subject string, purpose Purpose, at time.Time) error {
	return c.Record(ConsentRecord{Subject: subject, Purpose: purpose, Granted: true, Time: at})
}

// Withdraw records that subject withdrew consent to purpose at time at.
func (c *Consents) Withdraw(subject string, purpose Purpose, at time.Time) error {
	return c.Record(ConsentRecord{Subject: subject, Purpose: purpose, Granted: false, Time: at})
}

// Allowed reports whether subject may be processed for purpose at time at.
func (c *Consents) Allowed(subject string, purpose Purpose, at time.Time) bool {
	return c.decide([]string{subject}, purpose, at)
}

// Records returns subject's decisions in time order.
func (c *Consents) Records(subject string) []ConsentRecord {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return slices.Clone(c.records[subject])
}

// Forget erases every decision recorded under subject. The report counts them as "consents";
// for a subject with no decisions it has Found false and lists nothing. Decisions recorded
// under a stitched customer's other identifiers are not the subject's: Builder.Forget erases
// those too.
func (c *Consents) Forget(subject string) ForgetReport {
	rep := ForgetReport{Person: subject}
	rep.Add("consents", c.forget([]string{subject}))
	return rep
}

// ForgetAll is Forget for several subjects under one lock, returning one report per subject in
// the order given (a subject named twice: the second report has Found false).
func (c *Consents) ForgetAll(subjects ...string) []ForgetReport {
	reps := make([]ForgetReport, len(subjects))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, s := range subjects {
		reps[i] = ForgetReport{Person: s}
		reps[i].Add("consents", len(c.records[s]))
		delete(c.records, s)
	}
	return reps
}

// forget erases every decision recorded under the subjects and returns how many were erased.
func (c *Consents) forget(subjects []string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range subjects {
		n += len(c.records[s])
		delete(c.records, s)
	}
	return n
}

// decide applies the rule over the decisions of all subjects together.
func (c *Consents) decide(subjects []string, purpose Purpose, at time.Time) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var best ConsentRecord
	found := false
	for _, s := range subjects {
		for _, r := range c.records[s] {
			if r.Purpose != purpose || r.Time.After(at) {
				continue
			}
			// Later wins; at equal times a withdrawal wins.
			if !found || r.Time.After(best.Time) || (r.Time.Equal(best.Time) && !r.Granted) {
				best, found = r, true
			}
		}
	}
	return found && best.Granted
}

// allowedAny checks a customer known by a canonical ID and several identities.
func (c *Consents) allowedAny(id string, keys []Identity, purpose Purpose, at time.Time) bool {
	return c.decide(subjectsOf(id, keys), purpose, at)
}

func subjectsOf(id string, keys []Identity) []string {
	subjects := make([]string, 0, 1+2*len(keys))
	subjects = append(subjects, id)
	for _, k := range keys {
		subjects = append(subjects, k.Value, CanonicalID(k))
	}
	slices.Sort(subjects)
	return slices.Compact(subjects)
}

package metrics

import (
	"github.com/tailorkit/tailor/internal/forget"
)

// ForgetReport is what Forget removed for one person: the module's one report shape
// (internal/forget), {"person": "c42", "found": true, "removed": {"sessions": 3, ...}}. For a
// person the accumulator holds nothing of, Found is false and Removed is empty.
type ForgetReport = forget.Report

// Forget removes everything the accumulator holds of person, the key its events were counted
// under (Config.Person's answer, else Event.Person()): the person's sessions, and the person's
// share of Events, Invalid, the late count and the per-type Unknown counts. Afterwards every
// report, session, session statistic and count is exactly what an accumulator fed the same
// events without that person's would give. The report counts "sessions", "events" (valid
// events) and "invalid_events" (refused events that named the person).
//
// Strings interned for the person's sessions (order and session IDs) stay in the intern table
// until the accumulator is dropped; no result ever shows them. Forget is O(the person's
// sessions).
func (a *Accumulator) Forget(person string) ForgetReport {
	rep := ForgetReport{Person: person}
	if p := a.people[person]; p != nil {
		p.flush(a.gap)
		rep.Add("sessions", len(p.timeline)+len(p.byID))
		rep.Add("events", int(p.events))
		a.events -= p.events
		a.late -= p.late
		for t, n := range p.unknown {
			if a.unknown[t] -= n; a.unknown[t] <= 0 {
				delete(a.unknown, t)
			}
		}
		delete(a.people, person)
		rep.Found = true
	}
	if n := a.invalidBy[person]; n > 0 {
		rep.Add("invalid_events", int(n))
		a.invalid -= n
		delete(a.invalidBy, person)
	}
	return rep
}

// ForgetAll forgets each person in turn and returns one report per person, in the order
// given.
func (a *Accumulator) ForgetAll(persons ...string) []ForgetReport {
	out := make([]ForgetReport, len(persons))
	for i, p := range persons {
		out[i] = a.Forget(p)
	}
	return out
}

// Forget removes everything the funnel holds of person (the key its events were counted
// under, as for Accumulator.Forget): afterwards Result is exactly that of a funnel fed the same
// events without the person's. The report counts the person's step "events" held.
func (f *Funnel) Forget(person string) ForgetReport {
	rep := ForgetReport{Person: person}
	if ev, ok := f.people[person]; ok {
		rep.Add("events", len(ev))
		rep.Found = true
		delete(f.people, person)
	}
	return rep
}

// ForgetAll forgets each person in turn and returns one report per person, in the order
// given.
func (f *Funnel) ForgetAll(persons ...string) []ForgetReport {
	out := make([]ForgetReport, len(persons))
	for i, p := range persons {
		out[i] = f.Forget(p)
	}
	return out
}

// Forget removes everything held of the customer with ID person: their orders, and their
// refused orders from Invalid. Afterwards every report, retention figure and count is exactly
// that of an Orders fed the same orders without theirs. Guest orders name no customer and are
// not touched. The report counts "orders" and "invalid_orders".
func (o *Orders) Forget(person string) ForgetReport {
	rep := ForgetReport{Person: person}
	if rs, ok := o.customers[person]; ok {
		rep.Add("orders", len(rs))
		rep.Found = true
		delete(o.customers, person)
	}
	if n := o.invalidBy[person]; n > 0 {
		rep.Add("invalid_orders", int(n))
		o.invalid -= n
		delete(o.invalidBy, person)
	}
	return rep
}

// ForgetAll forgets each customer in turn and returns one report per customer, in the order
// given.
func (o *Orders) ForgetAll(persons ...string) []ForgetReport {
	out := make([]ForgetReport, len(persons))
	for i, p := range persons {
		out[i] = o.Forget(p)
	}
	return out
}

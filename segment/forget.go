package segment

import (
	"iter"

	"github.com/tailorkit/tailor/internal/forget"
	"github.com/tailorkit/tailor/profile"
)

// ForgetReport is what Activity.Forget removed for one customer: the module's one report
// shape (the same type as profile's and the other stores' ForgetReport). It encodes as
// {"person":"c42","found":true,"removed":{"orders":3}}.
type ForgetReport = forget.Report

// AddAll adds every order of the sequence (a database cursor, a reader's orders, a slice's
// values) with Add. It stops at the first order Add refuses and returns that error; the
// orders before it stay added. CollectActivity is the same with a context, progress and
// SkipInvalid.
func (a *Activity) AddAll(orders iter.Seq[profile.Order]) error {
	for o := range orders {
		if err := a.Add(o); err != nil {
			return err
		}
	}
	return nil
}

// Forget removes everything the Activity holds of one customer, so that every result (RFM
// values, cohorts, lifecycle stages, customers, new-versus-returning counts, repeat
// statistics, advocates, Len and the Returns and Future counts) equals that of an Activity
// built without the customer's orders. The report counts the removed "orders" (purchases),
// "returns" (return-only orders) and "future_orders" (orders left out for being after the
// reference time); for a customer the Activity never saw, Found is false and nothing is
// listed. GuestOrders and Invalid are not attributed to anyone and are unchanged.
func (a *Activity) Forget(customer string) ForgetReport {
	rep := ForgetReport{Person: customer}
	if n := a.futureBy[customer]; n > 0 {
		a.Future -= n
		delete(a.futureBy, customer)
		rep.Add("future_orders", n)
	}
	i, ok := a.index[customer]
	if !ok {
		return rep
	}
	a.normalize()
	c := &a.logs[i]
	rep.Add("orders", c.orders)
	rep.Add("returns", c.returns)
	a.Returns -= c.returns

	// Drop the customer's day records and move the last customer into its place; normalize
	// regroups the records on the next query.
	last := int32(len(a.logs) - 1)
	lo, hi := a.dayStart[i], a.dayStart[i+1]
	a.days = append(a.days[:lo], a.days[hi:]...)
	for k := range a.days {
		if a.days[k].cust == last {
			a.days[k].cust = i
		}
	}
	a.logs[i] = a.logs[last]
	a.logs[last] = customerLog{}
	a.logs = a.logs[:last]
	delete(a.index, customer)
	if i != last {
		a.index[a.logs[i].id] = i
	}
	a.last = 0
	a.grouped = false
	return rep
}

// ForgetAll forgets each customer in turn and returns one report per customer, in the order
// given.
func (a *Activity) ForgetAll(customers ...string) []ForgetReport {
	out := make([]ForgetReport, len(customers))
	for k, id := range customers {
		out[k] = a.Forget(id)
	}
	return out
}

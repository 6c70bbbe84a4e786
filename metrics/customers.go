package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// ErrInvalidOrder wraps an order that fails profile.Order.Validate.
var ErrInvalidOrder = errors.New("metrics: invalid order")

// Period is the half-open time range [From, To). A zero From or To leaves that side open.
type Period struct {
	// From is the first instant in the period, To the first after it.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

func (p Period) bounds() (int64, int64) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !p.From.IsZero() {
		lo = clampNano(p.From)
	}
	if !p.To.IsZero() {
		hi = clampNano(p.To)
	}
	return lo, hi
}

func clampNano(t time.Time) int64 {
	switch {
	case t.Before(minNano):
		return math.MinInt64
	case t.After(maxNano):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Orders accumulates orders for the customer KPIs: repeat purchase and returning customer
// rates, retention and churn, return rate, average order value and historical lifetime value.
// It keeps a few numbers per order (no lines), is fed in one pass in any order and merges
// across shards.
//
// An order is a purchase when it has a line with a positive quantity, and a return in so far
// as it has lines with negative quantities (profile's convention); one order can be both.
// Guest orders (no CustomerID) count in order figures (AOV, revenue, return rate) but not in
// customer figures.
//
// Orders is not safe for concurrent use: give each goroutine its own and Merge them.
type Orders struct {
	cfg       OrdersConfig
	customers map[string][]orderRec
	guests    []orderRec
	invalid   int64
	invalidBy map[string]int64 // refused orders by customer, for Forget
}

type orderRec struct {
	t                  int64
	soldUnits, retUnit int64
	sold, discount     float64
	returned           float64
}

func (r orderRec) purchase() bool { return r.soldUnits > 0 }

// OrdersConfig configures an Orders accumulator. The zero value is the default.
type OrdersConfig struct {
	// Progress, if set, is called with the number of orders read so far every 1<<16 orders by
	// AddAll (total is 0: a stream's length is unknown). Default nil: no calls.
	Progress func(done, total int)
}

// NewOrders returns an empty order accumulator. It cannot fail: no OrdersConfig value is out
// of range (Progress may be nil), so it returns no error.
func NewOrders(cfg OrdersConfig) *Orders {
	return &Orders{cfg: cfg, customers: map[string][]orderRec{}}
}

// Add records one order, or returns an error wrapping ErrInvalidOrder (or ErrTimeRange, or
// ErrTooLarge for a line above MaxAmount) and counts it as invalid.
func (o *Orders) Add(ord *profile.Order) error {
	if err := ord.Validate(); err != nil {
		return o.refuse(ord, wrapCause(ErrInvalidOrder, fmt.Sprintf(": order %q", ord.ID), err))
	}
	if ord.Time.Before(minNano) || ord.Time.After(maxNano) {
		return o.refuse(ord, fmt.Errorf("%w: order %q: %s", ErrTimeRange, ord.ID, ord.Time))
	}
	for i, l := range ord.Lines {
		if err := cmp.Or(checkAmount("unit price", l.UnitPrice, l.Quantity), checkAmount("list price", l.ListPrice, l.Quantity)); err != nil {
			return o.refuse(ord, fmt.Errorf("%w (order %q line %d)", err, ord.ID, i))
		}
	}
	r := orderRec{t: ord.Time.UnixNano()}
	for _, l := range ord.Lines {
		q := int64(l.Quantity)
		if q > 0 {
			r.soldUnits = satAdd(r.soldUnits, q)
			r.sold += float64(q) * l.UnitPrice
			if l.ListPrice > l.UnitPrice {
				r.discount += float64(q) * (l.ListPrice - l.UnitPrice)
			}
		} else {
			r.retUnit = satAdd(r.retUnit, -q)
			r.returned -= float64(q) * l.UnitPrice
		}
	}
	if ord.CustomerID == "" {
		o.guests = append(o.guests, r)
	} else {
		o.customers[ord.CustomerID] = append(o.customers[ord.CustomerID], r)
	}
	return nil
}

// refuse counts a refused order, under its customer too, and returns err.
func (o *Orders) refuse(ord *profile.Order, err error) error {
	o.invalid++
	if ord.CustomerID != "" {
		if o.invalidBy == nil {
			o.invalidBy = map[string]int64{}
		}
		o.invalidBy[ord.CustomerID]++
	}
	return err
}

// AddAll records every order of seq, counting invalid ones (see Invalid); it stops with ctx's
// error when ctx is cancelled.
func (o *Orders) AddAll(ctx context.Context, seq iter.Seq[profile.Order]) error {
	return feed(ctx, seq, o.cfg.Progress, o.Add)
}

// Merge adds the orders of other, which must not be used afterwards. Merging an Orders into
// itself returns ErrSelfMerge and changes nothing.
func (o *Orders) Merge(other *Orders) error {
	if o == other {
		return ErrSelfMerge
	}
	for c, rs := range other.customers {
		o.customers[c] = append(o.customers[c], rs...)
	}
	o.guests = append(o.guests, other.guests...)
	o.invalid += other.invalid
	for c, n := range other.invalidBy {
		if o.invalidBy == nil {
			o.invalidBy = map[string]int64{}
		}
		o.invalidBy[c] += n
	}
	return nil
}

// Invalid returns the number of orders refused by Add.
func (o *Orders) Invalid() int64 { return o.invalid }

// CustomerReport holds the order and customer KPIs of one period.
type CustomerReport struct {
	Period Period `json:"period"`
	// Customers counts customers with a purchase in the period; NewCustomers those whose
	// first purchase ever is in it.
	Customers    int64 `json:"customers"`
	NewCustomers int64 `json:"new_customers"`
	// Orders counts purchases in the period, GuestOrders those without a customer.
	Orders      int64 `json:"orders"`
	GuestOrders int64 `json:"guest_orders"`
	// Units sold and returned (|quantity| of negative lines) in the period.
	Units         int64 `json:"units"`
	ReturnedUnits int64 `json:"returned_units"`
	// Revenue is the amount paid for the period's purchases: gross sales minus discounts.
	Revenue float64 `json:"revenue"`
	// Discounts is Σ (ListPrice − UnitPrice)·Quantity over lines sold below a known list price.
	Discounts float64 `json:"discounts"`
	// Returned is the value of lines returned in the period; NetRevenue = Revenue − Returned.
	Returned   float64 `json:"returned"`
	NetRevenue float64 `json:"net_revenue"`
	// AOV is Revenue / Orders ((gross − discounts) / orders, Shopify's definition). Returns are
	// not subtracted: they are dated when they happen and show in ReturnRate and NetRevenue.
	// The interval is the delta method over customers (a guest order is a unit of its own).
	AOV Estimate `json:"aov"`
	// RepeatPurchase is the repeat purchase rate: customers with two or more purchases in the
	// period / customers with at least one. Both purchases must fall in the period.
	RepeatPurchase Rate `json:"repeat_purchase"`
	// ReturningCustomer is Shopify's returning customer rate: customers with a purchase in the
	// period who had bought before (earlier in the period or at any time before it) /
	// customers with a purchase in the period. It differs from RepeatPurchase in letting the
	// first purchase fall before the period, so over a short period it is the larger: a
	// loyal customer buying once a month is "returning" in every month but never "repeat"
	// within one.
	ReturningCustomer Rate `json:"returning_customer"`
	// ReturnRate is units returned / units sold in the period (by the dates of the return and
	// of the sale). A period with more returns than sales gives an undefined rate.
	ReturnRate Rate `json:"return_rate"`
	// HistoricalCLV is historical customer lifetime value: the mean over customers with a
	// purchase by the end of the period of their net revenue (paid minus returned) up to that
	// end, with the interval of a mean. It looks back only; for a prediction use profile's
	// lifetime-value models.
	HistoricalCLV Estimate `json:"historical_clv"`
}

// Report computes the customer KPIs of period p.
func (o *Orders) Report(p Period) CustomerReport {
	lo, hi := p.bounds()
	rep := CustomerReport{Period: p}
	var aov, clv RatioMoments
	var buyersRepeat, returning int64
	in := func(t int64) bool { return t >= lo && t < hi }
	add := func(r orderRec) {
		if in(r.t) {
			if r.purchase() {
				rep.Orders++
				rep.Units = satAdd(rep.Units, r.soldUnits)
				rep.Revenue += r.sold
				rep.Discounts += r.discount
			}
			rep.ReturnedUnits = satAdd(rep.ReturnedUnits, r.retUnit)
			rep.Returned += r.returned
		}
	}
	for _, g := range o.guests {
		add(g)
		if in(g.t) && g.purchase() {
			rep.GuestOrders++
			aov.Add(g.sold, 1)
		}
	}
	for _, c := range slices.Sorted(maps.Keys(o.customers)) {
		var nIn, nBefore int64
		var value, net float64
		bought := false
		for _, r := range o.customers[c] {
			add(r)
			if r.t < hi {
				net += r.sold - r.returned
				bought = bought || r.purchase()
			}
			if !r.purchase() {
				continue
			}
			switch {
			case in(r.t):
				nIn++
				value += r.sold
			case r.t < lo:
				nBefore++
			}
		}
		if bought {
			clv.Add(net, 1)
		}
		if nIn == 0 {
			continue
		}
		rep.Customers++
		aov.Add(value, float64(nIn))
		if nIn >= 2 {
			buyersRepeat++
		}
		if nIn >= 2 || nBefore > 0 {
			returning++
		}
		if nBefore == 0 {
			rep.NewCustomers++
		}
	}
	rep.NetRevenue = rep.Revenue - rep.Returned
	rep.AOV = EstimateRatio(aov)
	rep.RepeatPurchase = NewRate(buyersRepeat, rep.Customers)
	rep.ReturningCustomer = NewRate(returning, rep.Customers)
	rep.ReturnRate = NewRate(rep.ReturnedUnits, rep.Units)
	rep.HistoricalCLV = EstimateRatio(clv)
	return rep
}

// Retention returns the share of customers with a purchase in base who purchase again in next,
// and churn, its complement. Both are undefined when nobody bought in base.
func (o *Orders) Retention(base, next Period) (retention, churn Rate) {
	blo, bhi := base.bounds()
	nlo, nhi := next.bounds()
	var active, kept int64
	for _, rs := range o.customers {
		var inBase, inNext bool
		for _, r := range rs {
			if r.purchase() {
				inBase = inBase || r.t >= blo && r.t < bhi
				inNext = inNext || r.t >= nlo && r.t < nhi
			}
		}
		if inBase {
			active++
			if inNext {
				kept++
			}
		}
	}
	retention = NewRate(kept, active)
	return retention, retention.Complement()
}

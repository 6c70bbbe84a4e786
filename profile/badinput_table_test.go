package profile

import (
	"errors"
	"testing"
	"time"
)

// TestBuilderBadInputTable is the standing table of awkward records for the Builder, each
// with its exact documented behaviour: an error (counted in Report.Invalid) or a documented
// result. Numeric extremes are in TestValidateBounds and TestExtremesStayFinite, Config
// fields in TestConfigValidate.
func TestBuilderBadInputTable(t *testing.T) {
	buy := func(id, cust string, d, q int, price float64) Order {
		return Order{ID: id, CustomerID: cust, Time: day0(d), Lines: []Line{{ItemID: "i", Category: "c", Quantity: q, UnitPrice: price}}}
	}
	type records struct {
		orders []Order
		events []Event
	}
	cases := []struct {
		name    string
		cfg     Config
		in      records
		wantErr error
		check   func(t *testing.T, b *Builder)
	}{
		{name: "zero order time", in: records{orders: []Order{{ID: "o", CustomerID: "c", Lines: []Line{{Quantity: 1}}}}}, wantErr: ErrMissing},
		{name: "zero event time", in: records{events: []Event{{CustomerID: "c", Type: View}}}, wantErr: ErrMissing},
		{name: "empty order ID", in: records{orders: []Order{buy("", "c", 1, 1, 1)}}, wantErr: ErrMissing},
		{name: "empty event person", in: records{events: []Event{{Time: day0(1), Type: View}}}, wantErr: ErrMissing},
		{name: "identity without type", in: records{events: []Event{{CustomerID: "c", Time: day0(1), Type: View, Identities: []Identity{{Value: "v"}}}}}, wantErr: ErrMissing},
		{name: "negative price", in: records{orders: []Order{buy("o", "c", 1, 1, -1)}}, wantErr: ErrNegative},
		{name: "zero quantity", in: records{orders: []Order{buy("o", "c", 1, 0, 1)}}, wantErr: ErrZeroQuantity},
		{name: "purchase event without quantity", in: records{events: []Event{{CustomerID: "c", Time: day0(1), Type: Purchase}}}, wantErr: ErrZeroQuantity},
		{
			name: "guest order: counted, no profile", in: records{orders: []Order{buy("o", "", 1, 1, 5)}},
			check: func(t *testing.T, b *Builder) {
				if r := b.Report(); r.GuestOrders != 1 || b.Profiles().Len() != 0 {
					t.Errorf("report %+v, %d profiles", r, b.Profiles().Len())
				}
			},
		},
		{
			name: "future records: counted, with examples, not profiled", cfg: Config{Now: day0(10)},
			in: records{orders: []Order{buy("late", "c", 11, 1, 5), buy("ok", "c", 10, 1, 5)}, events: []Event{{CustomerID: "c", Time: day0(12), Type: View}}},
			check: func(t *testing.T, b *Builder) {
				r := b.Report()
				p, _ := b.Profiles().Get("c")
				if r.Future != 2 || len(r.FutureExamples) != 2 || r.FutureExamples[0] != "order late at 2025-01-12T00:00:00Z" ||
					r.FutureExamples[1] != "event view of c at 2025-01-13T00:00:00Z" || p.Orders != 1 || p.RecencyDays != 0 {
					t.Errorf("report %+v, profile %+v", r, p)
				}
			},
		},
		{
			name: "no Now: the latest record is now", in: records{orders: []Order{buy("a", "c", 1, 1, 5), buy("b", "d", 31, 1, 5)}},
			check: func(t *testing.T, b *Builder) {
				c, _ := b.Profiles().Get("c")
				if c.RecencyDays != 30 || b.Report().Future != 0 {
					t.Errorf("recency %v, report %+v", c.RecencyDays, b.Report())
				}
			},
		},
		{
			name: "duplicate order: one order, lines counted twice (documented)", in: records{orders: []Order{buy("o", "c", 1, 2, 5), buy("o", "c", 1, 2, 5)}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Orders != 1 || p.Lines != 2 || p.Units != 4 || p.Revenue != 20 || p.AOV != 20 {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "return nets the item bought, never below zero", in: records{orders: []Order{buy("o", "c", 1, 2, 5), buy("r", "c", 2, -3, 5)}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				// Bought 10, returned 15: nets 10, the other 5 finds nothing to net against.
				if p.Revenue != 0 || p.ReturnedRevenue != 10 || p.ReturnRate != 1 || p.ReturnedUnits != 2 || p.Orders != 1 ||
					b.Profiles().Report().UnmatchedReturnValue != 5 {
					t.Errorf("%+v / %+v", p, b.Profiles().Report())
				}
			},
		},
		{
			name: "returns only: a prospect with no revenue", in: records{orders: []Order{buy("r", "c", 2, -1, 5)}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Orders != 0 || p.Revenue != 0 || p.ReturnRate != 0 || p.Stage != Prospect || p.RecencyDays != -1 || p.LastSeen != day0(2) {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "return event with a positive quantity is a return", cfg: Config{EventPurchases: true},
			in: records{events: []Event{{CustomerID: "c", Time: day0(1), Type: Purchase, ItemID: "i", Quantity: 2, Price: 5},
				{CustomerID: "c", Time: day0(2), Type: Return, ItemID: "i", Quantity: 1, Price: 5}}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Revenue != 5 || p.ReturnedUnits != 1 || p.Orders != 1 || p.Events[Return] != 1 {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "one order: zero gaps, new", in: records{orders: []Order{buy("o", "c", 1, 1, 5)}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Orders != 1 || p.RepeatIntervalMeanDays != 0 || p.RepeatIntervalMedianDays != 0 || p.Stage != New || p.TenureDays != 0 ||
					p.PriceBands["c"] != (PriceBand{Lines: 1, Min: 5, Q1: 5, Median: 5, Q3: 5, Max: 5}) {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "all identical orders at one instant", in: records{orders: []Order{buy("1", "c", 3, 1, 5), buy("2", "c", 3, 1, 5), buy("3", "c", 3, 1, 5)}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Orders != 3 || p.RepeatIntervalMeanDays != 0 || p.AOV != 5 || p.PriceBands["c"].Q3 != 5 {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "free items: all shares 0, not NaN", in: records{orders: []Order{{ID: "o", CustomerID: "c", Time: day0(1), Lines: []Line{{ItemID: "i", Brand: "b", Quantity: 1, UnitPrice: 0, ListPrice: 10}}}}},
			check: func(t *testing.T, b *Builder) {
				p, _ := b.Profiles().Get("c")
				if p.Revenue != 0 || p.AOV != 0 || p.ReturnRate != 0 || p.DiscountSpendShare != 0 || p.DiscountLineShare != 1 ||
					len(p.Brands) != 1 || p.Brands[0].Share != 0 || p.Brands[0].Affinity != 0 {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "list price below the price paid: no discount", in: records{orders: []Order{{ID: "o", CustomerID: "c", Time: day0(1), Lines: []Line{{Quantity: 1, UnitPrice: 10, ListPrice: 8}}}}},
			check: func(t *testing.T, b *Builder) {
				if p, _ := b.Profiles().Get("c"); p.DiscountLineShare != 0 {
					t.Errorf("%+v", p)
				}
			},
		},
		{
			name: "blocked and empty identity values stitch nothing", cfg: Config{Stitcher: newStitcher(t, StitchConfig{})},
			in: records{events: []Event{{CustomerID: "c", Time: day0(1), Type: View, Identities: []Identity{{IDEmailHash, ""}, {IDDevice, "null"}}},
				{CustomerID: "d", Time: day0(1), Type: View, Identities: []Identity{{IDEmailHash, ""}, {IDDevice, "null"}}}}},
			check: func(t *testing.T, b *Builder) {
				if ps := b.Profiles(); ps.Len() != 2 {
					t.Errorf("%d profiles, want c and d apart", ps.Len())
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBuilder(t, c.cfg)
			var err error
			for _, o := range c.in.orders {
				err = errors.Join(err, b.AddOrder(o))
			}
			for _, e := range c.in.events {
				err = errors.Join(err, b.AddEvent(e))
			}
			if c.wantErr != nil {
				var fe *FieldError
				if !errors.Is(err, c.wantErr) || !errors.As(err, &fe) || b.Report().Invalid != 1 || b.Profiles().Len() != 0 {
					t.Fatalf("err %v, report %+v; want %v, counted, nothing kept", err, b.Report(), c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, b)
		})
	}
}

// TestStitcherTimesClamped: Observe takes any time; those outside what UnixNano holds (the
// zero time included) are clamped, so they still sort first or last.
func TestStitcherTimesClamped(t *testing.T) {
	s := newStitcher(t, StitchConfig{})
	s.Observe(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), uid("u2"), anon("a"))
	s.Observe(time.Time{}, uid("u1"), anon("a"))
	// The zero-time observation is the earlier: a joins u1, and u2 is refused.
	if got := s.Canonical(anon("a")); got != "u1" {
		t.Errorf("Canonical(a) = %s, want u1", got)
	}
	audit := s.Audit("u1")
	if len(audit) != 2 || !audit[0].Time.Equal(minTime.UTC()) || !audit[1].Time.Equal(maxTime.UTC()) || audit[1].Action != "refused" {
		t.Errorf("audit %+v", audit)
	}
}

package metrics

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// TestBadInputTable is the package's table of bad inputs and the exact behaviour for each.
// (The events file reader has its own table in profile's TestReadEventsCSVBadInput, orders in
// TestOrdersEdgeCases, funnels in TestFunnelBadInput.)
func TestBadInputTable(t *testing.T) {
	base := func(mod func(e *profile.Event)) []profile.Event {
		e := profile.Event{CustomerID: "c", Time: at(10, 0, 0), Type: profile.Purchase, Quantity: 1, Price: 10, OrderID: "o", Channel: "web"}
		mod(&e)
		return []profile.Event{e}
	}
	cases := []struct {
		name   string
		events []profile.Event
		err    error             // the error Add returns, nil when accepted
		check  func(k KPIs) bool // the documented result when accepted
	}{
		{"NaN price", base(func(e *profile.Event) { e.Price = math.NaN() }), profile.ErrNotFinite, nil},
		{"infinite list price", base(func(e *profile.Event) { e.ListPrice = math.Inf(1) }), profile.ErrNotFinite, nil},
		{"negative price", base(func(e *profile.Event) { e.Price = -3 }), profile.ErrNegative, nil},
		{"purchase without quantity", base(func(e *profile.Event) { e.Quantity = 0 }), profile.ErrZeroQuantity, nil},
		{"zero time", base(func(e *profile.Event) { e.Time = time.Time{} }), profile.ErrMissing, nil},
		{"no person", base(func(e *profile.Event) { e.CustomerID = "" }), profile.ErrMissing, nil},
		{"amount above MaxAmount", base(func(e *profile.Event) { e.Price, e.Quantity = 1e308, 1<<30 }), ErrTooLarge, nil},
		{"list amount above MaxAmount", base(func(e *profile.Event) { e.ListPrice = 2e15 }), ErrTooLarge, nil},
		{"year 1000", base(func(e *profile.Event) { e.Time = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }), ErrTimeRange, nil},
		{"negative purchase quantity is a return", base(func(e *profile.Event) { e.Quantity = -2 }), nil, func(k KPIs) bool {
			return k.Orders == 0 && k.Revenue == 0 && k.Returned == 20 && k.SessionConversion.Defined() &&
				k.SessionConversion.Successes == 0 && !k.ReturnRate.Defined()
		}},
		{"future time accepted as is", base(func(e *profile.Event) { e.Time = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) }), nil, func(k KPIs) bool {
			return k.Sessions == 1 && k.Orders == 1
		}},
		{"duplicate purchase: one order, double revenue", append(base(func(*profile.Event) {}), base(func(*profile.Event) {})...), nil, func(k KPIs) bool {
			return k.Orders == 1 && k.Revenue == 20 && k.Units == 2
		}},
		{"unknown person IDs are just people", base(func(e *profile.Event) { e.CustomerID = "\x00weird id" }), nil, func(k KPIs) bool {
			return k.Visitors == 1
		}},
		{"zero variance: AOV SE is 0", append(base(func(*profile.Event) {}), base(func(e *profile.Event) { e.CustomerID, e.OrderID = "d", "p" })...), nil, func(k KPIs) bool {
			return k.AOV.Value == 10 && k.AOV.SE == 0
		}},
		{"quantity near 2^31", base(func(e *profile.Event) { e.Quantity = 1<<31 - 1 }), nil, func(k KPIs) bool {
			return k.Units == 1<<31-1 && k.Revenue == 10*float64(1<<31-1)
		}},
	}
	for _, c := range cases {
		a := newAcc(t, Config{})
		var err error
		for i := range c.events {
			if e := a.Add(&c.events[i]); e != nil {
				err = e
			}
		}
		if c.err != nil {
			if !errors.Is(err, c.err) || a.Invalid() != int64(len(c.events)) {
				t.Errorf("%s: err %v, invalid %d; want %v", c.name, err, a.Invalid(), c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: refused: %v", c.name, err)
			continue
		}
		if k := a.Report(Overall()).Total.KPIs; !c.check(k) {
			t.Errorf("%s: %+v", c.name, k)
		}
	}
	// Counts near 2^53 keep rates and intervals finite.
	r := NewRate(1<<53-1, 1<<53)
	if ci, ok := RateInterval(r, IntervalConfig{}); !ok || !(ci.Lower > 0.99 && ci.Upper <= 1) {
		t.Errorf("2^53 rate interval %+v %v", ci, ok)
	}
}

package profile

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day0(d int) time.Time { return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// handOrders is a small shop worked by hand in TestBuildHandWorked.
func handOrders() []Order {
	return []Order{
		{ID: "o1", CustomerID: "c1", Time: day0(0), Channel: "search", Device: "mobile", Lines: []Line{
			{ItemID: "shirt", Category: "apparel", Brand: "acme", Quantity: 2, UnitPrice: 20, ListPrice: 25},
			{ItemID: "milk", Category: "grocery", Brand: "farm", Quantity: 1, UnitPrice: 2},
		}},
		{ID: "o2", CustomerID: "c1", Time: day0(10), Channel: "email", Device: "mobile", Lines: []Line{
			{ItemID: "jeans", Category: "apparel", Brand: "acme", Quantity: 1, UnitPrice: 50, ListPrice: 50},
		}},
		{ID: "r1", CustomerID: "c1", Time: day0(12), ReturnOf: "o2", Lines: []Line{
			{ItemID: "jeans", Category: "apparel", Brand: "acme", Quantity: -1, UnitPrice: 50},
		}},
		{ID: "o3", CustomerID: "c1", Time: day0(30), Channel: "search", Device: "desktop", Lines: []Line{
			{ItemID: "shirt", Category: "apparel", Brand: "bolt", Quantity: 1, UnitPrice: 30, ListPrice: 30},
		}},
		// c2 returns something it never bought here: it reduces nothing.
		{ID: "r2", CustomerID: "c2", Time: day0(5), Lines: []Line{
			{ItemID: "hat", Category: "apparel", Quantity: -1, UnitPrice: 15},
		}},
		{ID: "o4", CustomerID: "c2", Time: day0(100), Lines: []Line{
			{ItemID: "milk", Category: "grocery", Brand: "farm", Quantity: 3, UnitPrice: 2},
		}},
		{ID: "g1", CustomerID: "", Time: day0(1), Lines: []Line{{ItemID: "milk", Quantity: 1, UnitPrice: 2}}},
	}
}

func TestBuildHandWorked(t *testing.T) {
	cfg := Config{Now: day0(120), Windows: map[string]time.Duration{"grocery": 21 * day}, BrandPrior: 10}
	ps, err := Build(context.Background(), slices.Values(handOrders()), nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Len() != 2 {
		t.Fatalf("profiles = %d, want 2", ps.Len())
	}
	rep := ps.Report()
	if rep.Orders != 7 || rep.GuestOrders != 1 || rep.UnmatchedReturnValue != 15 {
		t.Errorf("report = %+v, want 7 orders, 1 guest, unmatched 15", rep)
	}
	c1, _ := ps.Get("c1")
	// Gross: 2*20 + 2 + 50 + 30 = 122; the jeans return nets 50 -> revenue 72 over 3 orders.
	checks := []struct {
		name      string
		got, want float64
	}{
		{"Orders", float64(c1.Orders), 3},
		{"Lines", float64(c1.Lines), 4},
		{"Units", float64(c1.Units), 5},
		{"GrossRevenue", c1.GrossRevenue, 122},
		{"ReturnedRevenue", c1.ReturnedRevenue, 50},
		{"Revenue", c1.Revenue, 72},
		{"AOV", c1.AOV, 24},
		{"ReturnRate", c1.ReturnRate, 50.0 / 122},
		{"ReturnedUnits", float64(c1.ReturnedUnits), 1},
		{"RecencyDays", c1.RecencyDays, 90},
		{"TenureDays", c1.TenureDays, 120},
		// Only the shirts of o1 were bought at >= 10% off (20 vs 25 = 20%): 40 of 122, 1 of 4 lines.
		{"DiscountSpendShare", c1.DiscountSpendShare, 40.0 / 122},
		{"DiscountLineShare", c1.DiscountLineShare, 0.25},
		// Gaps 10 and 20 days.
		{"RepeatIntervalMeanDays", c1.RepeatIntervalMeanDays, 15},
		{"RepeatIntervalMedianDays", c1.RepeatIntervalMedianDays, 15},
		{"Categories", float64(c1.Categories), 2},
		{"CategoryShare", c1.CategoryShare, 1},
		// Main category apparel (120 of 122) has no window of its own: the default 90 days.
		{"WindowDays", c1.WindowDays, 90},
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-12) {
			t.Errorf("c1.%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if c1.Stage != Active { // recency 90 <= window 90, tenure 120 > 90
		t.Errorf("c1.Stage = %s, want active", c1.Stage)
	}
	// Apparel prices per line: 20, 50, 30 -> sorted 20, 30, 50; Q1 at h=0.5: 25; median 30;
	// Q3 at h=1.5: 40.
	if got, want := c1.PriceBands["apparel"], (PriceBand{Lines: 3, Min: 20, Q1: 25, Median: 30, Q3: 40, Max: 50}); got != want {
		t.Errorf("apparel band = %+v, want %+v", got, want)
	}
	// Brand spend, shop-wide: acme 90, farm 2+6 = 8, bolt 30 (total 128). c1: acme 90, bolt 30,
	// farm 2 (total 122), k = 10:
	//   acme (90 + 10*90/128)/132 = 0.735085..., bolt (30 + 10*30/128)/132, farm (2 + 10*8/128)/132.
	wantBrands := []BrandAffinity{
		{"acme", 90, 90.0 / 122, (90 + 10*90.0/128) / 132},
		{"bolt", 30, 30.0 / 122, (30 + 10*30.0/128) / 132},
		{"farm", 2, 2.0 / 122, (2 + 10*8.0/128) / 132},
	}
	if len(c1.Brands) != 3 {
		t.Fatalf("brands = %+v", c1.Brands)
	}
	for i, w := range wantBrands {
		g := c1.Brands[i]
		if g.Brand != w.Brand || !near(g.Spend, w.Spend, 1e-12) || !near(g.Share, w.Share, 1e-12) || !near(g.Affinity, w.Affinity, 1e-12) {
			t.Errorf("brand %d = %+v, want %+v", i, g, w)
		}
	}
	if c1.Channels["search"] != 2 || c1.Channels["email"] != 1 || c1.Devices["mobile"] != 2 || c1.Devices["desktop"] != 1 {
		t.Errorf("channels %v devices %v", c1.Channels, c1.Devices)
	}
	c2, _ := ps.Get("c2")
	// c2: one grocery order 20 days before Now; grocery window 21 days; first purchase is also
	// the last -> New. The unmatched return of 15 reduces nothing.
	if c2.Revenue != 6 || c2.Orders != 1 || c2.Stage != New || c2.WindowDays != 21 || c2.ReturnedRevenue != 0 {
		t.Errorf("c2 = %+v", c2)
	}
}

func TestLifecycleStages(t *testing.T) {
	// Window 10 days, churn factor 3: recency 5 (tenure 5) new, recency 5 (tenure 50) active,
	// recency 25 lapsed, recency 31 churned, events only -> prospect.
	now := day0(100)
	orders := []Order{
		{ID: "a", CustomerID: "new", Time: day0(95), Lines: []Line{{Quantity: 1, UnitPrice: 1}}},
		{ID: "b1", CustomerID: "active", Time: day0(50), Lines: []Line{{Quantity: 1, UnitPrice: 1}}},
		{ID: "b2", CustomerID: "active", Time: day0(95), Lines: []Line{{Quantity: 1, UnitPrice: 1}}},
		{ID: "c", CustomerID: "lapsed", Time: day0(75), Lines: []Line{{Quantity: 1, UnitPrice: 1}}},
		{ID: "d", CustomerID: "churned", Time: day0(69), Lines: []Line{{Quantity: 1, UnitPrice: 1}}},
	}
	events := []Event{{CustomerID: "prospect", Time: day0(99), Type: View}}
	ps, err := Build(context.Background(), slices.Values(orders), slices.Values(events), Config{Now: now, Window: 10 * day})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Stage{"new": New, "active": Active, "lapsed": Lapsed, "churned": Churned, "prospect": Prospect} {
		p, ok := ps.Get(id)
		if !ok || p.Stage != want {
			t.Errorf("%s: stage %q, want %q", id, p.Stage, want)
		}
	}
}

func TestBadInputs(t *testing.T) {
	now := day0(10)
	cases := []struct {
		name    string
		order   *Order
		event   *Event
		wantErr error // nil: accepted or counted
		check   func(Report) bool
	}{
		{"zero quantity", &Order{ID: "o", CustomerID: "c", Time: day0(1), Lines: []Line{{Quantity: 0, UnitPrice: 1}}}, nil, ErrZeroQuantity, nil},
		{"NaN price", &Order{ID: "o", CustomerID: "c", Time: day0(1), Lines: []Line{{Quantity: 1, UnitPrice: math.NaN()}}}, nil, ErrNotFinite, nil},
		{"zero time", &Order{ID: "o", CustomerID: "c", Lines: []Line{{Quantity: 1, UnitPrice: 1}}}, nil, ErrMissing, nil},
		{"no lines", &Order{ID: "o", CustomerID: "c", Time: day0(1)}, nil, ErrMissing, nil},
		{"event without person", nil, &Event{Time: day0(1), Type: View}, ErrMissing, nil},
		{"guest order counted", &Order{ID: "o", Time: day0(1), Lines: []Line{{Quantity: 1, UnitPrice: 1}}}, nil, nil,
			func(r Report) bool { return r.GuestOrders == 1 }},
		{"future order reported", &Order{ID: "late", CustomerID: "c", Time: day0(11), Lines: []Line{{Quantity: 1, UnitPrice: 1}}}, nil, nil,
			func(r Report) bool {
				return r.Future == 1 && r.FutureExamples[0] == "order late at 2025-01-12T00:00:00Z"
			}},
		{"future event reported", nil, &Event{CustomerID: "c", Time: day0(12), Type: View}, nil,
			func(r Report) bool { return r.Future == 1 }},
		{"unknown event type kept", nil, &Event{CustomerID: "c", Time: day0(1), Type: "wishlist"}, nil,
			func(r Report) bool { return r.Events == 1 && r.Invalid == 0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBuilder(t, Config{Now: now})
			var err error
			if c.order != nil {
				err = b.AddOrder(*c.order)
			} else {
				err = b.AddEvent(*c.event)
			}
			if c.wantErr != nil {
				var fe *FieldError
				if !errors.Is(err, c.wantErr) || !errors.As(err, &fe) || b.Report().Invalid != 1 {
					t.Fatalf("err = %v, want %v in a *FieldError, counted", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(b.Report()) {
				t.Errorf("report = %+v", b.Report())
			}
		})
	}
	// With SkipInvalid, Build counts and goes on; without, it stops with the error.
	bad := []Order{{ID: "x", CustomerID: "c", Time: day0(1), Lines: []Line{{Quantity: 0}}},
		{ID: "y", CustomerID: "c", Time: day0(1), Lines: []Line{{Quantity: 1, UnitPrice: 3}}}}
	if _, err := Build(context.Background(), slices.Values(bad), nil, Config{}); !errors.Is(err, ErrZeroQuantity) {
		t.Errorf("Build without SkipInvalid: %v", err)
	}
	ps, err := Build(context.Background(), slices.Values(bad), nil, Config{SkipInvalid: true})
	if err != nil || ps.Report().Invalid != 1 || ps.Len() != 1 {
		t.Errorf("Build with SkipInvalid: %v %+v", err, ps.Report())
	}
	// Empty input: no profiles, no error.
	ps, err = Build(context.Background(), nil, nil, Config{})
	if err != nil || ps.Len() != 0 {
		t.Errorf("empty build: %v, %d", err, ps.Len())
	}
	// Cancelled context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, slices.Values(bad[1:]), nil, Config{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: %v", err)
	}
}

// TestSnapshotDeterministic: the parallel snapshot gives exactly the serial one.
func TestSnapshotDeterministic(t *testing.T) {
	orders := syntheticOrders(rand.New(rand.NewPCG(9, 9)), 20000, 6000)
	b := newBuilder(t, Config{})
	for _, o := range orders {
		if err := b.AddOrder(o); err != nil {
			t.Fatal(err)
		}
	}
	par := slices.Collect(b.Profiles().All())
	prev := runtime.GOMAXPROCS(1)
	ser := slices.Collect(b.Profiles().All())
	runtime.GOMAXPROCS(prev)
	if len(par) < 4096 {
		t.Fatalf("only %d profiles: the parallel path is not exercised", len(par))
	}
	if diff := cmp.Diff(ser, par); diff != "" {
		t.Errorf("parallel snapshot differs (-serial +parallel):\n%s", diff)
	}
}

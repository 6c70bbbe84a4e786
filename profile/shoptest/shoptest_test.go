package shoptest

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tailorkit/tailor/profile"
)

// The fixtures' numbers in FixtureOrders' doc were worked out by hand; profile.Build must agree.
func TestFixtureOrdersHandWorked(t *testing.T) {
	ps, err := profile.Build(context.Background(), sliceSeq(FixtureOrders()), nil, profile.Config{Now: FixtureNow()})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		orders, units               int
		gross, revenue, recency, tn float64
		returnRate, discountShare   float64
		categories                  int
	}
	cases := map[string]want{
		"ann": {orders: 3, units: 4, gross: 92, revenue: 92, recency: 10, tn: 71, discountShare: 80.0 / 92, categories: 2},
		"ben": {orders: 1, units: 1, gross: 60, revenue: 0, recency: 167, tn: 167, returnRate: 1, categories: 1},
		"cy":  {orders: 1, units: 2, gross: 280, revenue: 280, recency: 30, tn: 30, categories: 1},
	}
	for id, w := range cases {
		p, ok := ps.Get(id)
		if !ok {
			t.Fatalf("%s: no profile", id)
		}
		got := want{p.Orders, p.Units, p.GrossRevenue, p.Revenue, p.RecencyDays, p.TenureDays, p.ReturnRate, p.DiscountSpendShare, p.Categories}
		if !cmp.Equal(got, w, cmp.AllowUnexported(want{}), cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })) {
			t.Errorf("%s: got %+v, want %+v", id, got, w)
		}
	}
	if p, _ := ps.Get("ann"); math.Abs(p.AOV-92.0/3) > 1e-9 {
		t.Errorf("ann AOV = %v, want 30.667", p.AOV)
	}
}

func TestFixtureEventsHandWorked(t *testing.T) {
	evs := FixtureEvents()
	if len(evs) != 9 {
		t.Fatalf("%d events, want 9", len(evs))
	}
	for i, e := range evs {
		if err := e.Validate(); err != nil {
			t.Errorf("event %d: %v", i, err)
		}
	}
	ps, err := profile.Build(context.Background(), sliceSeq(FixtureOrders()), sliceSeq(evs), profile.Config{Now: FixtureNow()})
	if err != nil {
		t.Fatal(err)
	}
	dee, ok := ps.Get("dee")
	if !ok {
		t.Fatal("dee has no profile")
	}
	if dee.Orders != 0 || dee.RecencyDays != -1 {
		t.Errorf("dee: %d orders, recency %v; want a prospect (0, -1)", dee.Orders, dee.RecencyDays)
	}
	if want := time.Date(2025, 6, 30, 10, 6, 0, 0, time.UTC); !dee.LastSeen.Equal(want) {
		t.Errorf("dee last seen %v, want %v", dee.LastSeen, want)
	}
}

func TestFixturesAreFreshCopies(t *testing.T) {
	a := FixtureOrders()
	a[0].Lines[0].Quantity = 99
	if FixtureOrders()[0].Lines[0].Quantity != 1 {
		t.Fatal("FixtureOrders shares its lines between calls")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Customers: -1}, {Items: 5}, {Days: -3}, {Days: MaxDays + 1}, {Lift: math.NaN()}, {Lift: -1}, {Customers: MaxCustomers + 1}} {
		if _, err := New(c); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%+v) = %v, want ErrConfig", c, err)
		}
	}
	if _, err := New(Config{}); err != nil {
		t.Fatal(err)
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := New(Config{Seed: 7, Customers: 60})
	b, _ := New(Config{Seed: 7, Customers: 60})
	c, _ := New(Config{Seed: 8, Customers: 60})
	ea, eb, ec := collect(a.Events()), collect(b.Events()), collect(c.Events())
	if len(ea) == 0 || !cmp.Equal(ea, eb) {
		t.Fatal("the same seed gave different events")
	}
	if cmp.Equal(ea, ec) {
		t.Fatal("different seeds gave the same events")
	}
	if !a.Now().Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Now = %v, want the fixed end of the default history", a.Now())
	}
}

// A churned customer visits no more after their last visit: no event of theirs (returns, which
// fall due days later, aside) is later than the day of that visit.
func TestChurnedCustomersStopVisiting(t *testing.T) {
	s, _ := New(Config{Customers: 400})
	last := map[string]time.Time{}
	for e := range s.Events() {
		if e.Type != profile.Return && e.CustomerID != "" && e.Time.After(last[e.CustomerID]) {
			last[e.CustomerID] = e.Time
		}
	}
	churned := 0
	for _, c := range s.Customers() {
		gone, lastVisit, ok := s.Churned(c.ID)
		if !ok {
			t.Fatalf("%s unknown", c.ID)
		}
		if !gone {
			continue
		}
		churned++
		if l := last[c.ID]; l.After(lastVisit.Add(24 * time.Hour)) {
			t.Errorf("%s churned at %v but acted at %v", c.ID, lastVisit, l)
		}
	}
	if churned == 0 || churned == len(s.Customers()) {
		t.Fatalf("%d of %d churned: the planted truth has no contrast", churned, len(s.Customers()))
	}
	if _, _, ok := s.Churned("nobody"); ok {
		t.Error("Churned of an unknown ID says ok")
	}
}

func TestTasteGroups(t *testing.T) {
	s, _ := New(Config{})
	for _, it := range s.Catalog() {
		g, ok := s.TasteGroup(it.ID)
		if !ok || g == "" || g[:len(it.Category)] != it.Category {
			t.Fatalf("TasteGroup(%s) = %q, %v; want a group inside %s", it.ID, g, ok, it.Category)
		}
	}
	if _, ok := s.TasteGroup("nope"); ok {
		t.Error("TasteGroup of an unknown item says ok")
	}
}

func sliceSeq[T any](xs []T) func(func(T) bool) {
	return func(yield func(T) bool) {
		for _, x := range xs {
			if !yield(x) {
				return
			}
		}
	}
}

func collect[T any](seq func(func(T) bool)) []T {
	var out []T
	seq(func(x T) bool { out = append(out, x); return true })
	return out
}

package profile_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// TestBuildOnShopsim checks sums that must survive the build exactly: gross revenue and
// units equal the positive lines of every customer order, the guest orders are counted, and
// the lifecycle follows the per-category windows the simulation plants.
func TestBuildOnShopsim(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 500, Days: 200})
	var gross float64
	units, orders, guests := 0, 0, 0
	for o := range shop.Orders() {
		orders++
		if o.CustomerID == "" {
			guests++
			continue
		}
		for _, l := range o.Lines {
			if l.Quantity > 0 {
				gross += l.Amount()
				units += l.Quantity
			}
		}
	}
	windows := map[string]time.Duration{}
	for cat, d := range shopsim.CycleDays() {
		windows[cat] = time.Duration(2*d*24) * time.Hour
	}
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := profile.Build(context.Background(), shop.Orders(), shop.Events(),
		profile.Config{Now: shop.End(), Windows: windows, Stitcher: st})
	if err != nil {
		t.Fatal(err)
	}
	var gotGross float64
	gotUnits := 0
	stages := map[profile.Stage]int{}
	for p := range ps.All() {
		gotGross += p.GrossRevenue
		gotUnits += p.Units
		stages[p.Stage]++
		if p.Revenue < 0 || p.Revenue > p.GrossRevenue || math.IsNaN(p.AOV) || p.ReturnRate < 0 || p.ReturnRate > 1 {
			t.Fatalf("implausible profile %+v", p)
		}
	}
	if math.Abs(gotGross-gross) > 1e-6*gross || gotUnits != units {
		t.Errorf("gross %.2f units %d, orders say %.2f and %d", gotGross, gotUnits, gross, units)
	}
	rep := ps.Report()
	if rep.Orders != orders || rep.GuestOrders != guests || rep.Future != 0 || rep.Invalid != 0 {
		t.Errorf("report %+v; %d orders, %d guests", rep, orders, guests)
	}
	if stages[profile.Active]+stages[profile.New] == 0 || stages[profile.Churned]+stages[profile.Lapsed] == 0 {
		t.Errorf("lifecycle stages %v: the simulation plants both active and lapsed customers", stages)
	}
}

// BenchmarkBuild measures the profile builder on the synthetic shop's orders, in order lines
// per second (the design target is millions per second).
func BenchmarkBuild(b *testing.B) {
	shop := shopsim.New(shopsim.Config{Customers: 20000, Days: 365})
	profile.BenchBuild(b, slices.Collect(shop.Orders()), shop.End())
}

// BenchmarkAddOrder measures the accumulation alone (no snapshot), per order line.
func BenchmarkAddOrder(b *testing.B) {
	shop := shopsim.New(shopsim.Config{Customers: 20000, Days: 365})
	orders := slices.Collect(shop.Orders())
	lines := 0
	for _, o := range orders {
		lines += len(o.Lines)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		bl, err := profile.NewBuilder(profile.Config{Now: shop.End()})
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range orders {
			if err := bl.AddOrder(o); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(lines*n)/time.Since(start).Seconds(), "lines/s")
}

// TestEventPurchasesMatchOrders: the synthetic shop's purchase and return events, counted as
// lines with Config.EventPurchases, give the same customers' orders, units and revenue as its
// orders (the two streams describe the same purchases).
func TestEventPurchasesMatchOrders(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 300, Days: 120})
	ctx := context.Background()
	byOrders, err := profile.Build(ctx, shop.Orders(), nil, profile.Config{Now: shop.End()})
	if err != nil {
		t.Fatal(err)
	}
	byEvents, err := profile.Build(ctx, nil, shop.Events(), profile.Config{Now: shop.End(), EventPurchases: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for p := range byOrders.All() {
		q, ok := byEvents.Get(p.CustomerID)
		if !ok || q.Orders != p.Orders || q.Units != p.Units || q.ReturnedUnits != p.ReturnedUnits ||
			math.Abs(q.GrossRevenue-p.GrossRevenue) > 1e-6 || math.Abs(q.Revenue-p.Revenue) > 1e-6 {
			t.Fatalf("orders give %+v\nevents give %+v", p, q)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no profiles")
	}
}

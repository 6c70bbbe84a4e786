package metrics

import (
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// testShopEvents are the events of profile/shoptest's public shop.
func testShopEvents(t testing.TB, customers, days int) []profile.Event {
	t.Helper()
	s, err := shoptest.New(shoptest.Config{Customers: customers, Days: days})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Collect(s.Events())
}

// feedAll adds every event, keeping going past refused ones.
func feedAll(t testing.TB, cfg Config, events []profile.Event) *Accumulator {
	a := newAcc(t, cfg)
	for i := range events {
		_ = a.Add(&events[i])
	}
	return a
}

// checkSameAccumulator compares everything an accumulator reports.
func checkSameAccumulator(t *testing.T, name string, got, want *Accumulator) {
	t.Helper()
	if !sessionsEqual(slices.Collect(got.Sessions()), slices.Collect(want.Sessions())) {
		t.Errorf("%s: sessions differ", name)
	}
	for _, dim := range []Dimension{ByChannel(), ByDevice(), ByRegion(), Overall()} {
		if d := cmp.Diff(want.Report(dim), got.Report(dim), reportCmp...); d != "" {
			t.Errorf("%s, %s: report differs (-rebuilt +forgotten):\n%s", name, dim.Name, d)
		}
	}
	if d := cmp.Diff(want.SessionStats(), got.SessionStats(), reportCmp...); d != "" {
		t.Errorf("%s: session stats differ:\n%s", name, d)
	}
	if got.Events() != want.Events() || got.Invalid() != want.Invalid() || !maps.Equal(got.Unknown(), want.Unknown()) {
		t.Errorf("%s: counts %d/%d/%v, rebuilt %d/%d/%v", name, got.Events(), got.Invalid(), got.Unknown(),
			want.Events(), want.Invalid(), want.Unknown())
	}
}

// TestForgetEqualsRebuild: on the test shop (plus refused and unknown-type events of the
// forgotten people), forgetting people, in one pass or after merging shards fed out of time
// order, gives exactly the accumulator fed without their events, for every session config.
func TestForgetEqualsRebuild(t *testing.T) {
	events := testShopEvents(t, 120, 60)
	rng := rand.New(rand.NewPCG(3, 4))
	var people []string
	seen := map[string]bool{}
	for _, e := range events {
		if p := e.Person(); !seen[p] {
			seen[p] = true
			people = append(people, p)
		}
	}
	slices.Sort(people)
	gone := map[string]bool{}
	for len(gone) < 10 {
		gone[people[rng.IntN(len(people))]] = true
	}
	for p := range gone {
		events = append(events,
			profile.Event{CustomerID: p, Time: events[0].Time, Type: profile.View, Price: math.NaN()},
			profile.Event{CustomerID: p, Time: events[0].Time, Type: "wishlist"})
	}
	var kept []profile.Event
	for _, e := range events {
		if !gone[e.Person()] {
			kept = append(kept, e)
		}
	}
	forget := append(slices.Sorted(maps.Keys(gone)), "nobody")
	for ci, cfg := range []Config{{}, {Session: SessionConfig{SplitAtMidnight: true}}, {Session: SessionConfig{TrackerIDs: true}}} {
		want := feedAll(t, cfg, kept)
		one := feedAll(t, cfg, events)
		reps := one.ForgetAll(forget...)
		checkSameAccumulator(t, "one pass", one, want)
		if len(reps) != len(forget) {
			t.Fatalf("%d reports for %d people", len(reps), len(forget))
		}
		for i, r := range reps {
			if r.Person != forget[i] {
				t.Errorf("report %d is for %q, want %q", i, r.Person, forget[i])
			}
			if gone[r.Person] && (!r.Found || r.Removed["sessions"] < 1 || r.Removed["events"] < 1 || r.Removed["invalid_events"] != 1) {
				t.Errorf("config %d: report %+v", ci, r)
			}
		}
		if r := reps[len(reps)-1]; r.Found || len(r.Removed) != 0 {
			t.Errorf("unknown person: %+v, want found false and nothing listed", r)
		}
		// Shards, one fed newest first, merged, then forgotten.
		shards := make([][]profile.Event, 3)
		for _, e := range events {
			i := rng.IntN(3)
			shards[i] = append(shards[i], e)
		}
		slices.Reverse(shards[1])
		merged := feedAll(t, cfg, shards[0])
		for _, sh := range shards[1:] {
			if err := merged.Merge(feedAll(t, cfg, sh)); err != nil {
				t.Fatal(err)
			}
		}
		merged.ForgetAll(forget...)
		// Late counts are per shard by definition: compare against the same shards rebuilt.
		wantMerged := feedAll(t, cfg, keep(shards[0], gone))
		for _, sh := range shards[1:] {
			if err := wantMerged.Merge(feedAll(t, cfg, keep(sh, gone))); err != nil {
				t.Fatal(err)
			}
		}
		checkSameAccumulator(t, "merged", merged, wantMerged)
		if merged.SessionStats().Late != wantMerged.SessionStats().Late {
			t.Errorf("late %d, rebuilt %d", merged.SessionStats().Late, wantMerged.SessionStats().Late)
		}
	}
}

func keep(events []profile.Event, gone map[string]bool) []profile.Event {
	var out []profile.Event
	for _, e := range events {
		if !gone[e.Person()] {
			out = append(out, e)
		}
	}
	return out
}

// TestForgetReportShape: the one ForgetReport JSON, with the stitched person as the key.
func TestForgetReportShape(t *testing.T) {
	a := feedAll(t, Config{}, handEvents())
	r := a.Forget("nobody")
	if b, _ := json.Marshal(r); string(b) != `{"person":"nobody","found":false}` {
		t.Errorf("unknown person: %s", b)
	}
	people := map[string]bool{}
	for s := range a.Sessions() {
		people[s.Person] = true
	}
	who := slices.Sorted(maps.Keys(people))[0]
	var sessions, events int
	for s := range a.Sessions() {
		if s.Person == who {
			sessions++
			events += s.Events
		}
	}
	r = a.Forget(who)
	want := ForgetReport{Person: who, Found: true, Removed: map[string]int{"sessions": sessions, "events": events}}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("report differs:\n%s", d)
	}
	for s := range a.Sessions() {
		if s.Person == who {
			t.Fatalf("session of %s left: %+v", who, s)
		}
	}
	if again := a.Forget(who); again.Found {
		t.Errorf("second Forget found %+v", again)
	}
}

// TestFunnelAndOrdersForgetEqualRebuild: the same property for Funnel and Orders on the test
// shop's events and orders.
func TestFunnelAndOrdersForgetEqualRebuild(t *testing.T) {
	s, err := shoptest.New(shoptest.Config{Customers: 150, Days: 120})
	if err != nil {
		t.Fatal(err)
	}
	events, orders := slices.Collect(s.Events()), slices.Collect(s.Orders())
	gone := map[string]bool{}
	for _, o := range orders[:40] {
		if o.CustomerID != "" {
			gone[o.CustomerID] = true
		}
	}
	for c := range gone {
		orders = append(orders, profile.Order{ID: "bad-" + c, CustomerID: c, Time: orders[0].Time}) // no lines: refused
	}
	forget := append(slices.Sorted(maps.Keys(gone)), "nobody")

	for _, order := range []FunnelOrder{Loose, Strict} {
		cfg := FunnelConfig{Steps: []profile.EventType{profile.View, profile.AddToCart, profile.Checkout, profile.Purchase}, Order: order}
		all, _ := NewFunnel(cfg)
		want, _ := NewFunnel(cfg)
		for i := range events {
			_ = all.Add(&events[i])
			if !gone[events[i].Person()] {
				_ = want.Add(&events[i])
			}
		}
		reps := all.ForgetAll(forget...)
		if d := cmp.Diff(want.Result(), all.Result()); d != "" {
			t.Errorf("funnel %v: result differs after Forget:\n%s", order, d)
		}
		if reps[0].Person != forget[0] || !reps[0].Found || reps[len(reps)-1].Found {
			t.Errorf("funnel reports %+v", reps)
		}
	}

	all, want := NewOrders(OrdersConfig{}), NewOrders(OrdersConfig{})
	for i := range orders {
		_ = all.Add(&orders[i])
		if !gone[orders[i].CustomerID] {
			_ = want.Add(&orders[i])
		}
	}
	reps := all.ForgetAll(forget...)
	for _, r := range reps[:len(reps)-1] {
		if !r.Found || r.Removed["orders"] < 1 || r.Removed["invalid_orders"] != 1 {
			t.Errorf("orders report %+v", r)
		}
	}
	if r := reps[len(reps)-1]; r.Found || len(r.Removed) != 0 {
		t.Errorf("unknown customer: %+v", r)
	}
	if all.Invalid() != want.Invalid() {
		t.Errorf("invalid %d, rebuilt %d", all.Invalid(), want.Invalid())
	}
	start := s.Start()
	for m := range 4 {
		p := Period{From: start.AddDate(0, m, 0), To: start.AddDate(0, m+1, 0)}
		if d := cmp.Diff(want.Report(p), all.Report(p), reportCmp...); d != "" {
			t.Errorf("month %d: report differs after Forget:\n%s", m, d)
		}
		next := Period{From: p.To, To: p.To.AddDate(0, 1, 0)}
		r1, c1 := all.Retention(p, next)
		r2, c2 := want.Retention(p, next)
		if r1 != r2 || c1 != c2 {
			t.Errorf("month %d: retention %v/%v, rebuilt %v/%v", m, r1, c1, r2, c2)
		}
	}
}

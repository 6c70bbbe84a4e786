package metrics

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

func shopEvents(t testing.TB, customers, days int) []profile.Event {
	t.Helper()
	s := shopsim.New(shopsim.Config{Customers: customers, Days: days})
	return slices.Collect(s.Events())
}

var reportCmp = []cmp.Option{cmpopts.EquateApprox(1e-12, 1e-9)}

// TestMergeEqualsOnePass: events dealt at random to three shards, one of them fed in reverse
// time order, then merged, give the same sessions and reports as one pass in order, for every
// session configuration.
func TestMergeEqualsOnePass(t *testing.T) {
	events := shopEvents(t, 150, 60)
	cfgs := []Config{
		{},
		{Session: SessionConfig{SplitAtMidnight: true}},
		{Session: SessionConfig{TrackerIDs: true}},
		{Session: SessionConfig{Gap: 2 * 60 * 1e9}},
	}
	for ci, cfg := range cfgs {
		one := accumulate(t, cfg, events)
		rng := rand.New(rand.NewPCG(uint64(ci), 9))
		shards := make([][]profile.Event, 3)
		for _, e := range events {
			i := rng.IntN(3)
			shards[i] = append(shards[i], e)
		}
		slices.Reverse(shards[1])
		merged := accumulate(t, cfg, shards[0])
		for _, sh := range shards[1:] {
			merged.Merge(accumulate(t, cfg, sh))
		}
		if !sessionsEqual(slices.Collect(merged.Sessions()), slices.Collect(one.Sessions())) {
			t.Fatalf("config %d: merged sessions differ", ci)
		}
		for _, dim := range []Dimension{ByChannel(), ByDevice(), ByRegion(), Overall()} {
			want, got := one.Report(dim), merged.Report(dim)
			if d := cmp.Diff(want, got, reportCmp...); d != "" {
				t.Fatalf("config %d, %s: merged report differs (-one +merged):\n%s", ci, dim.Name, d)
			}
		}
		if merged.Events() != one.Events() || !cmp.Equal(merged.Unknown(), one.Unknown()) {
			t.Fatalf("config %d: counts differ", ci)
		}
	}
}

// TestReportTotalsAddUp: the rows of a report partition the sessions, so counts add up to the
// total and the total does not depend on the dimension.
func TestReportTotalsAddUp(t *testing.T) {
	a := newAcc(t, Config{})
	if err := a.AddAll(context.Background(), slices.Values(shopEvents(t, 200, 90))); err != nil {
		t.Fatal(err)
	}
	base := a.Report(Overall()).Total
	for _, dim := range []Dimension{ByChannel(), ByDevice(), ByRegion(), BySegment(func(p string) string { return p[:1] })} {
		r := a.Report(dim)
		var sessions, orders, units int64
		var revenue float64
		for _, row := range r.Rows {
			sessions += row.Sessions
			orders += row.Orders
			units += row.Units
			revenue += row.Revenue
		}
		if sessions != base.Sessions || orders != base.Orders || units != base.Units || !close(revenue, base.Revenue, 1e-9) {
			t.Errorf("%s: rows sum to %d sessions %d orders %d units %.2f revenue; total %+v", dim.Name, sessions, orders, units, revenue, base.KPIs)
		}
		if d := cmp.Diff(base, r.Total, reportCmp...); d != "" {
			t.Errorf("%s: total differs from the overall report:\n%s", dim.Name, d)
		}
	}
	if base.Sessions == 0 || base.Orders == 0 || !base.AOV.Valid {
		t.Fatalf("degenerate shop: %+v", base.KPIs)
	}
}

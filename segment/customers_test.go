package segment

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// Profiles built by package profile and the Activity here agree on orders, revenue and the
// lifecycle stage (the same rules and windows), so FromProfile and Activity.Customers give
// rules the same attributes.
func TestFromProfileAgreesWithActivity(t *testing.T) {
	orders := genOrders(t)
	now := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	pcfg := profile.Config{Now: now, Window: 60 * 24 * time.Hour, ChurnFactor: 4}
	profs, err := profile.Build(context.Background(), slices.Values(orders), nil, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	act := activityAt(t, now, orders)
	lc := LifecycleFromProfile(pcfg)
	stages := must(act.Lifecycle(lc))
	fromAct := must(act.Customers(lc))
	fromProf := FromProfiles(profs.All())
	if len(fromProf) != len(fromAct) || len(stages) != len(fromAct) {
		t.Fatalf("%d profiles, %d activity customers", len(fromProf), len(fromAct))
	}
	for i := range fromProf {
		p, a := &fromProf[i], &fromAct[i]
		if p.ID != a.ID {
			t.Fatalf("customer %d: %s vs %s", i, p.ID, a.ID)
		}
		po, _ := p.Number(AttrOrders)
		ao, _ := a.Number(AttrOrders)
		pr, _ := p.Number(AttrRevenue)
		ar, _ := a.Number(AttrRevenue)
		pl, _ := p.String(AttrLifecycle)
		al, _ := a.String(AttrLifecycle)
		if po != ao || math.Abs(pr-ar) > 1e-6 || pl != al {
			t.Errorf("%s: profile orders %v revenue %v stage %s; activity %v %v %s", p.ID, po, pr, pl, ao, ar, al)
		}
		// Recency and tenure: fractional days in both, to the last bit (before: whole calendar
		// days in the Activity, up to a day apart).
		prd, _ := p.Number(AttrRecencyDays)
		ard, _ := a.Number(AttrRecencyDays)
		ptd, _ := p.Number(AttrTenureDays)
		atd, _ := a.Number(AttrTenureDays)
		if prd != ard || ptd != atd {
			t.Errorf("%s: recency %v vs %v days", p.ID, prd, ard)
		}
	}
	rv := RFMFromProfiles(profs.All())
	if len(rv) != len(fromAct) || rv[0].ID != fromAct[0].ID || rv[0].Frequency != mustNumber(&fromAct[0], AttrOrders) {
		t.Errorf("RFMFromProfiles: %d values, first %+v", len(rv), rv[0])
	}
	// A rule segment and an RFM segmenter over the profile customers.
	m, err := FitRFM(rv, RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	seg := FirstMatch{Rule{Name: "lapsed", When: String(AttrLifecycle).Eq("lapsed")}, m}
	counts := map[string]int{}
	for i := range fromProf {
		name, ok := seg.Assign(&fromProf[i])
		if !ok {
			t.Fatalf("%s: no segment", fromProf[i].ID)
		}
		counts[name]++
	}
	if counts["lapsed"] != StageCounts(stages)[profile.Lapsed] {
		t.Errorf("lapsed %d vs %d", counts["lapsed"], StageCounts(stages)[profile.Lapsed])
	}
}

func mustNumber(c *Customer, name string) float64 { v, _ := c.Number(name); return v }

func TestFromProfileProspect(t *testing.T) {
	c := FromProfile(&profile.Profile{CustomerID: "p", RecencyDays: -1, TenureDays: -1, Stage: profile.Prospect})
	if _, ok := c.Number(AttrRecencyDays); ok {
		t.Error("prospect has a recency")
	}
	if lc, _ := c.String(AttrLifecycle); lc != "prospect" {
		t.Errorf("lifecycle %q", lc)
	}
	var m RFM
	if _, ok := m.Assign(&c); ok {
		t.Error("RFM assigned a prospect")
	}
}

// The lifecycle stage and window agree with profile's under per-category windows, including
// customers whose lines only partly name a category: profile lets the uncategorised spend
// compete as the category "" for the main category, and so does Activity. (Before this was
// matched, a customer with 100 uncategorised and 30 in "grocery" got profile's default window
// but grocery's here.)
func TestLifecycleWindowsAgreeWithProfile(t *testing.T) {
	shop := shopsim.New(shopsim.Config{Customers: 400, Days: 200})
	var orders []profile.Order
	n := 0
	for o := range shop.Orders() {
		o.Lines = slices.Clone(o.Lines)
		for i := range o.Lines {
			if n++; n%3 == 0 {
				o.Lines[i].Category = "" // every third line names no category
			}
		}
		orders = append(orders, o)
	}
	// The hand case: 100 uncategorised beats 30 of grocery, so the default window applies.
	orders = append(orders, order("hand-1", "hand", "2025-03-01T00:00:00Z", buy(1, 100),
		profile.Line{Quantity: 1, UnitPrice: 30, Category: "grocery"}))
	windows := map[string]time.Duration{}
	for cat, days := range shopsim.CycleDays() {
		windows[cat] = time.Duration(2*days*24) * time.Hour
	}
	windows["grocery"] = 21 * 24 * time.Hour
	pcfg := profile.Config{Now: time.Date(2025, 7, 25, 0, 0, 0, 0, time.UTC), Windows: windows}
	profs, err := profile.Build(context.Background(), slices.Values(orders), nil, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]profile.Profile{}
	for p := range profs.All() {
		want[p.CustomerID] = p
	}
	stages := must(activityAt(t, pcfg.Now, orders).Lifecycle(LifecycleFromProfile(pcfg)))
	if len(stages) != len(want) {
		t.Fatalf("%d stages, %d profiles", len(stages), len(want))
	}
	mixed := 0
	for _, s := range stages {
		p := want[s.ID]
		if s.Stage != p.Stage || math.Abs(s.WindowDays-p.WindowDays) > 1e-9 {
			t.Errorf("%s: stage %s window %v; profile %s window %v", s.ID, s.Stage, s.WindowDays, p.Stage, p.WindowDays)
		}
		if s.WindowDays == 90 {
			mixed++
		}
	}
	if h := want["hand"]; h.WindowDays != 90 {
		t.Errorf("hand case: profile window %v, want the default 90", h.WindowDays)
	}
	if mixed < 2 {
		t.Errorf("only %d customers with the default window: the test does not exercise uncategorised lines", mixed)
	}
}

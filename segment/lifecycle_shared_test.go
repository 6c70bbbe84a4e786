package segment

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// testShop is the public seeded test shop, its profiles and its Activity, built once.
func testShop(t *testing.T, pcfg profile.Config) (*shoptest.Shop, *profile.Profiles, *Activity) {
	t.Helper()
	shop, err := shoptest.New(shoptest.Config{Seed: 7, Customers: 800})
	if err != nil {
		t.Fatal(err)
	}
	if pcfg.Now.IsZero() {
		pcfg.Now = shop.Now()
	}
	ps, err := profile.Build(context.Background(), shop.Orders(), nil, pcfg)
	if err != nil {
		t.Fatal(err)
	}
	a, err := CollectActivity(context.Background(), shop.Orders(), CollectConfig{Now: pcfg.Now})
	if err != nil {
		t.Fatal(err)
	}
	return shop, ps, a
}

// Lifecycle stages have one home (profile.Lifecycle): an Activity and a profile build of the
// same shop, with the same windows, give every customer the same stage, window, recency and
// tenure. The per-category windows make the main-category rule matter.
func TestLifecycleAgreesWithProfile(t *testing.T) {
	windows := map[string]time.Duration{}
	for i, c := range shoptest.Categories() {
		windows[c] = time.Duration(10+15*i) * 24 * time.Hour
	}
	pcfg := profile.Config{Window: 45 * 24 * time.Hour, Windows: windows, ChurnFactor: 2.5}
	shop, ps, a := testShop(t, pcfg)
	pcfg.Now = shop.Now()
	stages := must(a.Lifecycle(LifecycleFromProfile(pcfg)))
	if len(stages) < 100 {
		t.Fatalf("only %d customers with orders", len(stages))
	}
	counts := map[profile.Stage]int{}
	for _, s := range stages {
		p, ok := ps.Get(s.ID)
		if !ok {
			t.Fatalf("customer %s has no profile", s.ID)
		}
		if s.Stage != p.Stage || s.WindowDays != p.WindowDays || s.RecencyDays != p.RecencyDays || s.TenureDays != p.TenureDays {
			t.Errorf("%s: segment %s (r %v, t %v, w %v), profile %s (r %v, t %v, w %v)", s.ID,
				s.Stage, s.RecencyDays, s.TenureDays, s.WindowDays, p.Stage, p.RecencyDays, p.TenureDays, p.WindowDays)
		}
		counts[s.Stage]++
	}
	// Not vacuous: the shop has customers in every purchasing stage and several windows apply.
	for _, st := range []profile.Stage{profile.New, profile.Active, profile.Lapsed, profile.Churned} {
		if counts[st] == 0 {
			t.Errorf("no %s customer in the shop: %v", st, counts)
		}
	}
	ws := map[float64]bool{}
	for _, s := range stages {
		ws[s.WindowDays] = true
	}
	if len(ws) < 3 {
		t.Errorf("only %d distinct windows applied", len(ws))
	}
}

// RFM from an Activity and from profiles of the same shop give every customer the same
// values and the same segment: one reference time (orders after Now left out) and fractional
// days in both. Before: whole days in Activity.RFM put 510 customers in Potential Loyalist
// against 511 from profiles.
func TestRFMFromActivityEqualsFromProfiles(t *testing.T) {
	for _, now := range []time.Time{{}, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)} {
		_, ps, a := testShop(t, profile.Config{Now: now})
		fromAct := must(a.RFM(RFMValuesConfig{}))
		fromProf := RFMFromProfiles(ps.All())
		if len(fromAct) != len(fromProf) || len(fromAct) < 100 {
			t.Fatalf("Now %s: %d customers from the Activity, %d from profiles", now, len(fromAct), len(fromProf))
		}
		// The zero now is the shop's own Now (after every order); 2025-09-01 leaves orders out.
		if !now.IsZero() && a.Future == 0 || ps.Report().Future != a.Future {
			t.Errorf("orders after Now: %d left out by the Activity, %d by profile (want equal and > 0)", a.Future, ps.Report().Future)
		}
		ma, err := FitRFM(fromAct, RFMConfig{})
		if err != nil {
			t.Fatal(err)
		}
		mp, err := FitRFM(fromProf, RFMConfig{})
		if err != nil {
			t.Fatal(err)
		}
		sa, sp := ma.ScoreAll(fromAct), mp.ScoreAll(fromProf)
		counts := map[string]int{}
		for i := range sa {
			x, y := sa[i], sp[i]
			if x.ID != y.ID || x.Recency != y.Recency || x.Frequency != y.Frequency || math.Abs(x.Monetary-y.Monetary) > 1e-9*math.Max(1, y.Monetary) || x.Segment != y.Segment {
				t.Errorf("%s: activity %+v, profiles %+v", x.ID, x, y)
			}
			if x.Recency < 0 {
				t.Errorf("%s: negative recency %v", x.ID, x.Recency)
			}
			counts[x.Segment]++
		}
		if len(counts) < 4 {
			t.Errorf("only %d segments: %v", len(counts), counts)
		}
	}
}

// Shards of one analysis share its reference time: merging Activities with different Nows is
// an error, and a Now outside the years 1 to 9999 is refused.
func TestActivityReferenceTime(t *testing.T) {
	x := activityAt(t, day("2025-01-01T00:00:00Z"), nil)
	y := activityAt(t, day("2025-02-01T00:00:00Z"), nil)
	if err := x.Merge(y); !errors.Is(err, ErrBadConfig) || !strings.HasPrefix(err.Error(), "segment: ") {
		t.Errorf("merge of different reference times: %v", err)
	}
	z := activityAt(t, day("2025-01-01T00:00:00Z"), []profile.Order{
		order1("o", "c", day("2025-01-02T00:00:00Z"), 1, 10), order1("p", "c", day("2024-12-31T00:00:00Z"), 1, 10)})
	if err := x.Merge(z); err != nil || x.Future != 1 || x.Len() != 1 {
		t.Errorf("merge: %v, %d future, %d customers; want 1 future, 1 customer", err, x.Future, x.Len())
	}
	if _, err := NewActivity(ActivityConfig{Now: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("Now in the year 10000: %v", err)
	}
	if _, err := CollectActivity(context.Background(), nil, CollectConfig{Now: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, ErrBadConfig) {
		t.Errorf("CollectConfig.Now in the year 0: %v", err)
	}
	var zero Activity
	if !zero.Now().IsZero() {
		t.Errorf("empty Activity: Now %s", zero.Now())
	}
}

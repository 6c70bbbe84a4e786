package metrics

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/tailorkit/tailor/profile"
)

var day0 = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

func at(h, m, s int) time.Time {
	return day0.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// handEvents is the hand-worked scenario of TestReportHandWorked.
func handEvents() []profile.Event {
	ev := func(who string, t time.Time, typ profile.EventType, item string, qty int, price, list float64, ch, order string) profile.Event {
		e := profile.Event{Time: t, Type: typ, ItemID: item, Quantity: qty, Price: price, ListPrice: list, Channel: ch, OrderID: order, Device: "desktop"}
		if who[0] == 'x' {
			e.AnonymousID = who
		} else {
			e.CustomerID = who
		}
		return e
	}
	return []profile.Event{
		// a, session a1 (search): 10:00:00-10:07:00
		ev("a", at(10, 0, 0), profile.View, "i1", 0, 0, 0, "search", ""),
		ev("a", at(10, 0, 5), profile.View, "i2", 0, 0, 0, "", ""),
		ev("a", at(10, 5, 0), profile.AddToCart, "i2", 1, 0, 0, "", ""),
		ev("a", at(10, 6, 0), profile.Checkout, "", 0, 0, 0, "", ""),
		ev("a", at(10, 7, 0), profile.Purchase, "i2", 2, 15, 20, "", "o1"),
		// a, session a2 (email): 53 minutes later, a single view
		ev("a", at(11, 0, 0), profile.View, "i3", 0, 0, 0, "email", ""),
		// anonymous x1, session b1 (social): 8 seconds, one page view, an abandoned cart
		ev("x1", at(9, 0, 0), profile.Impression, "i1", 0, 0, 0, "social", ""),
		ev("x1", at(9, 0, 2), profile.Click, "i1", 0, 0, 0, "social", ""),
		ev("x1", at(9, 0, 3), profile.View, "i1", 0, 0, 0, "social", ""),
		ev("x1", at(9, 0, 8), profile.AddToCart, "i1", 1, 0, 0, "social", ""),
		// x1, session b2 (social): an unknown event type 49m52s later
		ev("x1", at(9, 50, 0), "wishlist", "i1", 0, 0, 0, "social", ""),
		// c, session c1 (search): 12:00:00-12:10:00, one order of two lines
		ev("c", at(12, 0, 0), profile.View, "i3", 0, 0, 0, "search", ""),
		ev("c", at(12, 0, 20), profile.View, "i3", 0, 0, 0, "search", ""),
		ev("c", at(12, 10, 0), profile.Purchase, "i3", 1, 50, 0, "search", "o2"),
		ev("c", at(12, 10, 0), profile.Purchase, "i1", 1, 10, 0, "search", "o2"),
		// c, session c2 (search), next day: a purchase and a return five minutes later
		ev("c", at(36, 0, 0), profile.Purchase, "i3", 1, 50, 0, "search", "o3"),
		ev("c", at(36, 5, 0), profile.Return, "i3", -1, 50, 0, "search", "o3"),
	}
}

func accumulate(t testing.TB, cfg Config, events []profile.Event) *Accumulator {
	t.Helper()
	a := newAcc(t, cfg)
	for i := range events {
		if err := a.Add(&events[i]); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// TestReportHandWorked checks every KPI of the hand-worked scenario above.
func TestReportHandWorked(t *testing.T) {
	r := accumulate(t, Config{}, handEvents()).Report(ByChannel())
	if got := len(r.Rows); got != 3 {
		t.Fatalf("%d rows", got)
	}
	search, _ := r.Row("search")
	email, _ := r.Row("email")
	social, _ := r.Row("social")

	// search: sessions a1 (420 s, 2 pages, engaged by duration, pages and purchase), c1 (600 s,
	// 2 pages) and c2 (300 s, 0 pages, engaged by its purchase key event).
	k := search.KPIs
	eqI(t, "search sessions", k.Sessions, 3)
	eqI(t, "search visitors", k.Visitors, 2)
	eqR(t, "search bounce", k.Bounce, 0, 3)
	eqF(t, "search time on site", k.TimeOnSite.Value, 1320.0/3) // (420+600+300)/3
	eqF(t, "search pages", k.PagesPerSession.Value, 4.0/3)
	eqR(t, "search conversion/session", k.SessionConversion, 3, 3)
	eqR(t, "search conversion/visitor", k.VisitorConversion, 2, 2)
	if k.CTR.Defined() {
		t.Errorf("CTR without impressions is %v", k.CTR)
	}
	eqR(t, "search add-to-cart", k.AddToCart, 1, 3)
	eqR(t, "search cart abandonment", k.CartAbandonment, 0, 1)
	eqR(t, "search checkout abandonment", k.CheckoutAbandonment, 0, 1)
	eqI(t, "search orders", k.Orders, 3) // o1, o2 (two lines), o3
	eqI(t, "search units", k.Units, 5)
	eqF(t, "search revenue", k.Revenue, 140)    // 2·15 + 50 + 10 + 50
	eqF(t, "search discounts", k.Discounts, 10) // 2·(20−15)
	eqF(t, "search returned", k.Returned, 50)
	eqF(t, "search net", k.NetRevenue, 90)
	// AOV over visitors a (1 order, 30) and c (2 orders, 110): R = 140/3; x̄ = 1.5, s_xx = 0.5,
	// s_yy = 3200, s_xy = 40; Var = (3200 − 2R·40 + R²·0.5)/(2·1.5²) = 555.556/4.5 = 123.457,
	// SE = 11.1111.
	eqF(t, "search AOV", k.AOV.Value, 140.0/3)
	eqF(t, "search AOV SE", k.AOV.SE, 100.0/9)
	// Revenue per visitor: (30 + 110)/2 = 70, SE = sd(30, 110)/√2 = 56.5685/1.41421 = 40.
	eqF(t, "search RPV", k.RevenuePerVisitor.Value, 70)
	eqF(t, "search RPV SE", k.RevenuePerVisitor.SE, 40)
	eqR(t, "search return rate", k.ReturnRate, 1, 5)
	eqR(t, "search repeat purchase", k.RepeatPurchase, 1, 2) // c has 2 orders, a 1
	// i2: 2 units, i3: 2 units, i1: 1 unit; the tie goes to i2.
	if k.TopItem != "i2" || k.TopItemUnits != 2 {
		t.Errorf("search top item %q %d", k.TopItem, k.TopItemUnits)
	}
	eqI(t, "search new customers", k.NewCustomers, 2)

	// email: a2, one view, 0 s: a bounce, no orders.
	k = email.KPIs
	eqI(t, "email sessions", k.Sessions, 1)
	eqR(t, "email bounce", k.Bounce, 1, 1)
	eqF(t, "email time", k.TimeOnSite.Value, 0)
	eqR(t, "email conversion", k.SessionConversion, 0, 1)
	if k.AOV.Valid || k.RepeatPurchase.Defined() || k.TopItem != "" || k.ReturnRate.Defined() {
		t.Errorf("email: AOV %v, repeat %v, top %q, return rate %v should be undefined", k.AOV, k.RepeatPurchase, k.TopItem, k.ReturnRate)
	}
	eqF(t, "email RPV", k.RevenuePerVisitor.Value, 0)
	if k.RevenuePerVisitor.SE != -1 {
		t.Errorf("email RPV over one visitor has SE %v", k.RevenuePerVisitor.SE)
	}

	// social: b1 (8 s, 1 page, not engaged) and b2 (an unknown event): both bounce.
	k = social.KPIs
	eqI(t, "social sessions", k.Sessions, 2)
	eqI(t, "social visitors", k.Visitors, 1)
	eqI(t, "social events", k.Events, 5)
	eqI(t, "social unknown", k.Unknown, 1)
	eqR(t, "social bounce", k.Bounce, 2, 2)
	eqF(t, "social time", k.TimeOnSite.Value, 4)
	eqF(t, "social pages", k.PagesPerSession.Value, 0.5)
	eqR(t, "social CTR", k.CTR, 1, 1)
	eqR(t, "social cart abandonment", k.CartAbandonment, 1, 1)
	if k.CheckoutAbandonment.Defined() {
		t.Errorf("social checkout abandonment %v without checkouts", k.CheckoutAbandonment)
	}

	// total: 6 sessions, 3 visitors, 3 engaged.
	k = r.Total.KPIs
	eqI(t, "total sessions", k.Sessions, 6)
	eqI(t, "total visitors", k.Visitors, 3)
	eqI(t, "total events", k.Events, 17)
	eqR(t, "total bounce", k.Bounce, 3, 6)
	eqR(t, "total conversion/visitor", k.VisitorConversion, 2, 3)
	eqF(t, "total time", k.TimeOnSite.Value, (420+600+300+0+8+0)/6.0)
	eqI(t, "total new customers", k.NewCustomers, 2)
}

func eqI(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}

func eqF(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !close(got, want, 1e-9) {
		t.Errorf("%s = %.10g, want %.10g", what, got, want)
	}
}

func eqR(t *testing.T, what string, got Rate, k, n int64) {
	t.Helper()
	if got.Successes != k || got.Trials != n {
		t.Errorf("%s = %d/%d, want %d/%d", what, got.Successes, got.Trials, k, n)
	}
}

// TestSessionsOrderIndependent: shuffling the events changes nothing.
func TestSessionsOrderIndependent(t *testing.T) {
	events := handEvents()
	want := slices.Collect(accumulate(t, Config{}, events).Sessions())
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		got := slices.Collect(accumulate(t, Config{}, events).Sessions())
		if !sessionsEqual(got, want) {
			t.Fatalf("shuffled sessions differ:\n%+v\nwant\n%+v", got, want)
		}
	}
	a := accumulate(t, Config{}, events)
	if a.late == 0 {
		t.Error("shuffled events counted no late arrivals")
	}
}

func sessionsEqual(a, b []Session) bool {
	return cmp.Equal(a, b, sessionCmp...)
}

// sessionCmp compares sessions with float sums equal up to rounding and item lists in any
// order.
var sessionCmp = []cmp.Option{
	cmp.AllowUnexported(Session{}, itemUnits{}),
	cmpopts.EquateApprox(1e-12, 1e-9),
	cmpopts.SortSlices(func(x, y itemUnits) bool { return x.item < y.item }),
	cmpopts.EquateEmpty(),
}

// TestSessionGapBoundary: exactly Gap apart continues a session, one nanosecond more splits it.
func TestSessionGapBoundary(t *testing.T) {
	mk := func(d time.Duration) []profile.Event {
		return []profile.Event{
			{CustomerID: "a", Time: at(10, 0, 0), Type: profile.View},
			{CustomerID: "a", Time: at(10, 0, 0).Add(d), Type: profile.View},
		}
	}
	count := func(cfg Config, ev []profile.Event) int {
		return len(slices.Collect(accumulate(t, cfg, ev).Sessions()))
	}
	if n := count(Config{}, mk(30*time.Minute)); n != 1 {
		t.Errorf("30 min apart: %d sessions", n)
	}
	if n := count(Config{}, mk(30*time.Minute+1)); n != 2 {
		t.Errorf("30 min + 1 ns apart: %d sessions", n)
	}
	if n := count(Config{Session: SessionConfig{Gap: 5 * time.Minute}}, mk(6*time.Minute)); n != 2 {
		t.Errorf("gap 5 min, 6 min apart: %d sessions", n)
	}
}

// TestSessionMidnight: 23:50 and 00:10 are one session unless split at midnight; in UTC+1
// midnight falls at 23:00 UTC instead, so 22:50 and 23:10 UTC split there.
func TestSessionMidnight(t *testing.T) {
	pair := func(a, b time.Time) []profile.Event {
		return []profile.Event{{CustomerID: "a", Time: a, Type: profile.View}, {CustomerID: "a", Time: b, Type: profile.View}}
	}
	count := func(cfg SessionConfig, ev []profile.Event) int {
		return len(slices.Collect(accumulate(t, Config{Session: cfg}, ev).Sessions()))
	}
	ev := pair(at(23, 50, 0), at(24, 10, 0))
	if n := count(SessionConfig{}, ev); n != 1 {
		t.Errorf("no split: %d sessions", n)
	}
	if n := count(SessionConfig{SplitAtMidnight: true}, ev); n != 2 {
		t.Errorf("split: %d sessions", n)
	}
	plus1 := time.FixedZone("UTC+1", 3600)
	ev = pair(at(22, 50, 0), at(23, 10, 0))
	if n := count(SessionConfig{SplitAtMidnight: true, Location: plus1}, ev); n != 2 {
		t.Errorf("split in UTC+1: %d sessions", n)
	}
	if n := count(SessionConfig{SplitAtMidnight: true}, ev); n != 1 {
		t.Errorf("split in UTC, 22:50-23:10: %d sessions", n)
	}
}

// TestSessionTrackerIDs: with TrackerIDs, a tracker session is one session however long its
// gaps, and two tracker sessions at the same time stay apart; events without an ID fall back to
// time.
func TestSessionTrackerIDs(t *testing.T) {
	ev := []profile.Event{
		{CustomerID: "a", Time: at(10, 0, 0), Type: profile.View, SessionID: "s1"},
		{CustomerID: "a", Time: at(12, 0, 0), Type: profile.View, SessionID: "s1"},
		{CustomerID: "a", Time: at(10, 1, 0), Type: profile.View, SessionID: "s2"},
		{CustomerID: "a", Time: at(10, 2, 0), Type: profile.View},
	}
	got := slices.Collect(accumulate(t, Config{Session: SessionConfig{TrackerIDs: true}}, ev).Sessions())
	if len(got) != 3 || got[0].ID != "" || got[1].ID != "s1" || got[1].Duration() != 2*time.Hour || got[2].ID != "s2" {
		t.Fatalf("got %+v", got)
	}
	if n := len(slices.Collect(accumulate(t, Config{}, ev).Sessions())); n != 2 {
		t.Fatalf("ignoring tracker IDs: %d sessions, want 2", n)
	}
}

// TestSessionAttribution: the session takes the channel of its earliest event naming one, even
// when that event arrives last; ties in time go to the smaller name.
func TestSessionAttribution(t *testing.T) {
	ev := []profile.Event{
		{CustomerID: "a", Time: at(10, 5, 0), Type: profile.View, Channel: "email"},
		{CustomerID: "a", Time: at(10, 0, 0), Type: profile.View},
		{CustomerID: "a", Time: at(10, 1, 0), Type: profile.View, Channel: "social", Device: "tablet"},
		{CustomerID: "a", Time: at(10, 1, 0), Type: profile.View, Channel: "direct", Device: "mobile"},
	}
	s := slices.Collect(accumulate(t, Config{}, ev).Sessions())
	if len(s) != 1 || s[0].Channel != "direct" || s[0].Device != "mobile" || s[0].Region != "" {
		t.Fatalf("got %+v", s)
	}
}

// TestEngagementRules: each GA4 rule alone engages a session, and the thresholds are
// configurable.
func TestEngagementRules(t *testing.T) {
	one := func(cfg EngagementConfig, ev ...profile.Event) bool {
		s := slices.Collect(accumulate(t, Config{Engagement: cfg}, ev).Sessions())
		if len(s) != 1 {
			t.Fatalf("%d sessions", len(s))
		}
		return s[0].Engaged
	}
	v := func(sec int, typ profile.EventType) profile.Event {
		return profile.Event{CustomerID: "a", Time: at(10, 0, sec), Type: typ, Quantity: 1}
	}
	cases := []struct {
		name string
		cfg  EngagementConfig
		ev   []profile.Event
		want bool
	}{
		{"10 s exactly", EngagementConfig{}, []profile.Event{v(0, profile.Search), v(10, profile.Search)}, false},
		{"11 s", EngagementConfig{}, []profile.Event{v(0, profile.Search), v(11, profile.Search)}, true},
		{"2 page views", EngagementConfig{}, []profile.Event{v(0, profile.View), v(1, profile.PageView)}, true},
		{"1 page view", EngagementConfig{}, []profile.Event{v(0, profile.View)}, false},
		{"purchase", EngagementConfig{}, []profile.Event{v(0, profile.Purchase)}, true},
		{"custom key event", EngagementConfig{KeyEvents: []profile.EventType{"sign_up"}}, []profile.Event{v(0, "sign_up")}, true},
		{"purchase not key", EngagementConfig{KeyEvents: []profile.EventType{"sign_up"}}, []profile.Event{v(0, profile.Purchase)}, false},
		{"3 pages needed", EngagementConfig{MinPageViews: 3}, []profile.Event{v(0, profile.View), v(1, profile.View)}, false},
		{"5 s enough", EngagementConfig{MinDuration: 5 * time.Second}, []profile.Event{v(0, profile.Search), v(6, profile.Search)}, true},
	}
	for _, c := range cases {
		if got := one(c.cfg, c.ev...); got != c.want {
			t.Errorf("%s: engaged %v, want %v", c.name, got, c.want)
		}
	}
}

// TestEdgeCases: no events, no orders, all bounces, invalid events.
func TestEdgeCases(t *testing.T) {
	// No sessions: no rows, every total rate and estimate undefined.
	r := newAcc(t, Config{}).Report(ByChannel())
	k := r.Total.KPIs
	if len(r.Rows) != 0 || k.Sessions != 0 || k.Bounce.Defined() || k.TimeOnSite.Valid || k.AOV.Valid ||
		k.RevenuePerVisitor.Valid || k.SessionConversion.Defined() || k.VisitorConversion.Defined() {
		t.Errorf("empty report %+v", r)
	}
	// All bounces, no orders.
	var ev []profile.Event
	for i := range 5 {
		ev = append(ev, profile.Event{CustomerID: string(rune('a' + i)), Time: at(i, 0, 0), Type: profile.View, Channel: "ads"})
	}
	k = accumulate(t, Config{}, ev).Report(ByChannel()).Total.KPIs
	eqR(t, "all bounce", k.Bounce, 5, 5)
	eqR(t, "no orders conversion", k.SessionConversion, 0, 5)
	if k.AOV.Valid || k.CartAbandonment.Defined() || k.ReturnRate.Defined() || !k.RevenuePerVisitor.Valid {
		t.Errorf("no orders: %+v", k)
	}
	// Invalid events are refused, counted and leave no trace.
	a := newAcc(t, Config{})
	bad := []profile.Event{
		{Time: at(1, 0, 0), Type: profile.View},
		{CustomerID: "a", Type: profile.View},
		{CustomerID: "a", Time: at(1, 0, 0)},
		{CustomerID: "a", Time: at(1, 0, 0), Type: profile.Purchase, Price: math.NaN(), Quantity: 1},
		{CustomerID: "a", Time: at(1, 0, 0), Type: profile.Purchase},
		{CustomerID: "a", Time: time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), Type: profile.View},
	}
	for i := range bad {
		if err := a.Add(&bad[i]); err == nil {
			t.Errorf("bad event %d accepted", i)
		}
	}
	if a.Invalid() != int64(len(bad)) || a.Events() != 0 || len(a.people) != 0 {
		t.Errorf("invalid %d, events %d, people %d", a.Invalid(), a.Events(), len(a.people))
	}
}

// TestUnknownTypesCounted: unknown types are kept in sessions and counted per type.
func TestUnknownTypesCounted(t *testing.T) {
	a := newAcc(t, Config{})
	if err := a.AddAll(context.Background(), slices.Values(handEvents())); err != nil {
		t.Fatal(err)
	}
	if u := a.Unknown(); len(u) != 1 || u["wishlist"] != 1 {
		t.Fatalf("unknown %v", u)
	}
}

// TestSessionStatsHandWorked: the six sessions of the hand-worked scenario last 420, 0, 8, 0,
// 600 and 300 s: sorted 0, 0, 8, 300, 420, 600; mean 1328/6 = 221.33 s; median (lower) 8 s;
// 90th percentile (nearest rank ceil(5.4) = 6th) 600 s. 17 events, 3 visitors, 3 bounces.
func TestSessionStatsHandWorked(t *testing.T) {
	st := accumulate(t, Config{}, handEvents()).SessionStats()
	if st.Sessions != 6 || st.Visitors != 3 || st.Events != 17 || st.MedianDuration != 8*time.Second ||
		st.P90Duration != 600*time.Second || st.MeanDuration != 1328*time.Second/6 ||
		!close(st.SessionsPerVisitor, 2, 1e-12) || !close(st.EventsPerSession, 17.0/6, 1e-12) ||
		st.Bounce != NewRate(3, 6) || !close(st.PagesPerSession.Value, 6.0/6, 1e-12) || st.Unknown["wishlist"] != 1 {
		t.Fatalf("%+v", st)
	}
	empty := newAcc(t, Config{}).SessionStats()
	if empty.Sessions != 0 || empty.Bounce.Defined() || empty.PagesPerSession.Valid || empty.MeanDuration != 0 {
		t.Fatalf("empty %+v", empty)
	}
}

// TestPersonHook: mapping the anonymous x1 to customer a makes one visitor of both, and joins
// x1's 9:50 event with a's 10:00 event (10 minutes apart: within the gap), so the person's
// sessions become b1 (9:00:00-9:00:08), b2+a1 (9:50-10:07) and a2.
func TestPersonHook(t *testing.T) {
	same := func(e *profile.Event) string {
		if e.AnonymousID == "x1" {
			return "a"
		}
		return ""
	}
	r := accumulate(t, Config{Person: same}, handEvents()).Report(Overall())
	eqI(t, "visitors", r.Total.Visitors, 2) // a (with x1) and c
	eqI(t, "sessions", r.Total.Sessions, 5) // b1, b2+a1, a2, c1, c2
	f, _ := NewFunnel(FunnelConfig{Steps: []profile.EventType{profile.Impression, profile.Purchase}, Person: same})
	for _, e := range handEvents() {
		f.Add(&e)
	}
	if s := f.Result().Steps; s[0].Reached != 1 || s[1].Reached != 1 {
		t.Errorf("impression by x1, purchase by a: %+v", s)
	}
}

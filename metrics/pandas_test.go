package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// pandasKPIs is one group of testdata/kpi_expected.json. Rates are [successes, trials].
type pandasKPIs struct {
	Sessions, Visitors, Events, Unknown                              int64
	Engaged, SessionConversion, VisitorConversion, CTR, AddToCart    [2]int64
	CartAbandonment, CheckoutAbandonment, ReturnRate, RepeatPurchase [2]int64
	Orders, Units, NewCustomers, TopItemUnits                        int64
	Revenue, Discounts, Returned                                     float64
	TopItem                                                          string
	TimeOnSite, TimeOnSiteSE, PagesPerSession, PagesPerSessionSE     *float64
	AOV, AOVSE, RPV, RPVSE                                           *float64
}

func (p *pandasKPIs) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	fields := map[string]any{
		"sessions": &p.Sessions, "visitors": &p.Visitors, "events": &p.Events, "unknown": &p.Unknown,
		"engaged": &p.Engaged, "session_conversion": &p.SessionConversion, "visitor_conversion": &p.VisitorConversion,
		"ctr": &p.CTR, "add_to_cart": &p.AddToCart, "cart_abandonment": &p.CartAbandonment,
		"checkout_abandonment": &p.CheckoutAbandonment, "return_rate": &p.ReturnRate, "repeat_purchase": &p.RepeatPurchase,
		"orders": &p.Orders, "units": &p.Units, "new_customers": &p.NewCustomers, "top_item_units": &p.TopItemUnits,
		"revenue": &p.Revenue, "discounts": &p.Discounts, "returned": &p.Returned, "top_item": &p.TopItem,
		"time_on_site": &p.TimeOnSite, "time_on_site_se": &p.TimeOnSiteSE, "pages_per_session": &p.PagesPerSession,
		"pages_per_session_se": &p.PagesPerSessionSE, "aov": &p.AOV, "aov_se": &p.AOVSE, "rpv": &p.RPV, "rpv_se": &p.RPVSE,
	}
	for k, ptr := range fields {
		raw, ok := m[k]
		if !ok {
			// kpi_pandas.py writes every key of every group (null when undefined): a missing
			// one must not silently compare against zero.
			return fmt.Errorf("kpi_expected.json: group lacks %q", k)
		}
		if err := json.Unmarshal(raw, ptr); err != nil {
			return err
		}
	}
	return nil
}

// readEventsFile reads testdata/events.csv with profile.ReadEventsCSV, failing on any bad row.
func readEventsFile(t testing.TB) []profile.Event {
	t.Helper()
	f, err := os.Open("testdata/events.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events []profile.Event
	for e, err := range profile.ReadEventsCSV(f) {
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

// TestAgainstPandas compares every KPI of the per-channel report on testdata/events.csv
// (written by testdata/gen_events.go: the synthetic shop with out-of-order rows, unknown types
// and missing list prices) with testdata/kpi_expected.json, computed independently by
// testdata/kpi_pandas.py with pandas. Counts must match exactly, sums and means to 1e-9
// relative, delta-method standard errors to 1e-9 relative.
func TestAgainstPandas(t *testing.T) {
	b, err := os.ReadFile("testdata/kpi_expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	events := readEventsFile(t)
	a := newAcc(t, Config{})
	if err := a.AddAll(context.Background(), slices.Values(events)); err != nil {
		t.Fatal(err)
	}
	r := a.Report(ByChannel())
	groups := 0
	for key, msg := range raw {
		var want pandasKPIs
		switch key {
		case "funnel", "midnight_sessions", "unknown_types", "customers":
			continue
		}
		if err := json.Unmarshal(msg, &want); err != nil {
			t.Fatal(err)
		}
		row := r.Total
		if key != "total" {
			var ok bool
			if row, ok = r.Row(key); !ok {
				t.Errorf("no row %q", key)
				continue
			}
		}
		groups++
		checkPandas(t, key, &row.KPIs, &want)
	}
	if groups != len(r.Rows)+1 {
		t.Errorf("pandas has %d groups, the report %d rows + total", groups, len(r.Rows))
	}

	var extra struct {
		Funnel           map[string][]int64
		MidnightSessions int64                       `json:"midnight_sessions"`
		UnknownTypes     map[profile.EventType]int64 `json:"unknown_types"`
	}
	if err := json.Unmarshal(b, &extra); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]FunnelConfig{
		"loose":    {Steps: shopFunnel},
		"loose_1h": {Steps: shopFunnel, Window: time.Hour},
		"strict":   {Steps: shopFunnel, Order: Strict},
	} {
		f, _ := NewFunnel(cfg)
		f.AddAll(context.Background(), slices.Values(events))
		for k, s := range f.Result().Steps {
			if s.Reached != extra.Funnel[name][k] {
				t.Errorf("funnel %s step %d: %d, pandas %d", name, k+1, s.Reached, extra.Funnel[name][k])
			}
		}
	}
	split := newAcc(t, Config{Session: SessionConfig{SplitAtMidnight: true}})
	split.AddAll(context.Background(), slices.Values(events))
	if n := split.Report(Overall()).Total.Sessions; n != extra.MidnightSessions {
		t.Errorf("sessions split at midnight: %d, pandas %d", n, extra.MidnightSessions)
	}
	if u := a.Unknown(); len(u) != len(extra.UnknownTypes) || u["login"] != extra.UnknownTypes["login"] || u["wishlist"] != extra.UnknownTypes["wishlist"] {
		t.Errorf("unknown types %v, pandas %v", u, extra.UnknownTypes)
	}
}

func checkPandas(t *testing.T, key string, k *KPIs, w *pandasKPIs) {
	t.Helper()
	ints := []struct {
		name      string
		got, want int64
	}{
		{"sessions", k.Sessions, w.Sessions}, {"visitors", k.Visitors, w.Visitors}, {"events", k.Events, w.Events},
		{"unknown", k.Unknown, w.Unknown}, {"orders", k.Orders, w.Orders}, {"units", k.Units, w.Units},
		{"new customers", k.NewCustomers, w.NewCustomers}, {"top item units", k.TopItemUnits, w.TopItemUnits},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s %s = %d, pandas %d", key, c.name, c.got, c.want)
		}
	}
	rates := []struct {
		name string
		got  Rate
		want [2]int64
	}{
		{"engagement", k.Engagement, w.Engaged}, {"session conversion", k.SessionConversion, w.SessionConversion},
		{"visitor conversion", k.VisitorConversion, w.VisitorConversion}, {"CTR", k.CTR, w.CTR},
		{"add to cart", k.AddToCart, w.AddToCart}, {"cart abandonment", k.CartAbandonment, w.CartAbandonment},
		{"checkout abandonment", k.CheckoutAbandonment, w.CheckoutAbandonment}, {"return rate", k.ReturnRate, w.ReturnRate},
		{"repeat purchase", k.RepeatPurchase, w.RepeatPurchase},
	}
	for _, c := range rates {
		if c.got.Successes != c.want[0] || c.got.Trials != c.want[1] {
			t.Errorf("%s %s = %d/%d, pandas %d/%d", key, c.name, c.got.Successes, c.got.Trials, c.want[0], c.want[1])
		}
	}
	floats := []struct {
		name      string
		got, want float64
	}{
		{"revenue", k.Revenue, w.Revenue}, {"discounts", k.Discounts, w.Discounts}, {"returned", k.Returned, w.Returned},
	}
	for _, c := range floats {
		if !close(c.got, c.want, 1e-9) {
			t.Errorf("%s %s = %.10g, pandas %.10g", key, c.name, c.got, c.want)
		}
	}
	ests := []struct {
		name    string
		got     Estimate
		val, se *float64
	}{
		{"time on site", k.TimeOnSite, w.TimeOnSite, w.TimeOnSiteSE}, {"pages/session", k.PagesPerSession, w.PagesPerSession, w.PagesPerSessionSE},
		{"AOV", k.AOV, w.AOV, w.AOVSE}, {"revenue/visitor", k.RevenuePerVisitor, w.RPV, w.RPVSE},
	}
	for _, c := range ests {
		if (c.val != nil) != c.got.Valid || c.val != nil && !close(c.got.Value, *c.val, 1e-9) {
			t.Errorf("%s %s = %+v, pandas %v", key, c.name, c.got, deref(c.val))
		}
		if (c.se != nil) != (c.got.SE >= 0) || c.se != nil && !close(c.got.SE, *c.se, 1e-9) {
			t.Errorf("%s %s SE = %v, pandas %v", key, c.name, c.got.SE, deref(c.se))
		}
	}
	if k.TopItem != w.TopItem {
		t.Errorf("%s top item %q, pandas %q", key, k.TopItem, w.TopItem)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

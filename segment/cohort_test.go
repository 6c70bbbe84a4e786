package segment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

type pandasExpect struct {
	Month, Week []struct {
		Start     string             `json:"start"`
		Size      int                `json:"size"`
		Repeaters int                `json:"repeaters"`
		Active    map[string]int     `json:"active"`
		Revenue   map[string]float64 `json:"revenue"`
	}
	RFM     map[string][6]float64 `json:"rfm"`
	RFMPyMC map[string][5]float64 `json:"rfm_pymc"`
	Repeat  struct {
		Customers  int     `json:"customers"`
		Repeaters  int     `json:"repeaters"`
		MedianDays float64 `json:"median_days"`
		MeanDays   float64 `json:"mean_days"`
	} `json:"repeat"`
	NewVsReturning map[string][2]int `json:"new_vs_returning"`
	Advocates      []string          `json:"advocates_top5pct"`
}

// genOrders reads testdata/orders_gen.csv (order_id,customer,unix_seconds,amount; a negative
// amount is a return) written by testdata/pandas_cohorts.py.
func genOrders(t testing.TB) []profile.Order {
	t.Helper()
	rows := readCSV(t, "testdata/orders_gen.csv")
	var out []profile.Order
	for _, r := range rows[1:] {
		ts, _ := strconv.ParseInt(r[2], 10, 64)
		amt, _ := strconv.ParseFloat(r[3], 64)
		q := 1
		if amt < 0 {
			q, amt = -1, -amt
		}
		out = append(out, profile.Order{ID: r[0], CustomerID: r[1], Time: time.Unix(ts, 0).UTC(),
			Lines: []profile.Line{{Quantity: q, UnitPrice: amt}}})
	}
	return out
}

func loadPandas(t *testing.T) pandasExpect {
	t.Helper()
	b, err := os.ReadFile("testdata/pandas_cohorts.json")
	if err != nil {
		t.Fatal(err)
	}
	var e pandasExpect
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// Cohorts against pandas (testdata/pandas_cohorts.py): sizes, repeaters and active counts
// exactly, revenue to 1e-6 (sums of 2-decimal amounts in another order).
func TestCohortsAgainstPandas(t *testing.T) {
	exp := loadPandas(t)
	a := activityOf(t, genOrders(t))
	for _, pc := range []struct {
		period Period
		want   []struct {
			Start     string             `json:"start"`
			Size      int                `json:"size"`
			Repeaters int                `json:"repeaters"`
			Active    map[string]int     `json:"active"`
			Revenue   map[string]float64 `json:"revenue"`
		}
	}{{Month, exp.Month}, {Week, exp.Week}} {
		got := must(a.Cohorts(CohortConfig{Period: pc.period}))
		if len(got.Sizes) != len(pc.want) {
			t.Fatalf("%v: %d cohorts, pandas %d", pc.period, len(got.Sizes), len(pc.want))
		}
		for c, w := range pc.want {
			if got.Starts[c].Format(time.DateOnly) != w.Start || got.Sizes[c] != w.Size || got.Repeaters[c] != w.Repeaters {
				t.Errorf("%v cohort %d: start %s size %d repeaters %d; pandas %+v", pc.period, c,
					got.Starts[c].Format(time.DateOnly), got.Sizes[c], got.Repeaters[c], w)
				continue
			}
			for o := range got.Active[c] {
				key := strconv.Itoa(o)
				if got.Active[c][o] != w.Active[key] {
					t.Errorf("%v cohort %s offset %d: active %d, pandas %d", pc.period, w.Start, o, got.Active[c][o], w.Active[key])
				}
				if math.Abs(got.Revenue[c][o]-w.Revenue[key]) > 1e-6 {
					t.Errorf("%v cohort %s offset %d: revenue %v, pandas %v", pc.period, w.Start, o, got.Revenue[c][o], w.Revenue[key])
				}
			}
			for key := range w.Active {
				if o, _ := strconv.Atoi(key); o >= len(got.Active[c]) {
					t.Errorf("%v cohort %s: pandas has offset %d beyond the table", pc.period, w.Start, o)
				}
			}
		}
	}
}

// RFM values and scores against pandas/numpy: per order (rfm R package) with quintile scores,
// and per day (PyMC-Marketing) with qcut quartiles.
func TestRFMAgainstPandas(t *testing.T) {
	exp := loadPandas(t)
	// pandas counts whole calendar days from the last order's day to the analysis day (a
	// midnight): the fractional days from orders moved to the start of their UTC day are those.
	orders := genOrders(t)
	for i := range orders {
		orders[i].Time = orders[i].Time.Truncate(24 * time.Hour)
	}
	now := time.Unix(1704067200+547*86400, 0).UTC()
	a := activityAt(t, now, orders)
	values := must(a.RFM(RFMValuesConfig{}))
	m, err := FitRFM(values, RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if len(values) != len(exp.RFM) {
		t.Fatalf("%d customers, pandas %d", len(values), len(exp.RFM))
	}
	for _, s := range m.ScoreAll(values) {
		w := exp.RFM[s.ID]
		if s.Recency != w[0] || s.Frequency != w[1] || math.Abs(s.Monetary-w[2]) > 1e-6 ||
			s.R != int(w[3]) || s.F != int(w[4]) || s.M != int(w[5]) {
			t.Errorf("%s: %v %v %v scores %d%d%d; pandas %v", s.ID, s.Recency, s.Frequency, s.Monetary, s.R, s.F, s.M, w)
		}
	}
	pv := must(a.RFM(RFMValuesConfig{Basis: PerDay}))
	mq, err := FitRFM(pv, RFMConfig{Bins: 4, Method: BinsQcut})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range mq.ScoreAll(pv) {
		w := exp.RFMPyMC[s.ID]
		if s.Frequency != w[0] || math.Abs(s.Monetary-w[1]) > 1e-9 || s.R != int(w[2]) || s.F != int(w[3]) || s.M != int(w[4]) {
			t.Errorf("%s per day: F %v M %v scores %d%d%d; pandas %v", s.ID, s.Frequency, s.Monetary, s.R, s.F, s.M, w)
		}
	}
}

func TestRepeatAndNewVsReturningAgainstPandas(t *testing.T) {
	exp := loadPandas(t)
	a := activityOf(t, genOrders(t))
	r := a.Repeat()
	if r.Customers != exp.Repeat.Customers || r.Repeaters != exp.Repeat.Repeaters ||
		math.Abs(r.MedianDaysToReturn-exp.Repeat.MedianDays) > 1e-9 || math.Abs(r.MeanDaysToReturn-exp.Repeat.MeanDays) > 1e-9 {
		t.Errorf("repeat %+v, pandas %+v", r, exp.Repeat)
	}
	nvr := a.NewVsReturning()
	if len(nvr) != len(exp.NewVsReturning) {
		t.Errorf("%d months, pandas %d", len(nvr), len(exp.NewVsReturning))
	}
	for _, m := range nvr {
		w := exp.NewVsReturning[m.Month.Format("2006-01")]
		if m.New != w[0] || m.Returning != w[1] {
			t.Errorf("%s: new %d returning %d, pandas %v", m.Month.Format("2006-01"), m.New, m.Returning, w)
		}
	}
	adv := must(a.Advocates(AdvocateConfig{Top: 0.05}))
	if len(adv) != len(exp.Advocates) {
		t.Fatalf("%d advocates, pandas %d", len(adv), len(exp.Advocates))
	}
	for i, ad := range adv {
		if ad.ID != exp.Advocates[i] || ad.Rank != i+1 {
			t.Errorf("advocate %d = %s, pandas %s", i+1, ad.ID, exp.Advocates[i])
		}
	}
}

// Merging shards gives what one Activity over all orders gives.
func TestActivityMerge(t *testing.T) {
	orders := genOrders(t)
	whole := activityOf(t, orders)
	var shards [3]Activity
	for i := range orders {
		// Shard by position, so one customer's orders land in several shards, out of order.
		if err := shards[(i*7)%3].Add(orders[len(orders)-1-i]); err != nil {
			t.Fatal(err)
		}
	}
	merged := &Activity{}
	for i := range shards {
		merged.Merge(&shards[i])
	}
	now := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	asOf(t, whole, now)
	asOf(t, merged, now)
	w, m := must(whole.RFM(RFMValuesConfig{Basis: PerDay})), must(merged.RFM(RFMValuesConfig{Basis: PerDay}))
	if len(w) != len(m) {
		t.Fatalf("%d vs %d customers", len(w), len(m))
	}
	for i := range w {
		if w[i].ID != m[i].ID || w[i].Recency != m[i].Recency || w[i].Frequency != m[i].Frequency ||
			math.Abs(w[i].Monetary-m[i].Monetary) > 1e-9 || w[i].Orders != m[i].Orders {
			t.Fatalf("customer %d: whole %+v merged %+v", i, w[i], m[i])
		}
	}
	var bw, bm bytes.Buffer
	if err := must(whole.Cohorts(CohortConfig{})).WriteCSV(&bw, CellActive); err != nil {
		t.Fatal(err)
	}
	_ = must(merged.Cohorts(CohortConfig{})).WriteCSV(&bm, CellActive)
	if bw.String() != bm.String() {
		t.Errorf("cohorts differ after merge")
	}
	if whole.Repeat() != merged.Repeat() {
		t.Errorf("repeat: %+v vs %+v", whole.Repeat(), merged.Repeat())
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func order(id, cust, at string, lines ...profile.Line) profile.Order {
	return profile.Order{ID: id, CustomerID: cust, Time: day(at), Lines: lines}
}

func buy(q int, price float64) profile.Line { return profile.Line{Quantity: q, UnitPrice: price} }

// Hand-worked cohorts, CSV and lifecycle.
func TestCohortsHandWorked(t *testing.T) {
	orders := []profile.Order{
		order("1", "a", "2025-01-05T10:00:00Z", buy(1, 10)),
		order("2", "a", "2025-02-03T10:00:00Z", buy(2, 5)),
		order("3", "b", "2025-01-31T23:59:59Z", buy(1, 20)),
		order("4", "b", "2025-03-01T00:00:00Z", buy(-1, 20)), // return in March: revenue only
		order("5", "c", "2025-02-14T12:00:00Z", buy(1, 7)),
		order("6", "", "2025-02-14T12:00:00Z", buy(1, 7)), // guest
	}
	a := activityOf(t, orders)
	if a.GuestOrders != 1 || a.Returns != 1 || a.Len() != 3 {
		t.Errorf("guest %d returns %d customers %d", a.GuestOrders, a.Returns, a.Len())
	}
	c := must(a.Cohorts(CohortConfig{}))
	// January: a and b (size 2); a active in Feb; b's March return is revenue -20 at offset 2.
	// February: c (size 1). Table runs to March.
	var buf bytes.Buffer
	if err := c.WriteCSV(&buf, CellRevenue); err != nil {
		t.Fatal(err)
	}
	want := "cohort,customers,repeat_rate,0,1,2\n2025-01,2,0.5,30,10,-20\n2025-02,1,0,7,0,\n"
	if buf.String() != want {
		t.Errorf("revenue CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	_ = c.WriteCSV(&buf, CellRetention)
	if want := "cohort,customers,repeat_rate,0,1,2\n2025-01,2,0.5,1,0.5,0\n2025-02,1,0,1,0,\n"; buf.String() != want {
		t.Errorf("retention CSV:\n%s\nwant:\n%s", buf.String(), want)
	}
	// Value: January cohort after 2 months: (30 + 10 - 20) / 2 = 10.
	if v := c.Value(0, 2); v != 10 {
		t.Errorf("value %v, want 10", v)
	}
	// Weeks: 2025-01-05 is a Sunday, in the week starting Monday 2024-12-30.
	w := must(a.Cohorts(CohortConfig{Period: Week}))
	if w.Label(0) != "2024-12-30" || w.Sizes[0] != 1 {
		t.Errorf("first weekly cohort %s size %d, want 2024-12-30 size 1", w.Label(0), w.Sizes[0])
	}
	// Lifecycle at 2025-03-01 with a 30-day window and churn factor 2:
	// a: last 2025-02-03T10:00 (25.6 days ago), first 2025-01-05T10:00 (54.6 days) -> active;
	// b: last order 2025-01-31T23:59:59 (28.0 days) and first the same -> new;
	// c: last 2025-02-14T12:00 (14.5 days), tenure 14.5 -> new.
	stages := must(asOf(t, a, day("2025-03-01T00:00:00Z")).Lifecycle(LifecycleConfig{Window: 30 * 24 * time.Hour, ChurnFactor: 2}))
	got := map[string]profile.Stage{}
	for _, s := range stages {
		got[s.ID] = s.Stage
	}
	if got["a"] != profile.Active || got["b"] != profile.New || got["c"] != profile.New {
		t.Errorf("stages %v", got)
	}
	// At 2025-05-10 with a 45-day window and churn factor 2 (lapsed up to 90 days):
	// a 95.6 days -> churned; b 98.0 -> churned; c (last 2025-02-14T12:00) 84.5 -> lapsed.
	stages = must(asOf(t, a, day("2025-05-10T00:00:00Z")).Lifecycle(LifecycleConfig{Window: 45 * 24 * time.Hour, ChurnFactor: 2}))
	counts := StageCounts(stages)
	if counts[profile.Churned] != 2 || counts[profile.Lapsed] != 1 {
		t.Errorf("counts %v, want 2 churned (a, b) and 1 lapsed (c)", counts)
	}
}

// Per-category windows: the main category (largest gross spend) picks the window.
func TestLifecycleCategoryWindows(t *testing.T) {
	g := profile.Line{Quantity: 10, UnitPrice: 3, Category: "grocery"}
	ap := profile.Line{Quantity: 1, UnitPrice: 20, Category: "apparel"}
	a := activityOf(t, []profile.Order{
		order("1", "x", "2025-01-01T00:00:00Z", g, ap), // grocery 30 > apparel 20
		order("2", "y", "2025-01-01T00:00:00Z", ap),
	})
	asOf(t, a, day("2025-02-15T00:00:00Z"))
	cfg := LifecycleConfig{
		Windows: map[string]time.Duration{"grocery": 21 * 24 * time.Hour, "apparel": 120 * 24 * time.Hour}}
	st := must(a.Lifecycle(cfg))
	// 45 days: x (grocery, 21-day window) is lapsed (21 < 45 <= 63); y (apparel) is new.
	if st[0].Stage != profile.Lapsed || st[0].WindowDays != 21 || st[1].Stage != profile.New {
		t.Errorf("stages %+v", st)
	}
	cs := must(a.Customers(cfg))
	if cats, _ := cs[0].Set(AttrCategories); len(cats) != 2 || cats[0] != "apparel" {
		t.Errorf("categories %v", cats)
	}
	if lc, _ := cs[0].String(AttrLifecycle); lc != "lapsed" {
		t.Errorf("lifecycle attribute %q", lc)
	}
	r := MustParseRule(`lifecycle = "lapsed" and categories has "grocery" and recency_days > 30`, nil)
	if !r.Match(&cs[0]) || r.Match(&cs[1]) {
		t.Error("rule over Activity customers")
	}
}

// TestActivityBadInput: invalid orders are errors naming the order; edge cases documented.
func TestActivityBadInput(t *testing.T) {
	a := &Activity{}
	bad := []profile.Order{
		{ID: "", CustomerID: "a", Time: day("2025-01-01T00:00:00Z"), Lines: []profile.Line{buy(1, 1)}},
		{ID: "x", CustomerID: "a", Lines: []profile.Line{buy(1, 1)}},
		{ID: "y", CustomerID: "a", Time: day("2025-01-01T00:00:00Z")},
		{ID: "z", CustomerID: "a", Time: day("2025-01-01T00:00:00Z"), Lines: []profile.Line{buy(0, 1)}},
		{ID: "w", CustomerID: "a", Time: day("2025-01-01T00:00:00Z"), Lines: []profile.Line{buy(1, math.NaN())}},
	}
	for _, o := range bad {
		err := a.Add(o)
		var fe *profile.FieldError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), strconv.Quote(o.ID)) {
			t.Errorf("order %+v: %v", o, err)
		}
	}
	if a.Len() != 0 {
		t.Error("a bad order changed the Activity")
	}
	// Empty Activity: empty results, no panic.
	if len(must(a.RFM(RFMValuesConfig{}))) != 0 || len(must(a.Cohorts(CohortConfig{})).Sizes) != 0 || a.NewVsReturning() != nil ||
		a.Repeat() != (RepeatStats{}) || len(must(a.Advocates(AdvocateConfig{}))) != 0 || len(must(a.Customers(LifecycleConfig{}))) != 0 {
		t.Error("empty Activity gave results")
	}
	if _, err := FitRFM(must(a.RFM(RFMValuesConfig{})), RFMConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("FitRFM on nothing: %v", err)
	}
	// A customer with only a return has no order: left out of RFM, cohorts and lifecycle.
	_ = a.Add(profile.Order{ID: "r", CustomerID: "q", Time: day("2025-01-01T00:00:00Z"), Lines: []profile.Line{buy(-1, 5)}})
	if a.Len() != 1 || len(must(a.RFM(RFMValuesConfig{}))) != 0 || len(must(a.Lifecycle(LifecycleConfig{}))) != 0 {
		t.Error("return-only customer was scored")
	}
	// Orders after Now are left out and counted (the module's reference-time rule): no
	// negative recency. Before: kept, with recency -2 (whole days) or -2.5.
	early := day("2024-12-30T00:00:00Z")
	e := activityAt(t, early, []profile.Order{
		{ID: "f", CustomerID: "f", Time: day("2025-01-01T12:00:00Z"), Lines: []profile.Line{buy(1, 5)}},
		{ID: "g", CustomerID: "g", Time: day("2024-12-28T12:00:00Z"), Lines: []profile.Line{buy(1, 5)}},
		{ID: "h", CustomerID: "g", Time: day("2024-12-30T00:00:01Z"), Lines: []profile.Line{buy(1, 7)}},
	})
	if v := must(e.RFM(RFMValuesConfig{})); e.Future != 2 || len(v) != 1 || v[0].ID != "g" || v[0].Recency != 1.5 || v[0].Revenue != 5 {
		t.Errorf("orders after Now: RFM %+v, %d future; want only g with recency 1.5 days and revenue 5, 2 future", v, e.Future)
	}
	if st := must(e.Lifecycle(LifecycleConfig{})); len(st) != 1 || st[0].Stage != profile.New || st[0].RecencyDays != 1.5 {
		t.Errorf("orders after Now: lifecycle %+v, want g new with recency 1.5 days", st)
	}
	if !e.Now().Equal(early) {
		t.Errorf("Now() = %s, want %s", e.Now(), early)
	}
	// Timestamps before 1970 and far in the future are ordinary times.
	_ = a.Add(profile.Order{ID: "old", CustomerID: "o", Time: day("1960-02-29T12:00:00Z"), Lines: []profile.Line{buy(1, 1)}})
	if c := must(a.Cohorts(CohortConfig{})); c.Label(0) != "1960-02" {
		t.Errorf("1960 cohort %q", c.Label(0))
	}
}

func TestAdvocatesHandWorked(t *testing.T) {
	a := activityOf(t, []profile.Order{
		order("1", "a", "2025-01-01T00:00:00Z", buy(1, 100)), order("2", "a", "2025-01-02T00:00:00Z", buy(1, 100)),
		order("3", "b", "2025-01-01T00:00:00Z", buy(1, 150)), order("4", "b", "2025-03-02T00:00:00Z", buy(1, 50)),
		order("5", "c", "2025-01-01T00:00:00Z", buy(1, 500)), // one order: not eligible by default
		order("6", "d", "2025-01-01T00:00:00Z", buy(1, 10)), order("7", "d", "2025-01-01T00:00:00Z", buy(1, 10)),
	})
	// Eligible a (200, 2), b (200, 2), d (20, 2): a and b tie on revenue and orders -> by ID.
	adv := must(a.Advocates(AdvocateConfig{Top: 0.5})) // ceil(1.5) = 2
	if len(adv) != 2 || adv[0].ID != "a" || adv[1].ID != "b" || adv[1].Rank != 2 {
		t.Errorf("advocates %+v", adv)
	}
	adv = must(a.Advocates(AdvocateConfig{Top: 1, MinOrders: 1}))
	if adv[0].ID != "c" || len(adv) != 4 {
		t.Errorf("MinOrders 1: %+v", adv)
	}
	// Still active within 30 days of 2025-03-10: only b.
	adv = must(asOf(t, a, day("2025-03-10T00:00:00Z")).Advocates(AdvocateConfig{Top: 1, ActiveWithin: 30 * 24 * time.Hour}))
	if len(adv) != 1 || adv[0].ID != "b" {
		t.Errorf("active advocates %+v", adv)
	}
}

func TestCollectActivity(t *testing.T) {
	orders := []profile.Order{
		order("1", "a", "2025-01-05T10:00:00Z", buy(1, 10)),
		order("2", "a", "2025-02-03T10:00:00Z", buy(0, 5)), // zero quantity: invalid
		order("3", "b", "2025-01-31T23:59:59Z", buy(1, 20)),
	}
	seq := func(yield func(profile.Order) bool) {
		for _, o := range orders {
			if !yield(o) {
				return
			}
		}
	}
	if _, err := CollectActivity(context.Background(), seq, CollectConfig{}); !errors.Is(err, profile.ErrZeroQuantity) ||
		!strings.Contains(err.Error(), `order "2"`) {
		t.Errorf("strict: %v", err)
	}
	a, err := CollectActivity(context.Background(), seq, CollectConfig{SkipInvalid: true})
	if err != nil || a.Invalid != 1 || a.Len() != 2 {
		t.Errorf("skip: %v, invalid %d, customers %d", err, a.Invalid, a.Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	many := func(yield func(profile.Order) bool) {
		for i := range 10000 {
			if !yield(order(strconv.Itoa(i), "c", "2025-01-01T00:00:00Z", buy(1, 1))) {
				return
			}
		}
	}
	if _, err := CollectActivity(ctx, many, CollectConfig{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

package metrics

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// FuzzRateInterval: any counts and level give either "undefined" or a finite interval inside
// [0, 1] that is ordered; lifts are finite or invalid.
func FuzzRateInterval(f *testing.F) {
	f.Add(int64(5), int64(10), int64(3), int64(7), 0.95, uint8(0))
	f.Add(int64(0), int64(0), int64(0), int64(1), 0.0, uint8(2))
	f.Add(int64(1<<53), int64(1<<53+1), int64(-1), int64(1<<62), 1e-300, uint8(1))
	f.Fuzz(func(t *testing.T, k, n, k2, n2 int64, level float64, m uint8) {
		cfg := IntervalConfig{Method: Method(m % 4), Alpha: level}
		r := NewRate(k, n)
		ci, ok := RateInterval(r, cfg)
		if want := r.Defined() && cfg.Validate() == nil; ok != want {
			t.Fatalf("%d/%d %+v: interval ok %v, want %v", k, n, cfg, ok, want)
		}
		if ok && (!finite(ci.Lower) || !finite(ci.Upper) || ci.Lower < 0 || ci.Upper > 1 || ci.Lower > ci.Upper) {
			t.Fatalf("%d/%d %+v: %+v", k, n, cfg, ci)
		}
		l := RateLift(r, NewRate(k2, n2), cfg)
		if l.Valid && (!finite(l.Percent) || l.HasInterval && (!finite(l.Interval.Lower) || math.IsNaN(l.Interval.Upper) || l.Interval.Lower > l.Interval.Upper)) {
			t.Fatalf("lift %+v", l)
		}
	})
}

// FuzzRatioMoments: any finite units give a finite ratio and SE or an undefined estimate.
func FuzzRatioMoments(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(1e300, -1e300, 1e-300, 5.0, 0.0, 1e308)
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2, x3, y3 float64) {
		for _, v := range []float64{x1, y1, x2, y2, x3, y3} {
			if !finite(v) || math.Abs(v) > 1e150 {
				return // money and counts never get near overflow; documented bound
			}
		}
		var m RatioMoments
		m.Add(y1, x1) // numerator first
		m.Add(y2, x2)
		m.Add(y3, x3)
		e := EstimateRatio(m)
		if e.Valid && (!finite(e.Value) || !finite(e.SE)) {
			t.Fatalf("%+v -> %+v", m, e)
		}
	})
}

// FuzzAccumulator: arbitrary events never panic, and every report rate and estimate is
// finite or undefined.
func FuzzAccumulator(f *testing.F) {
	f.Add("a", int64(0), "view", 1.5, 2, "search", "o1", int64(60))
	f.Add("", int64(-1<<62), "purchase", math.Inf(1), 0, "", "", int64(0))
	f.Add("b", int64(1<<62), "return", 3.0, -4, "ads", "", int64(-5))
	f.Add("c", int64(1e18), "purchase", 9.99e14, 1, "ads", "o", int64(1))
	f.Fuzz(func(t *testing.T, who string, ns int64, typ string, price float64, qty int, ch, order string, stepSec int64) {
		a := newAcc(t, Config{Session: SessionConfig{SplitAtMidnight: ns%2 == 0}})
		fn, _ := NewFunnel(FunnelConfig{Steps: shopFunnel, Order: FunnelOrder(ns & 1), Window: time.Minute})
		for i := range 4 {
			e := profile.Event{CustomerID: who, Time: time.Unix(0, ns).Add(time.Duration(int64(i)*stepSec) * time.Second),
				Type: profile.EventType(typ), Price: price, Quantity: qty, Channel: ch, OrderID: order}
			a.Add(&e)
			fn.Add(&e)
			e.Type = shopFunnel[i]
			a.Add(&e)
			fn.Add(&e)
		}
		r := a.Report(ByChannel())
		for _, row := range append(r.Rows, r.Total) {
			for _, name := range AllColumns() {
				c := columns[name]
				if c.rate != nil {
					if ci, ok := RateInterval(c.rate(&row.KPIs), IntervalConfig{}); ok && (!finite(ci.Lower) || !finite(ci.Upper)) {
						t.Fatalf("%s: %+v", name, ci)
					}
				}
				if c.money != nil && !finite(c.money(&row.KPIs)) {
					t.Fatalf("%s: %v", name, c.money(&row.KPIs))
				}
				if c.est != nil {
					if e := c.est(&row.KPIs); e.Valid && (!finite(e.Value) || !finite(e.SE)) {
						t.Fatalf("%s: %+v", name, e)
					}
				}
			}
		}
		var b strings.Builder
		if err := r.WriteMarkdown(&b, AllColumns()...); err != nil || strings.Contains(b.String(), "NaN") {
			t.Fatalf("markdown %v:\n%s", err, b.String())
		}
		// A funnel only narrows: each step is reached by no more people than the one before,
		// and a step's rates are defined exactly when the step before it was reached.
		steps := fn.Result().Steps
		for k, st := range steps {
			prev := st.Reached
			if k > 0 {
				prev = steps[k-1].Reached
			}
			if st.Reached < 0 || st.Reached > prev || st.FromPrevious.Defined() != (prev > 0) ||
				st.DropOff.Defined() != (prev > 0) || st.FromStart.Defined() != (steps[0].Reached > 0) {
				t.Fatalf("funnel step %d: %+v after %d", k, st, prev)
			}
		}
	})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

package segment

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// FuzzFitRFM: arbitrary values and bin counts never panic; every score is in 1..bins, equal
// values get equal scores, and a larger frequency never scores lower.
func FuzzFitRFM(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(5), false)
	f.Add([]byte{0, 0, 0, 0, 0, 0}, uint8(4), true)
	f.Fuzz(func(t *testing.T, raw []byte, bins uint8, qcut bool) {
		var values []CustomerRFM
		for i := 0; i+3 <= len(raw); i += 3 {
			values = append(values, CustomerRFM{ID: string(rune('a' + i)), Recency: float64(raw[i]),
				Frequency: float64(raw[i+1] % 7), Monetary: float64(int8(raw[i+2])) / 4})
		}
		cfg := RFMConfig{Bins: int(bins % 12)}
		if qcut {
			cfg.Method = BinsQcut
		}
		m, err := FitRFM(values, cfg)
		if err != nil {
			return
		}
		q := cfg.Bins
		if q == 0 {
			q = 5
		}
		scored := m.ScoreAll(values)
		for i, s := range scored {
			for _, v := range []int{s.R, s.F, s.M} {
				if v < 1 || v > q {
					t.Fatalf("score %d outside 1..%d: %+v", v, q, s)
				}
			}
			for j := range i {
				o := scored[j]
				if o.Frequency == s.Frequency && o.F != s.F || o.Frequency < s.Frequency && o.F > s.F {
					t.Fatalf("frequency %v -> %d but %v -> %d", o.Frequency, o.F, s.Frequency, s.F)
				}
				if o.Recency < s.Recency && o.R < s.R {
					t.Fatalf("recency %v -> %d but %v -> %d (reversed)", o.Recency, o.R, s.Recency, s.R)
				}
			}
		}
		sum := 0
		for _, s := range m.Summary(scored) {
			sum += s.Customers
			if math.IsNaN(s.AOV) || math.IsNaN(s.RevenueShare) {
				t.Fatalf("NaN in summary %+v", s)
			}
		}
		if sum != len(values) {
			t.Fatalf("summary counts %d of %d customers", sum, len(values))
		}
	})
}

// FuzzActivity: arbitrary orders never panic; cohorts count every customer with an order
// once, offset 0 is the whole cohort, and RFM, lifecycle and repeat statistics agree on the
// number of customers.
func FuzzActivity(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{0, 255, 0, 128, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		// Four bytes an order: customer and price, day (from 1915 to 2094), quantity and time
		// of day. Zero quantities are rejected by Add.
		orders := make([]profile.Order, 0, len(raw)/4)
		for i := 0; i+4 <= len(raw); i += 4 {
			days := int64(binary.LittleEndian.Uint16(raw[i+1:])) - 20000
			q := int(int8(raw[i+3])) % 4
			orders = append(orders, profile.Order{ID: "o", CustomerID: string(rune('a' + raw[i]%5)),
				Time:  time.Unix(days*86400+int64(raw[i+3])*999, 0),
				Lines: []profile.Line{{Quantity: q, UnitPrice: float64(raw[i] % 9)}}})
		}
		var a Activity
		for i := range orders {
			_ = a.Add(orders[i])
		}
		for _, p := range []Period{Month, Week} {
			c := must(a.Cohorts(CohortConfig{Period: p}))
			total := 0
			for k := range c.Sizes {
				total += c.Sizes[k]
				if c.Active[k][0] != c.Sizes[k] {
					t.Fatalf("cohort %d: %d active at 0 of %d", k, c.Active[k][0], c.Sizes[k])
				}
				if k > 0 && !c.Starts[k].After(c.Starts[k-1]) {
					t.Fatalf("cohorts out of order")
				}
			}
			if n := len(must(a.RFM(RFMValuesConfig{}))); total != n || len(must(a.Lifecycle(LifecycleConfig{}))) != n || a.Repeat().Customers != n {
				t.Fatalf("cohorts %d, rfm %d, lifecycle %d, repeat %d", total, n, len(must(a.Lifecycle(LifecycleConfig{}))), a.Repeat().Customers)
			}
		}
		nvr := 0
		for _, m := range a.NewVsReturning() {
			nvr += m.New
		}
		if nvr != a.Repeat().Customers {
			t.Fatalf("new customers over months %d, customers %d", nvr, a.Repeat().Customers)
		}
		// Numbers owed are numbers: no NaN in repeat statistics, retention or values.
		r := a.Repeat()
		for _, v := range []float64{r.Share, r.MedianDaysToReturn, r.MeanDaysToReturn} {
			if math.IsNaN(v) || v < 0 {
				t.Fatalf("repeat stats %+v", r)
			}
		}
		c := must(a.Cohorts(CohortConfig{}))
		for k := range c.Sizes {
			for o := range c.Active[k] {
				if rt := c.Retention(k, o); math.IsNaN(rt) || rt < 0 || rt > 1 || math.IsNaN(c.Value(k, o)) {
					t.Fatalf("cohort %d offset %d: retention %v value %v", k, o, rt, c.Value(k, o))
				}
			}
		}
		// Merging two halves gives the same repeat statistics and RFM values as one pass (the
		// amounts are whole numbers, so sums in another order are still exact).
		var h1, h2 Activity
		for i := range orders {
			if i%2 == 0 {
				_ = h1.Add(orders[i])
			} else {
				_ = h2.Add(orders[i])
			}
		}
		if err := h1.Merge(&h2); err != nil {
			t.Fatal(err)
		}
		if h1.Repeat() != a.Repeat() {
			t.Fatalf("merged repeat %+v, whole %+v", h1.Repeat(), a.Repeat())
		}
		w, m := must(a.RFM(RFMValuesConfig{Basis: PerDay})), must(h1.RFM(RFMValuesConfig{Basis: PerDay}))
		if len(w) != len(m) {
			t.Fatalf("merged %d RFM values, whole %d", len(m), len(w))
		}
		for i := range w {
			if w[i].ID != m[i].ID || w[i].Recency != m[i].Recency || w[i].Frequency != m[i].Frequency || w[i].Monetary != m[i].Monetary {
				t.Fatalf("merged %+v, whole %+v", m[i], w[i])
			}
		}
	})
}

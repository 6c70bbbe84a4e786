package profile

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// FuzzBuilder feeds arbitrary orders and events (decoded from bytes) to two builders, one
// whole and one as two merged shards, and checks that nothing panics, that every profile is
// plausible (no NaN or infinity, even at the magnitude bound; shares in [0, 1]; revenue within
// [0, gross]; encodable as JSON) and that the merged shards agree with the whole.
func FuzzBuilder(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 0, 0, 0, 255, 255, 255, 255, 128, 128, 128, 128})
	f.Add([]byte("orders and events and returns"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := Config{Now: day0(40), Windows: map[string]time.Duration{"b": 3 * day}}
		whole, s1, s2 := newBuilder(t, cfg), newBuilder(t, cfg), newBuilder(t, cfg)
		for i := 0; i+4 <= len(data); i += 4 {
			c, k, q, p := data[i], data[i+1], data[i+2], data[i+3]
			cust := string(rune('a' + c%4))
			if c%17 == 0 {
				cust = "" // guest
			}
			shard := s1
			if i%8 == 4 {
				shard = s2
			}
			if k%5 == 0 {
				e := Event{CustomerID: cust, AnonymousID: "x" + cust, Time: day0(int(p % 50)), Type: EventType([]string{"view", "purchase", "return", "wishlist"}[q%4]),
					ItemID: string(rune('p' + k%3)), Quantity: int(int8(q)) % 3, Channel: "web", Price: float64(p)}
				errW := whole.AddEvent(e)
				errS := shard.AddEvent(e)
				if (errW == nil) != (errS == nil) {
					t.Fatalf("event accepted by one builder only: %v / %v", errW, errS)
				}
				continue
			}
			qty := int(int8(q)) % 4
			price := float64(p) / 3
			if p == 255 {
				price = math.NaN()
			}
			if k%7 == 3 { // the extremes: accepted at the bound, refused past it
				price = []float64{1e15, 5e-324, 1e308, 1 << 53, math.Inf(1)}[p%5]
				qty = []int{1e15, -1e15, 1 << 53, 1, -1}[q%5]
			}
			o := Order{ID: string(rune('A' + i%7)), CustomerID: cust, Time: day0(int(p % 50)), Lines: []Line{
				{ItemID: string(rune('p' + k%3)), Category: string(rune('a' + k%3)), Brand: string(rune('m' + q%2)), Quantity: qty, UnitPrice: price, ListPrice: float64(k)},
			}}
			errW := whole.AddOrder(o)
			errS := shard.AddOrder(o)
			if (errW == nil) != (errS == nil) {
				t.Fatalf("order accepted by one builder only: %v / %v", errW, errS)
			}
		}
		if err := s1.Merge(s2); err != nil {
			t.Fatal(err)
		}
		pw, ps := whole.Profiles(), s1.Profiles()
		if pw.Len() != ps.Len() || pw.Report().Future != ps.Report().Future || pw.Report().Invalid != ps.Report().Invalid {
			t.Fatalf("whole %d profiles %+v, shards %d %+v", pw.Len(), pw.Report(), ps.Len(), ps.Report())
		}
		for p := range pw.All() {
			q, ok := ps.Get(p.CustomerID)
			// Revenue is GrossRevenue - ReturnedRevenue: shards sum the lines in another order, so
			// the two agree to the rounding of the gross sums (at 1e15 an ulp is 0.125), not of
			// the difference.
			if !ok || q.Orders != p.Orders || q.Units != p.Units || math.Abs(q.Revenue-p.Revenue) > 1e-9*(1+p.GrossRevenue) || q.Stage != p.Stage {
				t.Fatalf("whole %+v\nshards %+v", p, q)
			}
			for _, v := range []float64{p.Revenue, p.GrossRevenue, p.ReturnedRevenue, p.AOV, p.ReturnRate, p.DiscountSpendShare, p.DiscountLineShare, p.CategoryShare, p.RecencyDays, p.RepeatIntervalMeanDays} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite value in %+v", p)
				}
			}
			if _, err := json.Marshal(p); err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			if p.Revenue < 0 || p.Revenue > p.GrossRevenue+1e-9 || p.ReturnRate < 0 || p.ReturnRate > 1 ||
				p.DiscountSpendShare < 0 || p.DiscountSpendShare > 1+1e-12 || p.CategoryShare > 1 {
				t.Fatalf("implausible %+v", p)
			}
		}
	})
}

package segment

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// randomOrders gives n orders of a few customers with whole prices (so every revenue sum is
// exact in any order), categories, regions, channels and some returns, over two years.
func randomOrders(r *rand.Rand, n, customers int) []profile.Order {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cats := []string{"", "grocery", "apparel", "toys"}
	out := make([]profile.Order, n)
	for i := range out {
		o := profile.Order{ID: fmt.Sprint("o", i), CustomerID: fmt.Sprint("c", r.IntN(customers)),
			Time: start.Add(time.Duration(r.Int64N(int64(730 * 24 * time.Hour))))}
		if r.IntN(20) == 0 {
			o.CustomerID = "" // a guest
		}
		if r.IntN(3) == 0 {
			o.Region = []string{"EU", "UK", "US"}[r.IntN(3)]
		}
		if r.IntN(3) == 0 {
			o.Channel = []string{"web", "app"}[r.IntN(2)]
		}
		ret := r.IntN(8) == 0
		for range 1 + r.IntN(3) {
			q := 1 + r.IntN(3)
			if ret {
				q = -q
			}
			o.Lines = append(o.Lines, profile.Line{Quantity: q, UnitPrice: float64(1 + r.IntN(50)), Category: cats[r.IntN(len(cats))]})
		}
		out[i] = o
	}
	return out
}

// results is everything an Activity reports, for comparing two of them.
func results(t *testing.T, a *Activity) map[string]any {
	t.Helper()
	lc := LifecycleConfig{Window: 30 * 24 * time.Hour, Windows: map[string]time.Duration{"grocery": 10 * 24 * time.Hour, "": 60 * 24 * time.Hour}}
	return map[string]any{
		"rfm":       must(a.RFM(RFMValuesConfig{})),
		"rfm/day":   must(a.RFM(RFMValuesConfig{Basis: PerDay})),
		"lifecycle": must(a.Lifecycle(lc)),
		"customers": must(a.Customers(lc)),
		"month":     must(a.Cohorts(CohortConfig{Period: Month})),
		"week":      must(a.Cohorts(CohortConfig{Period: Week})),
		"newret":    a.NewVsReturning(),
		"repeat":    a.Repeat(),
		"advocates": must(a.Advocates(AdvocateConfig{Top: 1, MinOrders: 1, ActiveWithin: 200 * 24 * time.Hour})),
		"counts":    [...]int{a.Len(), a.Returns, a.Future, a.GuestOrders},
	}
}

// Forget is exact: after forgetting some customers, every result equals that of an Activity
// built from the other customers' orders alone (property over random shops, reference times
// and forget sets, with a query between forgets so that forgetting a normalised Activity and
// adding after a Forget are both exercised).
func TestForgetEqualsRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 1))
	for trial := range 40 {
		orders := randomOrders(r, 50+r.IntN(300), 3+r.IntN(30))
		now := time.Time{}
		if trial%2 == 1 {
			now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) // some orders are after it
		}
		gone := map[string]bool{}
		for range 1 + r.IntN(4) {
			gone[fmt.Sprint("c", r.IntN(20))] = true
		}
		gone["nobody"] = true
		// Half the orders, a query, then forget, then the rest of the orders.
		a := activityAt(t, now, nil)
		half := len(orders) / 2
		if err := a.AddAll(slices.Values(orders[:half])); err != nil {
			t.Fatal(err)
		}
		_ = must(a.RFM(RFMValuesConfig{}))
		var reps []ForgetReport
		for id := range gone {
			reps = append(reps, a.Forget(id))
		}
		var rest, kept []profile.Order
		for _, o := range orders[half:] {
			if !gone[o.CustomerID] {
				rest = append(rest, o)
			}
		}
		if err := a.AddAll(slices.Values(rest)); err != nil {
			t.Fatal(err)
		}
		for _, o := range orders {
			if !gone[o.CustomerID] {
				kept = append(kept, o)
			}
		}
		want := results(t, activityAt(t, now, kept))
		got := results(t, a)
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Fatalf("trial %d: %s after Forget differs from the rebuild:\n got %+v\nwant %+v", trial, k, got[k], want[k])
			}
		}
		for _, rep := range reps {
			held := slices.ContainsFunc(orders[:half], func(o profile.Order) bool { return o.CustomerID == rep.Person })
			if rep.Found != held || rep.Found != (len(rep.Removed) > 0) {
				t.Errorf("trial %d: report %+v, held %v", trial, rep, held)
			}
		}
	}
}

// Hand-worked reports: the counts by kind, an unknown customer found false with nothing
// listed, and ForgetAll in the order given.
func TestForgetReport(t *testing.T) {
	now := day("2025-01-10T00:00:00Z")
	a := activityAt(t, now, []profile.Order{
		order1("1", "c", day("2025-01-01T00:00:00Z"), 1, 10),
		order1("2", "c", day("2025-01-02T00:00:00Z"), 2, 10),
		order1("3", "c", day("2025-01-03T00:00:00Z"), -1, 10), // a return
		order1("4", "c", day("2025-02-01T00:00:00Z"), 1, 10),  // after Now
		order1("5", "d", day("2025-01-05T00:00:00Z"), 1, 10),
	})
	reps := a.ForgetAll("c", "zed", "d")
	want := []string{
		`{"person":"c","found":true,"removed":{"future_orders":1,"orders":2,"returns":1}}`,
		`{"person":"zed","found":false}`,
		`{"person":"d","found":true,"removed":{"orders":1}}`,
	}
	for k, rep := range reps {
		b, err := json.Marshal(rep)
		if err != nil || string(b) != want[k] {
			t.Errorf("report %d = %s (%v), want %s", k, b, err, want[k])
		}
	}
	if a.Len() != 0 || a.Returns != 0 || a.Future != 0 || len(must(a.RFM(RFMValuesConfig{}))) != 0 {
		t.Errorf("after forgetting everyone: %d customers, %d returns, %d future", a.Len(), a.Returns, a.Future)
	}
	if rep := a.Forget("c"); rep.Found || rep.Removed != nil {
		t.Errorf("forgetting twice: %+v", rep)
	}
	var zero Activity
	if rep := zero.Forget("x"); rep.Found {
		t.Errorf("zero Activity: %+v", rep)
	}
}

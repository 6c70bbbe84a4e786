package profile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tailorkit/tailor/profile"
)

func day(d int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }

func ExampleBuild() {
	orders := []profile.Order{
		{ID: "o1", CustomerID: "ann", Time: day(0), Channel: "search", Lines: []profile.Line{
			{ItemID: "coat", Category: "apparel", Brand: "north", Quantity: 1, UnitPrice: 120, ListPrice: 150},
			{ItemID: "hat", Category: "apparel", Brand: "north", Quantity: 1, UnitPrice: 30, ListPrice: 30},
		}},
		{ID: "o2", CustomerID: "ann", Time: day(40), Channel: "email", Lines: []profile.Line{
			{ItemID: "boots", Category: "shoes", Brand: "trail", Quantity: 1, UnitPrice: 90},
		}},
		{ID: "r1", CustomerID: "ann", Time: day(45), Lines: []profile.Line{
			{ItemID: "hat", Category: "apparel", Brand: "north", Quantity: -1, UnitPrice: 30},
		}},
		{ID: "g1", Time: day(41), Lines: []profile.Line{{ItemID: "hat", Quantity: 1, UnitPrice: 30}}}, // a guest
	}
	// Now is day 60: ann has been a customer for 60 days, within the default 90-day window, so
	// she is still "new".
	ps, err := profile.Build(context.Background(), slices.Values(orders), nil, profile.Config{Now: day(60)})
	if err != nil {
		panic(err)
	}
	ann, _ := ps.Get("ann")
	fmt.Printf("orders %d, revenue %.0f of %.0f gross, AOV %.0f, return rate %.3f\n",
		ann.Orders, ann.Revenue, ann.GrossRevenue, ann.AOV, ann.ReturnRate)
	fmt.Printf("recency %.0f days, repeat interval %.0f days, stage %s\n", ann.RecencyDays, ann.RepeatIntervalMeanDays, ann.Stage)
	fmt.Printf("bought at >= 10%% off: %.3f of spend; apparel median price %.0f\n", ann.DiscountSpendShare, ann.PriceBands["apparel"].Median)
	fmt.Printf("guest orders skipped: %d\n", ps.Report().GuestOrders)
	// Output:
	// orders 2, revenue 210 of 240 gross, AOV 105, return rate 0.125
	// recency 20 days, repeat interval 40 days, stage new
	// bought at >= 10% off: 0.500 of spend; apparel median price 75
	// guest orders skipped: 1
}

func ExampleStitcher() {
	st, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Browsing on a cookie, then a login on it, then the same e-mail hash on a phone.
	st.Observe(day(0), profile.Identity{Type: profile.IDAnonymous, Value: "cookie-1"})
	st.Observe(day(1), profile.Identity{Type: profile.IDAnonymous, Value: "cookie-1"},
		profile.Identity{Type: profile.IDUser, Value: "ann"}, profile.Identity{Type: profile.IDEmailHash, Value: "e3b0"})
	st.Observe(day(2), profile.Identity{Type: profile.IDDevice, Value: "phone-7"}, profile.Identity{Type: profile.IDEmailHash, Value: "e3b0"})
	// A second account on the same cookie is not merged: one user ID per customer.
	st.Observe(day(3), profile.Identity{Type: profile.IDAnonymous, Value: "cookie-1"}, profile.Identity{Type: profile.IDUser, Value: "bob"})

	for id, ids := range st.Customers() {
		fmt.Println(id, ids)
	}
	for _, e := range st.Audit("ann") {
		fmt.Println(e.Time.Format("Jan 2"), e.Action, e.Identity.Value, "via", e.Anchor.Value)
	}
	// Output:
	// ann [{anonymous_id cookie-1} {device_id phone-7} {email_hash e3b0} {user_id ann}]
	// bob [{user_id bob}]
	// Mar 2 joined ann via cookie-1
	// Mar 2 joined e3b0 via cookie-1
	// Mar 3 joined phone-7 via e3b0
	// Mar 4 refused bob via cookie-1
}

func ExampleBuilder_Export() {
	var consents profile.Consents
	_ = consents.Grant("ann", profile.PurposeAnalytics, day(0))
	b, err := profile.NewBuilder(profile.Config{Now: day(10), Consents: &consents})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = b.AddOrder(profile.Order{ID: "o1", CustomerID: "ann", Time: day(1), Lines: []profile.Line{{ItemID: "tea", Quantity: 2, UnitPrice: 4}}})

	ex, _ := b.Export("ann", day(10))
	raw, _ := json.Marshal(ex)
	var shape map[string]json.RawMessage
	_ = json.Unmarshal(raw, &shape)
	fmt.Println(len(shape), "keys; orders:", string(shape["orders"]))

	rep := b.Forget("ann")
	fmt.Println(rep)
	raw, _ = json.Marshal(b.Forget("nobody"))
	fmt.Println(string(raw))
	_, err = b.Export("ann", day(10))
	fmt.Println(err)
	// Output:
	// 7 keys; orders: [{"id":"o1","time":"2025-03-02T00:00:00Z"}]
	// ann: removed 1 accumulators, 1 consents, 1 orders
	// {"person":"nobody","found":false}
	// profile: unknown customer
}

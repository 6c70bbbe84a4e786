package shoptest

import (
	"time"

	"github.com/tailorkit/tailor/profile"
)

// FixtureNow is the reference time of the fixtures: 2025-07-01 00:00 UTC.
func FixtureNow() time.Time { return time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }

func day(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }

// FixtureOrders returns a fresh copy of four hand-written orders and one return of three
// customers, worked out by hand against FixtureNow (2025-07-01 UTC):
//
//	ann  A1 2025-04-21  1 x tea (groceries, leafco) at 4.00
//	     A2 2025-05-22  1 x jacket (apparel, northwind) at 80.00, list price 100.00 (20% off)
//	     A3 2025-06-21  2 x tea at 4.00
//	     -> 3 orders, 4 units, revenue 92.00, AOV 30.67, recency 10 days, tenure 71 days,
//	        discount share of spend 80/92 = 0.8696, 2 categories, gaps of 31 and 30 days
//	ben  B1 2025-01-15  1 x boots (shoes, stride) at 60.00
//	     B1-R 2025-01-25 the boots returned (ReturnOf B1)
//	     -> 1 order, gross 60.00, revenue 0.00, return rate 1, recency 167 days
//	cy   C1 2025-06-01  1 x watch (jewelry, chrono) at 250.00 and 1 x strap (jewelry, chrono) at 30.00
//	     -> 1 order, 2 units, revenue 280.00, recency 30 days, tenure 30 days
//
// dee has no orders (see FixtureEvents). Every order carries Channel, Device and Region.
func FixtureOrders() []profile.Order {
	tea := func(q int) profile.Line {
		return profile.Line{ItemID: "tea", Category: "groceries", Brand: "leafco", Quantity: q, UnitPrice: 4, ListPrice: 4}
	}
	return []profile.Order{
		{ID: "A1", CustomerID: "ann", Time: day(time.April, 21), Channel: "search", Device: "mobile", Region: "DE",
			Lines: []profile.Line{tea(1)}},
		{ID: "A2", CustomerID: "ann", Time: day(time.May, 22), Channel: "email", Device: "mobile", Region: "DE",
			Lines: []profile.Line{{ItemID: "jacket", Category: "apparel", Brand: "northwind", Quantity: 1, UnitPrice: 80, ListPrice: 100}}},
		{ID: "A3", CustomerID: "ann", Time: day(time.June, 21), Channel: "direct", Device: "desktop", Region: "DE",
			Lines: []profile.Line{tea(2)}},
		{ID: "B1", CustomerID: "ben", Time: day(time.January, 15), Channel: "social", Device: "mobile", Region: "FR",
			Lines: []profile.Line{{ItemID: "boots", Category: "shoes", Brand: "stride", Quantity: 1, UnitPrice: 60, ListPrice: 60}}},
		{ID: "B1-R", CustomerID: "ben", Time: day(time.January, 25), Channel: "social", Device: "mobile", Region: "FR", ReturnOf: "B1",
			Lines: []profile.Line{{ItemID: "boots", Category: "shoes", Brand: "stride", Quantity: -1, UnitPrice: 60, ListPrice: 60}}},
		{ID: "C1", CustomerID: "cy", Time: day(time.June, 1), Channel: "search", Device: "desktop", Region: "UK",
			Lines: []profile.Line{
				{ItemID: "watch", Category: "jewelry", Brand: "chrono", Quantity: 1, UnitPrice: 250, ListPrice: 250},
				{ItemID: "strap", Category: "jewelry", Brand: "chrono", Quantity: 1, UnitPrice: 30, ListPrice: 30},
			}},
	}
}

// FixtureEvents returns a fresh copy of the fixtures' events: ann's views, cart and purchase
// around her last order, ben's purchase, and dee, a prospect who never bought: an anonymous visitor ("cookie-d") who
// viewed the tea and the jacket, logged in as dee (the login event links the cookie to dee
// through Identities) and put the tea in the cart, all on 2025-06-30.
//
//	ann  2025-06-20 view tea, view jacket; 2025-06-21 add_to_cart tea (2), purchase tea (2, A3)
//	dee  2025-06-30 10:00 view tea (anonymous), 10:02 view jacket (anonymous),
//	     10:05 page_view "login" with CustomerID dee and AnonymousID cookie-d, 10:06 add_to_cart tea
//	ben  2025-01-15 purchase boots (1, B1)
//	-> 9 events; dee: 0 orders, last seen 2025-06-30 10:06, 1 cart with 1 item left open
func FixtureEvents() []profile.Event {
	at := func(d time.Time, h, m int) time.Time {
		return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	jun20, jun21, jun30 := day(time.June, 20), day(time.June, 21), day(time.June, 30)
	return []profile.Event{
		{CustomerID: "ann", Time: at(jun20, 19, 0), Type: profile.View, ItemID: "tea", Category: "groceries", Brand: "leafco", Price: 4, ListPrice: 4, Channel: "direct", Device: "desktop", Region: "DE", SessionID: "s-ann-1"},
		{CustomerID: "ann", Time: at(jun20, 19, 3), Type: profile.View, ItemID: "jacket", Category: "apparel", Brand: "northwind", Price: 100, ListPrice: 100, Channel: "direct", Device: "desktop", Region: "DE", SessionID: "s-ann-1"},
		{CustomerID: "ann", Time: at(jun21, 0, 0), Type: profile.AddToCart, ItemID: "tea", Category: "groceries", Brand: "leafco", Price: 4, ListPrice: 4, Quantity: 2, Channel: "direct", Device: "desktop", Region: "DE", SessionID: "s-ann-2"},
		{CustomerID: "ann", Time: at(jun21, 0, 0), Type: profile.Purchase, ItemID: "tea", Category: "groceries", Brand: "leafco", Price: 4, ListPrice: 4, Quantity: 2, OrderID: "A3", Channel: "direct", Device: "desktop", Region: "DE", SessionID: "s-ann-2"},
		{AnonymousID: "cookie-d", Time: at(jun30, 10, 0), Type: profile.View, ItemID: "tea", Category: "groceries", Brand: "leafco", Price: 4, ListPrice: 4, Channel: "social", Device: "mobile", Region: "FR", SessionID: "s-dee-1"},
		{AnonymousID: "cookie-d", Time: at(jun30, 10, 2), Type: profile.View, ItemID: "jacket", Category: "apparel", Brand: "northwind", Price: 100, ListPrice: 100, Channel: "social", Device: "mobile", Region: "FR", SessionID: "s-dee-1"},
		{CustomerID: "dee", AnonymousID: "cookie-d", Time: at(jun30, 10, 5), Type: profile.PageView, Channel: "social", Device: "mobile", Region: "FR", SessionID: "s-dee-1"},
		{CustomerID: "dee", Time: at(jun30, 10, 6), Type: profile.AddToCart, ItemID: "tea", Category: "groceries", Brand: "leafco", Price: 4, ListPrice: 4, Quantity: 1, Channel: "social", Device: "mobile", Region: "FR", SessionID: "s-dee-1"},
		{CustomerID: "ben", Time: day(time.January, 15), Type: profile.Purchase, ItemID: "boots", Category: "shoes", Brand: "stride", Price: 60, ListPrice: 60, Quantity: 1, OrderID: "B1", Channel: "social", Device: "mobile", Region: "FR", SessionID: "s-ben-1"},
	}
}

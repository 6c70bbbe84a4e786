package shoptest_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// A seeded shop: the same Config gives the same customers, rows and reference time.
func Example() {
	shop, err := shoptest.New(shoptest.Config{Seed: 1, Customers: 100})
	if err != nil {
		panic(err)
	}
	profiles, err := profile.Build(context.Background(), shop.Orders(), nil, profile.Config{Now: shop.Now()})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(shop.Customers()), "customers, reference time", shop.Now().Format("2006-01-02"))
	fmt.Println(profiles.Len() > 0, shop.Experiment().Variants)
	// Output:
	// 100 customers, reference time 2026-01-01
	// true [control treatment]
}

// The fixtures' numbers are worked out by hand in FixtureOrders' doc.
func ExampleFixtureOrders() {
	profiles, err := profile.Build(context.Background(), slices.Values(shoptest.FixtureOrders()), nil,
		profile.Config{Now: shoptest.FixtureNow()})
	if err != nil {
		panic(err)
	}
	ann, _ := profiles.Get("ann")
	fmt.Printf("ann: %d orders, revenue %.2f, recency %.0f days\n", ann.Orders, ann.Revenue, ann.RecencyDays)
	// Output: ann: 3 orders, revenue 92.00, recency 10 days
}

// Churned reports the planted truth behind a customer's silence.
func ExampleShop_Churned() {
	shop, _ := shoptest.New(shoptest.Config{Customers: 200})
	churned := 0
	for _, c := range shop.Customers() {
		if gone, _, _ := shop.Churned(c.ID); gone {
			churned++
		}
	}
	fmt.Println(churned > 0 && churned < 200)
	// Output: true
}

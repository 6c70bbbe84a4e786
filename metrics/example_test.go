package metrics_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
)

// A conversion rate with its 95% Wilson interval, and the undefined rate of an empty segment.
func ExampleRate() {
	conv := metrics.NewRate(45, 1200)
	ci, _ := metrics.RateInterval(conv, metrics.IntervalConfig{})
	fmt.Printf("%v [%.2f%%, %.2f%%]\n", conv, 100*ci.Lower, 100*ci.Upper)

	jeff, _ := metrics.RateInterval(conv, metrics.IntervalConfig{Method: metrics.Jeffreys, Alpha: 0.1})
	fmt.Printf("90%% Jeffreys [%.2f%%, %.2f%%]\n", 100*jeff.Lower, 100*jeff.Upper)

	empty := metrics.NewRate(0, 0)
	_, ok := empty.Value()
	fmt.Println(empty, ok)
	// SciPy (testdata/intervals.py's formulas): Wilson [2.8143%, 4.9809%], Jeffreys 90%
	// beta.ppf(0.05, 45.5, 1155.5) = 2.9285%, beta.isf(0.05, ...) = 4.7360%.

	// Output:
	// 3.8% [2.81%, 4.98%]
	// 90% Jeffreys [2.93%, 4.74%]
	// n/a false
}

func ev(who string, min int, typ profile.EventType, channel string) profile.Event {
	t := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(min) * time.Minute)
	e := profile.Event{CustomerID: who, Time: t, Type: typ, Channel: channel, ItemID: "mug"}
	if typ == profile.Purchase {
		e.Quantity, e.Price, e.OrderID = 1, 12, who+"-1"
	}
	return e
}

// Sessions and a per-channel KPI table from raw events, in one pass.
func ExampleAccumulator() {
	events := []profile.Event{
		ev("ann", 0, profile.View, "email"), ev("ann", 2, profile.AddToCart, ""), ev("ann", 3, profile.Purchase, ""),
		ev("bob", 0, profile.View, "social"),
		ev("bob", 90, profile.View, "social"), ev("bob", 91, profile.View, ""), // a second session
	}
	acc, err := metrics.NewAccumulator(metrics.Config{})
	if err != nil {
		panic(err)
	}
	if err := acc.AddAll(context.Background(), slices.Values(events)); err != nil {
		panic(err)
	}
	report := acc.Report(metrics.ByChannel())
	report.WriteMarkdown(os.Stdout, "Sessions", "Bounce", "SessionConversion", "AOV", "TopItem")
	// Output:
	// | channel | sessions | bounce rate | conversion/session | AOV | most popular item |
	// |---|---:|---:|---:|---:|---|
	// | email | 1 | 0.0% [0.0, 79.3] | 100.0% [20.7, 100.0] | 12.00 | mug (1) |
	// | social | 2 | 50.0% [9.5, 90.5] | 0.0% [0.0, 65.8] | n/a | - |
	// | total | 3 | 33.3% [6.1, 79.2] | 33.3% [6.1, 79.2] | 12.00 | mug (1) |
}

// A checkout funnel: where people get lost.
func ExampleFunnel() {
	f, err := metrics.NewFunnel(metrics.FunnelConfig{
		Steps: []profile.EventType{profile.View, profile.AddToCart, profile.Purchase},
	})
	if err != nil {
		panic(err)
	}
	for _, e := range []profile.Event{
		ev("ann", 0, profile.View, ""), ev("ann", 2, profile.AddToCart, ""), ev("ann", 3, profile.Purchase, ""),
		ev("bob", 0, profile.View, ""), ev("bob", 5, profile.AddToCart, ""),
		ev("cat", 0, profile.View, ""),
	} {
		f.Add(&e)
	}
	for _, s := range f.Result().Steps {
		fmt.Printf("%-12s %d  drop-off %v\n", s.Name, s.Reached, s.DropOff)
	}
	// Output:
	// view         3  drop-off 0.0%
	// add_to_cart  2  drop-off 33.3%
	// purchase     1  drop-off 50.0%
}

// Repeat purchase rate versus Shopify's returning customer rate over one month.
func ExampleOrders() {
	orders := metrics.NewOrders(metrics.OrdersConfig{})
	buy := func(id, who string, day int) {
		orders.Add(&profile.Order{ID: id, CustomerID: who, Time: time.Date(2025, 3, day, 12, 0, 0, 0, time.UTC),
			Lines: []profile.Line{{ItemID: "mug", Quantity: 1, UnitPrice: 12}}})
	}
	buy("1", "ann", -10) // February 18: before the period
	buy("2", "ann", 5)
	buy("3", "bob", 2)
	buy("4", "bob", 20)
	buy("5", "cat", 9)
	march := metrics.Period{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}
	r := orders.Report(march)
	fmt.Println("repeat purchase:", r.RepeatPurchase, "returning customers:", r.ReturningCustomer, "AOV:", r.AOV)
	// Output:
	// repeat purchase: 33.3% returning customers: 66.7% AOV: 12.00
}

// A with/without comparison: the lift of each KPI in percent with its interval.
func ExampleCompare() {
	without := metrics.KPIs{CTR: metrics.NewRate(50, 1000), SessionConversion: metrics.NewRate(30, 1000)}
	with := metrics.KPIs{CTR: metrics.NewRate(60, 1000), SessionConversion: metrics.NewRate(36, 1000)}
	c, err := metrics.Compare("without", without, "with", with, metrics.IntervalConfig{}, "CTR", "SessionConversion")
	if err != nil {
		panic(err)
	}
	c.WriteMarkdown(os.Stdout)
	// SciPy: Wilson 60/1000 = [4.690%, 7.647%]; Katz lift 50→60 of 1000 = [-16.69%, +72.85%],
	// 30→36 of 1000 = [-25.49%, +93.26%].

	// Output:
	// | KPI | without | with | lift |
	// |---|---:|---:|---:|
	// | CTR | 5.0% [3.8, 6.5] | 6.0% [4.7, 7.6] | +20.0% [-16.7%, +72.8%] |
	// | conversion/session | 3.0% [2.1, 4.3] | 3.6% [2.6, 4.9] | +20.0% [-25.5%, +93.3%] |
}

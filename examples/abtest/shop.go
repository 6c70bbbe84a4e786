package main

import (
	"fmt"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// shopRows simulates the default synthetic shop and aggregates its planted experiment per
// customer, as a warehouse query would: one row per variant and metric.
func shopRows() ([]abtest.Row, string) {
	shop := shopsim.New(shopsim.Config{})
	exp := shop.Experiment()
	type cust struct{ orders, checkouts, revenue float64 }
	per := map[string]*cust{}
	for _, c := range shop.Customers() {
		per[c.ID] = &cust{}
	}
	for ev := range shop.Events() {
		if ev.Type == profile.Checkout {
			if c := per[ev.CustomerID]; c != nil {
				c.checkouts++
			}
		}
	}
	for o := range shop.Orders() {
		c := per[o.CustomerID]
		if c == nil || o.ReturnOf != "" {
			continue
		}
		c.orders++
		for _, l := range o.Lines {
			c.revenue += l.Amount()
		}
	}
	type stats struct {
		conv     abtest.Moments
		revenue  abtest.Moments
		perCheck abtest.RatioMoments
		aov      abtest.RatioMoments
	}
	arms := make([]stats, len(exp.Variants))
	index := map[string]int{}
	for i, v := range exp.Variants {
		index[v] = i
	}
	for _, c := range shop.Customers() {
		s := &arms[index[shop.Variant(c.ID)]]
		k := per[c.ID]
		converted := 0.0
		if k.orders > 0 {
			converted = 1
		}
		s.conv.Add(converted)
		s.revenue.Add(k.revenue)
		s.perCheck.Add(k.orders, k.checkouts)
		s.aov.Add(k.revenue, k.orders)
	}
	var rows []abtest.Row
	for i, v := range exp.Variants {
		s := arms[i]
		base := abtest.Row{Experiment: exp.Name, Variant: v}
		r := base
		r.Metric, r.Units, r.Sum, r.SumSquares = "conversion", s.conv.N, s.conv.Sum, s.conv.SumSquares
		rows = append(rows, r)
		r = base
		r.Metric, r.Units, r.Sum, r.SumSquares = "revenue", s.revenue.N, s.revenue.Sum, s.revenue.SumSquares
		rows = append(rows, r)
		for _, m := range []struct {
			name string
			r    abtest.RatioMoments
		}{{"orders_per_checkout", s.perCheck}, {"aov", s.aov}} {
			r = base
			r = r.WithRatio(m.r)
			r.Metric = m.name
			rows = append(rows, r)
		}
	}
	title := fmt.Sprintf("synthetic shop (internal/shopsim, %d customers): experiment %q, planted lift %+.0f%% on checkout-to-order probability",
		len(shop.Customers()), exp.Name, 100*exp.Lift)
	return rows, title
}

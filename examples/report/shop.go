package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/examples/report/render"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
)

// shopData simulates the synthetic shop and gathers everything the report draws from it: its
// orders and events, the aggregates of its planted experiment and, for the sequential path,
// each customer's variant, first visit and first purchase.
func shopData(customers int, seed uint64) (render.Data, error) {
	shop, err := shoptest.New(shoptest.Config{Customers: customers, Seed: seed})
	if err != nil {
		return render.Data{}, err
	}
	exp := shop.Experiment()
	d := render.Data{
		Source: fmt.Sprintf("synthetic shop (profile/shoptest, seed %d, %d customers, %s to %s)", seed, customers,
			shop.Start().Format(time.DateOnly), shop.Now().Format(time.DateOnly)),
		Now:    shop.Now(),
		Orders: slices.Collect(shop.Orders()),
		Events: slices.Collect(shop.Events()),
	}
	d.Experiment, d.Units = experimentData(shop, exp, d.Orders, d.Events)
	return d, nil
}

// experimentData aggregates the planted experiment per customer, as a SQL GROUP BY on the
// shop's tables would: conversion (bought at all), revenue per customer and average order
// value (revenue / orders, a ratio metric), one row per variant and metric.
func experimentData(shop *shoptest.Shop, exp shoptest.Experiment, orders []profile.Order, events []profile.Event) ([]abtest.Row, []render.Unit) {
	type customer struct {
		orders, revenue float64
		first, bought   time.Time
	}
	per := map[string]*customer{}
	for _, c := range shop.Customers() {
		per[c.ID] = &customer{}
	}
	for _, e := range events {
		if c := per[e.CustomerID]; c != nil && (c.first.IsZero() || e.Time.Before(c.first)) {
			c.first = e.Time
		}
	}
	for _, o := range orders {
		c := per[o.CustomerID]
		if c == nil || o.IsReturn() {
			continue
		}
		c.orders++
		c.revenue += o.Total()
		if c.bought.IsZero() || o.Time.Before(c.bought) {
			c.bought = o.Time
		}
	}
	type arm struct {
		conv, revenue abtest.Moments
		aov           abtest.RatioMoments
	}
	arms := map[string]*arm{}
	for _, v := range exp.Variants {
		arms[v] = &arm{}
	}
	var units []render.Unit
	for _, c := range shop.Customers() {
		k, v := per[c.ID], shop.Variant(c.ID)
		a := arms[v]
		if a == nil || k.first.IsZero() {
			continue
		}
		converted := 0.0
		if k.orders > 0 {
			converted = 1
		}
		a.conv.Add(converted)
		a.revenue.Add(k.revenue)
		a.aov.Add(k.revenue, k.orders)
		units = append(units, render.Unit{ID: c.ID, Variant: v, Enrolled: k.first, Converted: k.bought})
	}
	var rows []abtest.Row
	for _, v := range exp.Variants {
		a := arms[v]
		base := abtest.Row{Experiment: exp.Name, Variant: v}
		r := base
		r.Metric, r.Units, r.Sum, r.SumSquares = "conversion", a.conv.N, a.conv.Sum, a.conv.SumSquares
		rows = append(rows, r)
		r = base
		r.Metric, r.Units, r.Sum, r.SumSquares = "revenue_per_customer", a.revenue.N, a.revenue.Sum, a.revenue.SumSquares
		rows = append(rows, r)
		r = base
		r = r.WithRatio(a.aov)
		r.Metric = "aov"
		rows = append(rows, r)
	}
	return rows, units
}

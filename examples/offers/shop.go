package main

import (
	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/shopsim"
)

// shopReadout simulates the default synthetic shop and reads out its planted experiment per
// customer: converted (1 if the customer ordered at all) and revenue (returns excluded), by the
// customer's acquisition channel.
func shopReadout(alpha float64) (abtest.UpliftReadout, error) {
	shop := shopsim.New(shopsim.Config{})
	exp := shop.Experiment()
	revenue := map[string]float64{}
	ordered := map[string]bool{}
	for o := range shop.Orders() {
		if o.ReturnOf != "" {
			continue
		}
		ordered[o.CustomerID] = true
		for _, l := range o.Lines {
			revenue[o.CustomerID] += l.Amount()
		}
	}
	u, err := abtest.NewUplift(abtest.UpliftConfig{Control: exp.Variants[0], Outcomes: []string{"converted", "revenue"}, Alpha: alpha})
	if err != nil {
		return abtest.UpliftReadout{}, err
	}
	for _, c := range shop.Customers() {
		converted := 0.0
		if ordered[c.ID] {
			converted = 1
		}
		if err := u.Add(abtest.UpliftObservation{Arm: shop.Variant(c.ID), Segment: c.Channel, Values: []float64{converted, revenue[c.ID]}}); err != nil {
			return abtest.UpliftReadout{}, err
		}
	}
	return u.Readout()
}

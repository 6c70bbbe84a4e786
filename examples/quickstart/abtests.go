package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// checkoutSession is one session of a logged-in customer that reached checkout: the customer,
// their experiment arm (0 control, 1 treatment), whether it ended in an order and its revenue.
type checkoutSession struct {
	customer string
	arm      int
	bought   bool
	revenue  float64
}

// armOf returns 0 for the experiment's control and 1 for its treatment.
func armOf(shop *shopsim.Shop, customerID string) int {
	if shop.Variant(customerID) == shop.Experiment().Variants[0] {
		return 0
	}
	return 1
}

// checkoutSessions lists the shop's checkout sessions in the order they first appear: the unit
// of the planted experiment, whose treatment raises the chance that a checkout ends in an order.
func checkoutSessions(shop *shopsim.Shop) []checkoutSession {
	var out []checkoutSession
	index := map[string]int{}
	for e := range shop.Events() {
		if e.CustomerID == "" {
			continue
		}
		switch e.Type {
		case profile.Checkout:
			if _, ok := index[e.SessionID]; !ok {
				index[e.SessionID] = len(out)
				out = append(out, checkoutSession{customer: e.CustomerID, arm: armOf(shop, e.CustomerID)})
			}
		case profile.Purchase:
			if i, ok := index[e.SessionID]; ok {
				out[i].bought = true
				out[i].revenue += float64(e.Quantity) * e.Price
			}
		}
	}
	return out
}

// tourABTest reads out the shop's planted experiment, whose treatment raises the probability
// that a checkout ends in an order: a sample-ratio check on the customers (the unit of
// assignment; quickstart -export's experiment.csv has the same units, so abtest -data finds
// the same SRM p-value), then a two-proportion
// z-test, the relative lift with its delta-method interval and the exact Bayesian chance that the
// treatment is better.
func tourABTest(_ context.Context, w io.Writer, shop *shopsim.Shop) error {
	exp := shop.Experiment()
	var units [2]int64
	for _, c := range shop.Customers() {
		units[armOf(shop, c.ID)]++
	}
	var arms [2]abtest.Rate
	for _, cs := range checkoutSessions(shop) {
		arms[cs.arm].Trials++
		if cs.bought {
			arms[cs.arm].Successes++
		}
	}

	srm, err := abtest.SRM(units[:], exp.Weights, abtest.SRMConfig{})
	if err != nil {
		return err
	}
	z, err := abtest.ZTest(arms[0], arms[1], abtest.Config{})
	if err != nil {
		return err
	}
	rel, err := abtest.WelchTest(arms[0], arms[1], abtest.Config{Relative: true})
	if err != nil {
		return err
	}
	win, err := abtest.ProbBBeatsA(arms[0], arms[1], abtest.BetaPrior{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "experiment %q, planted lift %+.0f%% on checkout-to-order\n", exp.Name, 100*exp.Lift)
	fmt.Fprintf(w, "units %d / %d: sample-ratio mismatch %v (p = %.3f)\n", units[0], units[1], srm.Mismatch, srm.PValue)
	fmt.Fprintf(w, "checkout-to-order: control %d/%d = %.3f, treatment %d/%d = %.3f\n",
		arms[0].Successes, arms[0].Trials, arms[0].Mean(), arms[1].Successes, arms[1].Trials, arms[1].Mean())
	fmt.Fprintf(w, "z = %.2f, p = %.2g; relative lift %+.1f%% [%+.1f%%, %+.1f%%]; P(treatment better) = %.4f\n",
		z.Z, z.PValue, 100*rel.Estimate, 100*rel.Lower, 100*rel.Upper, win)
	return nil
}

package clv_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tailorkit/tailor/profile/clv"
)

func ExampleSummarize() {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	tx := []clv.Transaction{
		{Customer: "a", Time: d("2025-01-01"), Amount: 10},
		{Customer: "a", Time: d("2025-01-01"), Amount: 5}, // same day: one purchase of 15
		{Customer: "a", Time: d("2025-01-15"), Amount: 20},
		{Customer: "a", Time: d("2025-01-29"), Amount: 40},
		{Customer: "b", Time: d("2025-01-22"), Amount: 8},
	}
	cs, err := clv.Summarize(slices.Values(tx), clv.SummaryConfig{End: d("2025-02-05"), Unit: clv.Week})
	if err != nil {
		panic(err)
	}
	for _, c := range cs {
		fmt.Printf("%s: x=%d t_x=%g T=%g monetary=%g\n", c.ID, c.Frequency, c.Recency, c.T, c.Monetary)
	}
	// Output:
	// a: x=2 t_x=4 T=5 monetary=30
	// b: x=0 t_x=0 T=2 monetary=0
}

func ExampleBGNBD() {
	// Fader, Hardie & Lee (2005): the BG/NBD fit to the CDNOW cohort, in weeks.
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	fmt.Printf("E[X(52)] for a new customer: %.3f\n", m.ExpectedPurchases(52))
	// A customer with 2 repeat purchases, the last in week 30.43, observed for 38.86 weeks.
	fmt.Printf("P(alive) %.3f, E[purchases in the next 39 weeks] %.3f\n",
		m.ProbAlive(2, 30.43, 38.86), m.ConditionalExpectedPurchases(39, 2, 30.43, 38.86))
	fmt.Printf("P(no purchase in 39 weeks) %.4f\n", m.ProbPurchases(39, 0))
	// Output:
	// E[X(52)] for a new customer: 1.446
	// P(alive) 0.727, E[purchases in the next 39 weeks] 1.226
	// P(no purchase in 39 weeks) 0.5738
}

func ExampleFitBGNBD() {
	// Too little data is an error that says so, not a fit.
	cs := []clv.Customer{{ID: "1", Frequency: 2, Recency: 5, T: 10}, {ID: "2", T: 8}}
	_, err := clv.FitBGNBD(context.Background(), cs, clv.FitConfig{})
	fmt.Println(err)
	// Output:
	// clv: too few repeat buyers to fit: 1 of 2 customers bought again, need 10
}

func ExamplePredict() {
	// Published CDNOW fits (Fader, Hardie & Lee 2005), in weeks. The numbers agree with an
	// independent mpmath evaluation of the formulas to the digits shown.
	bg := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	cs := []clv.Customer{
		{ID: "regular", Frequency: 10, Recency: 36, T: 38, Monetary: 30},
		{ID: "lapsed", Frequency: 3, Recency: 5, T: 38, Monetary: 50},
		{ID: "new", Frequency: 0, Recency: 0, T: 2},
	}
	preds, err := clv.Predict(bg, gg, cs, clv.ValueConfig{Horizon: 52, DiscountRate: 0.002})
	if err != nil {
		panic(err)
	}
	for _, p := range preds {
		fmt.Printf("%-8s P(alive) %.3f  E[purchases] %6.3f  value %7.2f\n", p.ID, p.ProbAlive, p.ExpectedPurchases, p.Value)
	}
	// A horizon past MaxHorizon is an error, not a long wait.
	_, err = clv.Predict(bg, gg, cs, clv.ValueConfig{Horizon: 1_000_000_000})
	fmt.Println(err)
	// Output:
	// regular  P(alive) 0.898  E[purchases]  8.332  value  240.06
	// new      P(alive) 1.000  E[purchases]  1.129  value   38.02
	// lapsed   P(alive) 0.041  E[purchases]  0.126  value    5.76
	// clv: ValueConfig.Horizon = 1000000000: want 0 (default 12) to 1000 periods: invalid configuration
}

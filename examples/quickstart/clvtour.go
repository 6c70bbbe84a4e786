package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile/clv"
)

// tourLifetimeValue summarises each customer's purchases in weeks, as the CDNOW literature does,
// fits BG/NBD (how often and for how long customers buy) and Gamma-Gamma (how much they spend),
// and ranks customers by their expected value over the next 26 weeks.
func tourLifetimeValue(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	customers, err := clv.Summarize(clv.FromOrders(shop.Orders()), clv.SummaryConfig{End: shop.End(), Unit: clv.Week})
	if err != nil {
		return err
	}
	bg, err := clv.FitBGNBD(ctx, customers, clv.FitConfig{})
	if err != nil {
		return err
	}
	gg, err := clv.FitGammaGamma(ctx, customers, clv.FitConfig{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "BG/NBD on %d buyers: r %.3f, alpha %.3f, a %.3f, b %.3f (log-likelihood %.1f)\n",
		bg.Customers, bg.R, bg.Alpha, bg.A, bg.B, bg.LL)
	fmt.Fprintf(w, "Gamma-Gamma: p %.2f, q %.2f, gamma %.2f\n", gg.P, gg.Q, gg.Gamma)
	preds, err := clv.Predict(bg.BGNBD, gg.GammaGamma, customers, clv.ValueConfig{Horizon: 26})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%-9s %8s %10s %14s %10s\n", "customer", "P(alive)", "purchases", "spend/purchase", "26w value")
	for _, p := range preds[:min(5, len(preds))] {
		fmt.Fprintf(w, "%-9s %8.2f %10.2f %14.2f %10.2f\n", p.ID, p.ProbAlive, p.ExpectedPurchases, p.ExpectedSpend, p.Value)
	}
	return nil
}

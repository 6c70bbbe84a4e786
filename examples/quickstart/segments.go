package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/segment"
)

// tourSegments summarises the order history once, scores RFM with the rfm R package's default
// segment table, and picks the top 1% of repeat buyers as brand advocates.
func tourSegments(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	act, err := segment.CollectActivity(ctx, shop.Orders(), segment.CollectConfig{Now: shop.End()})
	if err != nil {
		return err
	}
	values, err := act.RFM(segment.RFMValuesConfig{})
	if err != nil {
		return err
	}
	rfm, err := segment.FitRFM(values, segment.RFMConfig{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "RFM segments of %d buyers (quintile scores, the rfm R package's table):\n\n", len(values))
	fmt.Fprintf(w, "%-22s %9s %7s %9s %9s\n", "segment", "customers", "orders", "revenue", "rev share")
	for _, s := range rfm.Summary(rfm.ScoreAll(values)) {
		if s.Customers == 0 {
			continue
		}
		fmt.Fprintf(w, "%-22s %9d %7d %9.0f %8.1f%%\n", s.Segment, s.Customers, s.Orders, s.Revenue, 100*s.RevenueShare)
	}
	adv, err := act.Advocates(segment.AdvocateConfig{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nadvocates (top 1%% by revenue with 2+ orders): %d customers", len(adv))
	if len(adv) > 0 {
		fmt.Fprintf(w, ", led by %s", adv[0].ID)
	}
	fmt.Fprintln(w)
	return nil
}

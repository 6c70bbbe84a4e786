package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
)

// tourProfiles builds a profile per customer from the shop's orders and events. A stitcher joins
// the anonymous cookies of visits before login to the customers who logged in later, and the
// lifecycle windows follow how often each category is bought (groceries days, jewelry months).
func tourProfiles(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	windows := map[string]time.Duration{}
	for cat, days := range shopsim.CycleDays() {
		windows[cat] = time.Duration(days) * 24 * time.Hour
	}
	stitcher, err := profile.NewStitcher(profile.StitchConfig{})
	if err != nil {
		return err
	}
	profiles, err := profile.Build(ctx, shop.Orders(), shop.Events(), profile.Config{
		Now:      shop.End(),
		Windows:  windows,
		Stitcher: stitcher,
	})
	if err != nil {
		return err
	}
	stages := map[profile.Stage]int{}
	var top []profile.Profile
	for p := range profiles.All() {
		stages[p.Stage]++
		if p.Orders > 0 {
			top = append(top, p)
		}
	}
	sort.Slice(top, func(i, j int) bool { return top[i].Revenue > top[j].Revenue })
	r := profiles.Report()
	fmt.Fprintf(w, "%d profiles built from %d orders and %d events; cookies stitched to customers at login\n",
		profiles.Len(), r.Orders, r.Events)
	fmt.Fprintf(w, "lifecycle: ")
	for _, s := range []profile.Stage{profile.Prospect, profile.New, profile.Active, profile.Lapsed, profile.Churned} {
		fmt.Fprintf(w, "%s %d  ", s, stages[s])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "\n%-9s %7s %9s %8s %9s %-16s %s\n", "customer", "orders", "revenue", "aov", "discount", "top brand", "stage")
	for _, p := range top[:min(5, len(top))] {
		brand := ""
		if len(p.Brands) > 0 {
			brand = p.Brands[0].Brand
		}
		fmt.Fprintf(w, "%-9s %7d %9.2f %8.2f %8.0f%% %-16s %s\n", p.CustomerID, p.Orders, p.Revenue, p.AOV,
			100*p.DiscountSpendShare, brand, p.Stage)
	}
	return nil
}

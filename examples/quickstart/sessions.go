package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/recommend/session"
)

// tourSessions trains the session recommender on every visit of the shop and shows what an
// anonymous visitor, who has not logged in and has no history, is likely to look at next after
// the first product views of their visit.
func tourSessions(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	events := slices.Collect(shop.Events())
	clicks, rep := profile.SessionEvents(slices.Values(events), profile.InteractionConfig{})
	model, err := session.Fit(ctx, clicks, session.Config{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "VSTAN (the session-kNN default) indexed %d browsing events of %d visits\n", rep.Kept, model.Stats().Sessions)
	// The first visit that starts anonymous and views at least three products.
	var visit string
	var seen []session.Click
	for _, e := range events {
		if visit == "" && e.CustomerID == "" && e.SessionID != "" && e.Type == profile.View {
			visit, seen = e.SessionID, nil
		}
		if e.SessionID == visit && e.Type == profile.View && len(seen) < 3 {
			seen = append(seen, session.Click{Item: e.ItemID, Time: e.Time})
			if len(seen) == 3 {
				break
			}
		}
		if e.SessionID != visit && len(seen) < 3 {
			visit, seen = "", nil
		}
	}
	if len(seen) == 0 {
		fmt.Fprintln(w, "no anonymous visit with product views in this shop")
		return nil
	}
	fmt.Fprintf(w, "an anonymous visitor (visit %s) viewed", visit)
	for _, c := range seen {
		fmt.Fprintf(w, " %s", c.Item)
	}
	fmt.Fprintln(w, "; next, likely:")
	for i, r := range model.Recommend(seen, 5) {
		fmt.Fprintf(w, "  %d. %s  (score %.3f, from %s)\n", i+1, r.Item, r.Score, r.Source)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/recommend"
)

// tourRecommendations fits item-based collaborative filtering on the shop's views, carts and
// purchases (one line turns an event into an interaction), then recommends for the best
// customer with the reasons, and lists the items most similar to the first recommendation.
func tourRecommendations(ctx context.Context, w io.Writer, shop *shopsim.Shop) error {
	var in []recommend.Interaction
	for e := range shop.Events() {
		if e.CustomerID != "" && e.ItemID != "" {
			in = append(in, recommend.Interaction{User: e.CustomerID, Item: e.ItemID, Kind: string(e.Type), Time: e.Time, Category: e.Category})
		}
	}
	model, rep, err := recommend.FitWithReport(ctx, slices.Values(in), recommend.Config{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "model: %d customers, %d items, fitted on %d interactions (%d of %d events weighed 0 and were ignored)\n",
		model.NumUsers(), model.NumItems(), rep.Used, rep.Ignored(), rep.Read)
	fmt.Fprintf(w, "most popular items:")
	for _, r := range model.Popular(3, "") {
		fmt.Fprintf(w, " %s (%g customers)", r.Item, r.Score)
	}
	fmt.Fprintln(w)

	// The customer with the longest history, ties by ID.
	best, longest := "", 0
	for _, u := range model.Users() {
		if n := len(model.History(u)); n > longest || n == longest && u < best {
			best, longest = u, n
		}
	}
	items := map[string]shopsim.Item{}
	for _, it := range shop.Catalog() {
		items[it.ID] = it
	}
	describe := func(id string) string { return fmt.Sprintf("%s (%s)", id, items[id].Brand) }

	fmt.Fprintf(w, "\nfor %s (%d items in history), top 5, at most 2 per category:\n", best, longest)
	recs := model.ForUser(best, 5, recommend.ExcludeSeen(), recommend.MaxPerCategory(2), recommend.Explain(2))
	for i, r := range recs {
		because := make([]string, len(r.Because))
		for j, b := range r.Because {
			because[j] = describe(b)
		}
		fmt.Fprintf(w, "  %d. %-22s score %6.3f  because of %s\n", i+1, describe(r.Item), r.Score, strings.Join(because, ", "))
	}
	if len(recs) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\ncustomers who liked %s also liked:", describe(recs[0].Item))
	for _, r := range model.SimilarItems(recs[0].Item, 4) {
		fmt.Fprintf(w, " %s", describe(r.Item))
	}
	fmt.Fprintln(w)
	return nil
}

package shoptest_test

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
	"github.com/tailorkit/tailor/recommend"
)

// TestPopularAndFallbackOnShop: on the test shop's events, Popular lists the items by number
// of customers with a positive affinity, counted here from the interactions themselves (ties
// by item ID); a known customer's fallback never offers an item they have; erasing a customer
// reports one affinity per distinct item they had, and the fit's report accounts for every
// interaction.
func TestPopularAndFallbackOnShop(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Seed: 3, Customers: 400})
	if err != nil {
		t.Fatal(err)
	}
	seq, _ := profile.Interactions(shop.Events(), profile.InteractionConfig{})
	data := slices.Collect(seq)
	weights := recommend.DefaultKindWeights()
	sum := map[[2]string]float64{}
	for _, in := range data {
		w := in.Weight
		if w == 0 {
			w = weights[in.Kind]
		}
		if w == 0 {
			continue // weighs nothing: the model never sees it
		}
		sum[[2]string{in.User, in.Item}] += w
	}
	users := map[string]int{}
	has := map[string]map[string]bool{} // every pair the model keeps, returned or not
	for k, w := range sum {
		if has[k[0]] == nil {
			has[k[0]] = map[string]bool{}
		}
		has[k[0]][k[1]] = true
		if w > 0 {
			users[k[1]]++
		}
	}
	type pop struct {
		item string
		n    int
	}
	var want []pop
	for it, n := range users {
		want = append(want, pop{it, n})
	}
	slices.SortFunc(want, func(a, b pop) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.item, b.item))
	})

	model, rep, err := recommend.FitWithReport(context.Background(), slices.Values(data), recommend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != len(data) {
		t.Errorf("fit read %d of %d interactions", rep.Read, len(data))
	}
	got := model.Popular(20, "")
	if len(got) != min(20, len(want)) {
		t.Fatalf("Popular(20) gave %d items, want %d", len(got), min(20, len(want)))
	}
	for k, r := range got {
		if r.Item != want[k].item || r.Score != float64(want[k].n) || r.Source != recommend.FromPopularity {
			t.Fatalf("Popular[%d] = %+v, want %s with %d customers", k, r, want[k].item, want[k].n)
		}
	}

	checked := 0
	for _, u := range model.Users() {
		for _, r := range model.ForUser(u, 30) {
			if r.Source != recommend.FromNeighbors && has[u][r.Item] {
				t.Fatalf("the fallback offered %s the item %s they already have", u, r.Item)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no recommendation checked")
	}
	u := model.Users()[0]
	if fr := model.Forget(u); !fr.Found || fr.Person != u || fr.Removed["affinities"] != len(has[u]) {
		t.Errorf("Forget(%s) = %+v, want %d affinities", u, fr, len(has[u]))
	}
}

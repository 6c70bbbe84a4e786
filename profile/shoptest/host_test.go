package shoptest_test

// This file is the host-side integration test that README.md shows under "Testing your
// integration"; TestReadmeShowsHostTest keeps the two identical.

import (
	"context"
	"testing"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/shoptest"
	"github.com/tailorkit/tailor/recommend"
)

// README:begin
func TestSimilarItemsShareTastes(t *testing.T) {
	shop, err := shoptest.New(shoptest.Config{Seed: 1, Customers: 2000})
	if err != nil {
		t.Fatal(err)
	}
	interactions, _ := profile.Interactions(shop.Events(), profile.InteractionConfig{})
	model, err := recommend.Fit(context.Background(), interactions, recommend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Planted truth: customers buy within taste groups, so "also bought" should mostly
	// stay inside the item's group (chance is about 1 in 48).
	same, total := 0, 0
	for _, it := range shop.Catalog() {
		group, _ := shop.TasteGroup(it.ID)
		for _, rec := range model.SimilarItems(it.ID, 5) {
			if rec.Source != recommend.FromNeighbors {
				continue
			}
			total++
			if g, _ := shop.TasteGroup(rec.Item); g == group {
				same++
			}
		}
	}
	if total == 0 || float64(same) < 0.5*float64(total) {
		t.Fatalf("%d of %d similar items share the taste group, want at least half", same, total)
	}
}

// README:end

func TestReadmeShowsHostTest(t *testing.T) {
	checkReadmeShows(t, "host_test.go", "// README:begin\n", "// README:end", false)
}

package shoptest_test

// This file is the host-side integration test that README.md shows under "Testing your
// integration"; TestReadmeShowsHostTest keeps the two identical.

import (
	"context"
	"os"
	"strings"
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
	src, err := os.ReadFile("host_test.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skip("README.md not found beside the module:", err)
	}
	s := string(src)
	snippet := s[strings.Index(s, "// README:begin\n")+len("// README:begin\n") : strings.Index(s, "// README:end")]
	if !strings.Contains(string(readme), strings.TrimSpace(snippet)) {
		t.Error("README.md's \"Testing your integration\" no longer shows host_test.go's test between README:begin and README:end; copy it there")
	}
}

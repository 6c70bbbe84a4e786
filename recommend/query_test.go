package recommend

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func recItems(rs []Rec) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Item+"/"+r.Source.String())
	}
	return out
}

// handCat is handData with categories: x and y are "kitchen", z is "garden", plus w, a
// "garden" item only E has.
func handModel(t *testing.T, cfg Config) *Model {
	t.Helper()
	data := append([]Interaction{}, handData...)
	for k := range data {
		data[k].Category = map[string]string{"x": "kitchen", "y": "kitchen", "z": "garden"}[data[k].Item]
	}
	data = append(data, Interaction{User: "E", Item: "w", Weight: 1, Category: "garden"})
	m, err := FitSlice(context.Background(), data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestQueries(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	cases := []struct {
		name string
		got  []Rec
		want []string
	}{
		// D has x: y 2/3, z 1/sqrt 6; x itself is seen. Then popularity: w (1 user).
		{"user", m.ForUser("D", 3, ExcludeSeen()), []string{"y/neighbors", "z/neighbors", "w/popularity"}},
		// Without ExcludeSeen x scores nothing (no self-similarity); the fallback leaves out
		// what D has (x), so w fills, unless IncludeSeen lets x come from popularity.
		{"user with seen", m.ForUser("D", 3), []string{"y/neighbors", "z/neighbors", "w/popularity"}},
		{"user include seen", m.ForUser("D", 3, IncludeSeen()), []string{"y/neighbors", "z/neighbors", "x/popularity"}},
		{"no fallback", m.ForUser("D", 3, ExcludeSeen(), NoFallback()), []string{"y/neighbors", "z/neighbors"}},
		// Unknown user: popularity by users (x 3, y 3, z 2, w 1), ties by ID.
		{"unknown user", m.ForUser("nobody", 3), []string{"x/popularity", "y/popularity", "z/popularity"}},
		{"exclude", m.ForUser("D", 3, ExcludeSeen(), Exclude("y", "not-an-item")), []string{"z/neighbors", "w/popularity"}},
		{"allow", m.ForUser("D", 3, ExcludeSeen(), Allow(func(it string) bool { return it != "z" })), []string{"y/neighbors", "w/popularity"}},
		{"two allows", m.ForUser("nobody", 4, Allow(func(it string) bool { return it != "z" }), Allow(func(it string) bool { return it != "x" })), []string{"y/popularity", "w/popularity"}},
		// One per category: y (kitchen) then z (garden); w is garden too, x kitchen.
		{"per category", m.ForUser("D", 3, ExcludeSeen(), MaxPerCategory(1)), []string{"y/neighbors", "z/neighbors"}},
		{"popular in", m.ForUser("nobody", 2, PopularIn("garden")), []string{"z/category_popularity", "w/category_popularity"}},
		{"basket", m.ForBasket([]string{"x", "unknown"}, 2), []string{"y/neighbors", "z/neighbors"}},
		{"empty basket", m.ForBasket(nil, 1), []string{"x/popularity"}},
		// z's neighbours: y 2/sqrt 6, x 1/sqrt 6.
		{"similar", m.SimilarItems("z", 2), []string{"y/neighbors", "x/neighbors"}},
		// w has no neighbours: its category (garden) first, then overall.
		{"similar fallback", m.SimilarItems("w", 2), []string{"z/category_popularity", "x/popularity"}},
		{"similar unknown", m.SimilarItems("nope", 1), []string{"x/popularity"}},
		{"zero n", m.ForUser("D", 0), nil},
	}
	for _, c := range cases {
		if d := cmp.Diff(c.want, recItems(c.got)); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
}

func TestScoresAndExplanations(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	// History x and z: y = sim(x,y) + sim(z,y) = 2/3 + 2/sqrt 6; z contributes more.
	got := m.ForHistory([]Interaction{{Item: "x", Weight: 1}, {Item: "z", Weight: 1}, {Item: "nope", Weight: 1}}, 1, ExcludeSeen(), Explain(5))
	want := []Rec{{Item: "y", Score: 2.0/3 + 2/math.Sqrt(6), Source: FromNeighbors, Because: []string{"z", "x"}}}
	if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return near(a, b, 1e-14) })); d != "" {
		t.Fatal(d)
	}
	// Affinities weigh the votes: A's history x, y, z all 1; D's weight 3 on x triples.
	h := m.ForHistory([]Interaction{{Item: "x", Weight: 3}}, 1)
	if !near(h[0].Score, 2, 1e-14) {
		t.Fatalf("weighted score %v, want 3 * 2/3", h[0].Score)
	}
	// Binary ignores the strength.
	b := handModel(t, Config{Similarity: Cosine, Scoring: Push, Binary: true})
	if h := b.ForHistory([]Interaction{{Item: "x", Weight: 3}}, 1); !near(h[0].Score, 2.0/3, 1e-14) {
		t.Fatalf("binary score %v", h[0].Score)
	}
	// Pull: y sums its similarity to the history among its own list, the same here.
	p := handModel(t, Config{Similarity: Cosine, Scoring: Pull})
	if h := p.ForHistory([]Interaction{{Item: "x", Weight: 1}, {Item: "z", Weight: 1}}, 1, ExcludeSeen()); !near(h[0].Score, want[0].Score, 1e-14) {
		t.Fatalf("pull score %v", h[0].Score)
	}
}

// A query allocates only its result.
func TestQueryAllocations(t *testing.T) {
	if testing.Short() && raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	m, _ := FitSlice(context.Background(), synthData(31, 500, 300, 30), Config{})
	user := "u0007"
	m.ForUser(user, 10, ExcludeSeen()) // warm the pool
	if a := testing.AllocsPerRun(200, func() { m.ForUser(user, 10, ExcludeSeen()) }); a > 1 {
		t.Fatalf("ForUser allocates %v times, want 1 (the result)", a)
	}
	basket := []string{itemName(1), itemName(2), itemName(3)}
	if a := testing.AllocsPerRun(200, func() { m.ForBasket(basket, 10) }); a > 1 {
		t.Fatalf("ForBasket allocates %v times", a)
	}
	item := itemName(5)
	if a := testing.AllocsPerRun(200, func() { m.SimilarItems(item, 10, MaxPerCategory(2)) }); a > 1 {
		t.Fatalf("SimilarItems allocates %v times", a)
	}
}

func TestSourceString(t *testing.T) {
	if got := strings.Join([]string{FromNeighbors.String(), FromCategoryPopularity.String(), FromPopularity.String(), Source(9).String()}, ","); got != "neighbors,category_popularity,popularity,unknown" {
		t.Fatal(got)
	}
}

// ForHistory skips bad interactions (NaN weight, empty item) instead of failing the query,
// sums duplicates and lets a return cancel a purchase: the result equals that of the clean
// history.
func TestForHistoryBadAndCancelled(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	messy := []Interaction{
		{Item: "x", Weight: 1},
		{Item: "x", Weight: 2},          // duplicates add: x = 3
		{Item: "z", Weight: math.NaN()}, // skipped
		{Item: "", Weight: 1},           // skipped
		{Item: "y", Kind: "purchase"},   // 5 ...
		{Item: "y", Kind: "return"},     // ... - 5 = 0: y is not in the history
		{Item: "nope", Weight: 1},       // unknown: ignored
	}
	clean := []Interaction{{Item: "x", Weight: 3}}
	if d := cmp.Diff(m.ForHistory(clean, 3, Explain(2)), m.ForHistory(messy, 3, Explain(2))); d != "" {
		t.Fatal(d)
	}
}

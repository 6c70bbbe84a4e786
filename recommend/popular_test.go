package recommend

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPopular: handModel's popularity is the number of users per item, counted by hand from
// handData plus E's w: x 3 (A, B, D), y 3 (A, B, C), z 2 (A, C), w 1 (E); x and y tie and go
// by ID. Categories: kitchen = {x, y}, garden = {z, w}.
func TestPopular(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	recs := func(rs []Rec) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Item+"/"+r.Source.String())
		}
		return out
	}
	cases := []struct {
		name string
		got  []Rec
		want []string
	}{
		{"overall", m.Popular(10, ""), []string{"x/popularity", "y/popularity", "z/popularity", "w/popularity"}},
		{"top two", m.Popular(2, ""), []string{"x/popularity", "y/popularity"}},
		{"garden", m.Popular(5, "garden"), []string{"z/category_popularity", "w/category_popularity"}},
		{"kitchen one", m.Popular(1, "kitchen"), []string{"x/category_popularity"}},
		{"unknown category", m.Popular(3, "toys"), []string{}},
		{"zero n", m.Popular(0, ""), []string{}},
		{"exclude", m.Popular(2, "", Exclude("x")), []string{"y/popularity", "z/popularity"}},
		{"allow", m.Popular(3, "kitchen", Allow(func(it string) bool { return it != "x" })), []string{"y/category_popularity"}},
		{"per category", m.Popular(4, "", MaxPerCategory(1)), []string{"x/popularity", "z/popularity"}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, recs(c.got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
	// Scores are user counts.
	got := m.Popular(4, "")
	wantScores := []float64{3, 3, 2, 1}
	for k, r := range got {
		if r.Score != wantScores[k] {
			t.Errorf("Popular score of %s = %v, want %v", r.Item, r.Score, wantScores[k])
		}
	}
}

// TestFallbackLeavesOutSeen: E has only w, which no one else has, so E has no neighbours and
// gets the popularity fallback; it must not offer w back unless IncludeSeen.
func TestFallbackLeavesOutSeen(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	var got []string
	for _, r := range m.ForUser("E", 4) {
		got = append(got, r.Item+"/"+r.Source.String())
	}
	if diff := cmp.Diff([]string{"x/popularity", "y/popularity", "z/popularity"}, got); diff != "" {
		t.Errorf("ForUser(E) (-want +got):\n%s", diff)
	}
	got = nil
	for _, r := range m.ForUser("E", 4, IncludeSeen()) {
		got = append(got, r.Item)
	}
	if diff := cmp.Diff([]string{"x", "y", "z", "w"}, got); diff != "" {
		t.Errorf("ForUser(E, IncludeSeen) (-want +got):\n%s", diff)
	}
	got = nil
	for _, r := range m.ForUser("E", 2, PopularIn("garden")) {
		got = append(got, r.Item+"/"+r.Source.String())
	}
	if diff := cmp.Diff([]string{"z/category_popularity", "x/popularity"}, got); diff != "" {
		t.Errorf("ForUser(E, PopularIn garden) (-want +got):\n%s", diff)
	}
}

package recommend

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRecJSON: a Rec encodes with snake_case names and its Source as text, by the documented
// shape (written by hand here), and real results of every source decode back equal.
func TestRecJSON(t *testing.T) {
	b, err := json.Marshal(Rec{Item: "y", Score: 2.5, Source: FromCategoryPopularity, Because: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"item":"y","score":2.5,"source":"category_popularity","because":["x"]}`; string(b) != want {
		t.Errorf("json %s, want %s", b, want)
	}
	if b, _ := json.Marshal(Rec{Item: "x", Score: 3, Source: FromPopularity}); string(b) != `{"item":"x","score":3,"source":"popularity"}` {
		t.Errorf("json %s: because must be left out when nil", b)
	}

	m := handModel(t, Config{Similarity: Cosine, Scoring: Push})
	var all []Rec
	all = append(all, m.ForUser("D", 3, ExcludeSeen(), Explain(2))...)
	all = append(all, m.ForUser("nobody", 2, PopularIn("garden"))...)
	all = append(all, m.Popular(4, "")...)
	seen := map[Source]bool{}
	for _, r := range all {
		seen[r.Source] = true
	}
	if len(seen) != 3 {
		t.Fatalf("the results cover sources %v, want all three", seen)
	}
	b, err = json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	var back []Rec
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestSourceText(t *testing.T) {
	for _, c := range []struct {
		s    Source
		text string
	}{{FromNeighbors, "neighbors"}, {FromCategoryPopularity, "category_popularity"}, {FromPopularity, "popularity"}} {
		b, err := c.s.MarshalText()
		if err != nil || string(b) != c.text {
			t.Errorf("MarshalText(%d) = %q, %v; want %q", c.s, b, err, c.text)
		}
		var s Source
		if err := s.UnmarshalText([]byte(c.text)); err != nil || s != c.s {
			t.Errorf("UnmarshalText(%q) = %d, %v; want %d", c.text, s, err, c.s)
		}
	}
	var s Source
	if err := s.UnmarshalText([]byte("category-popularity")); !errors.Is(err, ErrFormat) {
		t.Errorf("UnmarshalText of an unknown name: %v, want ErrFormat", err)
	}
	if _, err := json.Marshal(Rec{Source: Source(7)}); err == nil {
		t.Error("an out-of-range Source encoded")
	}
}

func TestScoredAndInteractionJSON(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine})
	sc := append(m.History("A"), m.Neighbors("x")...)
	b, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	var back []Scored
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sc, back); diff != "" {
		t.Errorf("Scored round trip (-want +got):\n%s", diff)
	}
	if b, _ := json.Marshal(Scored{Item: "x", Score: 0.5}); string(b) != `{"item":"x","score":0.5}` {
		t.Errorf("Scored json %s", b)
	}

	in := Interaction{User: "u1", Item: "i1", Kind: "purchase", Time: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), Category: "garden"}
	b, err = json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"user":"u1","item":"i1","kind":"purchase","time":"2024-03-01T12:00:00Z","category":"garden"}`; string(b) != want {
		t.Errorf("Interaction json %s, want %s", b, want)
	}
	var inBack Interaction
	if err := json.Unmarshal(b, &inBack); err != nil || !inBack.Time.Equal(in.Time) || inBack.User != in.User || inBack.Kind != in.Kind || inBack.Category != in.Category {
		t.Errorf("Interaction round trip: %+v, %v", inBack, err)
	}
	if b, _ := json.Marshal(Interaction{User: "u", Item: "i", Weight: 2}); string(b) != `{"user":"u","item":"i","weight":2}` {
		t.Errorf("Interaction json %s: empty fields must be left out", b)
	}
}

// TestForgetReportJSON: the module's one report shape, for a known user (D has x only) and an
// unknown one.
func TestForgetReportJSON(t *testing.T) {
	m := handModel(t, Config{Similarity: Cosine})
	b, err := json.Marshal(m.ForgetAll("D", "nobody"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"person":"D","found":true,"removed":{"affinities":1}},{"person":"nobody","found":false}]`; string(b) != want {
		t.Errorf("json %s, want %s", b, want)
	}
}

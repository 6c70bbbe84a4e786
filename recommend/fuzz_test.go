package recommend

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"
)

// FuzzFit drives Fit, every query and Forget with arbitrary interactions and settings: no
// panic, no NaN or infinite score, a result never longer than asked.
func FuzzFit(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, uint8(0), uint8(5), 1.0)
	f.Add([]byte{0, 0, 0, 0, 255, 255, 3, 3}, uint8(7), uint8(1), 0.0)
	f.Add([]byte{9, 1, 9, 2, 9, 3, 8, 1, 8, 2}, uint8(8), uint8(50), 2.5)
	f.Fuzz(func(t *testing.T, raw []byte, sim uint8, k uint8, shrink float64) {
		var in []Interaction
		for p := 0; p+2 < len(raw); p += 3 {
			w := float64(int8(raw[p+2])) / 16
			in = append(in, Interaction{User: "u" + strconv.Itoa(int(raw[p]%16)), Item: "i" + strconv.Itoa(int(raw[p+1]%32)),
				Weight: w, Time: time.Unix(int64(raw[p+2])*86400, 0), Category: "c" + strconv.Itoa(int(raw[p+1]%3))})
		}
		cfg := Config{Similarity: Similarity(sim % 9), Neighbors: int(k % 20), Shrink: math.Abs(shrink), HalfLife: 7 * 24 * time.Hour}
		if sim%11 == 10 {
			cfg = Config{Algorithm: EASE, EASELambda: 1 + math.Abs(shrink)}
		}
		m, err := FitSlice(context.Background(), in, cfg)
		if err != nil {
			return // bad config or no positive interaction: an error is the documented result
		}
		// check: at most n recs, finite scores, no item twice, none of the excluded.
		check := func(rs []Rec, n int, excluded ...string) {
			if len(rs) > n {
				t.Fatalf("%d recs for n = %d", len(rs), n)
			}
			seen := map[string]bool{}
			for _, x := range excluded {
				seen[x] = true
			}
			for _, r := range rs {
				if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
					t.Fatalf("score %v", r.Score)
				}
				if seen[r.Item] {
					t.Fatalf("%s repeated or excluded in %+v", r.Item, rs)
				}
				seen[r.Item] = true
			}
		}
		for u := range 16 {
			user := "u" + strconv.Itoa(u)
			var had []string
			for _, h := range m.History(user) {
				had = append(had, h.Item)
			}
			check(m.ForUser(user, 5, ExcludeSeen(), MaxPerCategory(2), Explain(2)), 5, had...)
		}
		check(m.ForBasket([]string{"i1", "i2"}, 1<<40), 32, "i1", "i2")
		check(m.SimilarItems("i3", 3), 3, "i3")
		for _, it := range []string{"i0", "i1", "i5"} {
			for _, nb := range m.Neighbors(it) {
				if math.IsNaN(nb.Score) || math.IsInf(nb.Score, 0) {
					t.Fatalf("neighbour score %v", nb.Score)
				}
			}
		}
		m.Forget("u1")
		if m.Forget("u1").Found {
			t.Fatal("u1 forgotten twice")
		}
		if err := m.AddSlice([]Interaction{{User: "u1", Item: "i1", Weight: 1}}); err != nil {
			t.Fatal(err)
		}
		check(m.ForUser("u1", 3, ExcludeSeen()), 3, "i1")
	})
}

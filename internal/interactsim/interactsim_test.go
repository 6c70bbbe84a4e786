package interactsim

import (
	"math"
	"slices"
	"sort"
	"testing"
)

func TestInteractionsShape(t *testing.T) {
	cfg := Small()
	per := make([]int, cfg.Users)
	seen := map[[2]int32]bool{}
	total := 0
	itemCount := make([]int, cfg.Items)
	for x := range Interactions(cfg) {
		if seen[[2]int32{x.User, x.Item}] {
			t.Fatalf("duplicate pair %v", x)
		}
		if x.Weight < 1 || x.Weight > 5 {
			t.Fatalf("weight %v outside [1, 5]", x.Weight)
		}
		seen[[2]int32{x.User, x.Item}] = true
		per[x.User]++
		itemCount[x.Item]++
		total++
	}
	for u, n := range per {
		if n < cfg.MinPerUser {
			t.Fatalf("user %d has %d items, want >= %d", u, n, cfg.MinPerUser)
		}
	}
	mean := float64(total) / float64(cfg.Users)
	if math.Abs(mean-cfg.MeanPerUser) > 0.15*cfg.MeanPerUser {
		t.Fatalf("mean per user %.1f, want %.0f within 15%%", mean, cfg.MeanPerUser)
	}
	// Power-law popularity: the top 5% of items take a large share of the interactions.
	sort.Sort(sort.Reverse(sort.IntSlice(itemCount)))
	top := 0
	for _, c := range itemCount[:cfg.Items/20] {
		top += c
	}
	if share := float64(top) / float64(total); share < 0.2 {
		t.Fatalf("top 5%% of items have %.2f of interactions, want a long-tailed catalog", share)
	}
}

// TestTasteStructure checks the promise that item co-occurrence carries signal: leaving out each
// user's last item, a plain co-occurrence score finds it in the top 10 far more often than
// popularity does.
func TestTasteStructure(t *testing.T) {
	if testing.Short() {
		t.Skip("dense 1500 x 1500 co-occurrence; runs in the full test run")
	}
	cfg := Small()
	hist := make([][]int32, cfg.Users)
	for x := range Interactions(cfg) {
		hist[x.User] = append(hist[x.User], x.Item)
	}
	co := make([][]float32, cfg.Items)
	for i := range co {
		co[i] = make([]float32, cfg.Items)
	}
	pop := make([]float64, cfg.Items)
	for _, h := range hist {
		train := h[:len(h)-1]
		for _, a := range train {
			pop[a]++
			for _, b := range train {
				if a != b {
					co[a][b]++
				}
			}
		}
	}
	hitsPop, hitsCo := 0, 0
	score := make([]float64, cfg.Items)
	for _, h := range hist {
		train, want := h[:len(h)-1], h[len(h)-1]
		clear(score)
		for _, a := range train {
			for b, c := range co[a] {
				score[b] += float64(c) / math.Sqrt(pop[a]*pop[b]+1)
			}
		}
		if inTop(score, train, want) {
			hitsCo++
		}
		if inTop(pop, train, want) {
			hitsPop++
		}
	}
	t.Logf("hit@10: co-occurrence %d, popularity %d of %d", hitsCo, hitsPop, cfg.Users)
	if float64(hitsCo) < 1.5*float64(hitsPop) {
		t.Fatalf("co-occurrence hits %d not clearly above popularity %d", hitsCo, hitsPop)
	}
}

func inTop(score []float64, exclude []int32, want int32) bool {
	idx := make([]int, 0, len(score))
	for i := range score {
		if !slices.Contains(exclude, int32(i)) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	return slices.Contains(idx[:10], int(want))
}

func TestML20MShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 16M interactions; run without -short")
	}
	cfg := ML20M()
	total, users := 0, int32(-1)
	items := make([]bool, cfg.Items)
	for x := range Interactions(cfg) {
		total++
		users = max(users, x.User)
		items[x.Item] = true
	}
	nItems := 0
	for _, b := range items {
		if b {
			nItems++
		}
	}
	t.Logf("ML20M: %d interactions, %d users, %d items", total, users+1, nItems)
	if total < 15e6 || total > 17e6 || users+1 != 138493 || nItems < 25000 {
		t.Fatalf("ML20M shape off: %d interactions, %d users, %d items", total, users+1, nItems)
	}
}

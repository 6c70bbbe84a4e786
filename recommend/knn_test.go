package recommend

import (
	"context"
	"slices"
	"testing"
)

// TestRowsBitIdenticalToBruteForce recomputes every kept list from scratch, with maps and the
// reference formulas of Config.pairScore (the same floating-point operations as the fit's
// precomputed powers), and requires exact equality: the fit's dense and sparse row paths,
// whatever they are optimised into, must keep the same neighbours with the same bits. The data
// make both paths run (checked).
func TestRowsBitIdenticalToBruteForce(t *testing.T) {
	data := synthData(21, 500, 400, 10)
	for _, cfg := range []Config{
		{},
		{Similarity: Cosine, Neighbors: 7},
		{Similarity: AsymmetricCosine, Alpha: 0.3, Shrink: 5, MinSupport: 2, Neighbors: 12},
		{Similarity: Jaccard, Shrink: 1, Neighbors: 9},
	} {
		m, err := FitSlice(context.Background(), data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		c := m.cfg
		checkRowsAgainstRecount(t, m, func(i, j int32, cnt int, _ float64) float64 {
			return c.pairScore(float64(cnt), float64(len(m.iusers[i])), float64(len(m.iusers[j])), 0)
		})
	}
}

// TestWeightedRowsBitIdenticalToBruteForce is the same check under user weightings, whose rows
// take their own dense and sparse branches: C(i, j) is summed from the per-user weights g in
// ascending user order (as the fit does, so the bits agree), scaled by f_i*f_j under BM25, and
// scored with the same per-item factors.
func TestWeightedRowsBitIdenticalToBruteForce(t *testing.T) {
	data := synthData(22, 500, 400, 10)
	for _, cfg := range []Config{
		{Similarity: Cosine, Weighting: TFIDF, Neighbors: 8},
		{Similarity: Cooccurrence, Weighting: BM25, MinSupport: 2, Neighbors: 6},
		{Similarity: RP3Beta, Neighbors: 10},
		{Similarity: Jaccard, Weighting: BM25, Shrink: 1, Neighbors: 5},
	} {
		m, err := FitSlice(context.Background(), data, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ps := m.pairStats()
		if ps.g == nil {
			t.Fatalf("%+v: not weighted", cfg)
		}
		c := m.cfg
		checkRowsAgainstRecount(t, m, func(i, j int32, _ int, acc float64) float64 {
			if ps.f != nil {
				acc *= ps.f[i] * ps.f[j]
			}
			return ps.score(&c, i, j, acc)
		})
	}
}

// checkRowsAgainstRecount recounts every item's co-occurrences with maps, visiting users in
// ascending order: cnt users have both items and acc sums their pairStats weights g (1 when
// unweighted). score turns a pair into a similarity; the kept list must equal the fit's bit
// for bit, and the data must have run both the dense and the sparse row paths.
func checkRowsAgainstRecount(t *testing.T, m *Model, score func(i, j int32, cnt int, acc float64) float64) {
	t.Helper()
	c := m.cfg
	ps := m.pairStats()
	n := len(m.itemIDs)
	dense, sparse := 0, 0
	for i := range n {
		work := 0
		cnt := map[int32]int{}
		acc := map[int32]float64{}
		for _, u := range m.iusers[i] {
			work += len(m.upos[u])
			g := 1.0
			if ps.g != nil {
				g = ps.g[u]
			}
			for _, j := range m.upos[u] {
				cnt[j]++
				acc[j] += g
			}
		}
		if work > n/2 {
			dense++
		} else {
			sparse++
		}
		var want []neighbor
		for j, k := range cnt {
			if j == int32(i) || k < c.MinSupport {
				continue
			}
			if sim := score(int32(i), j, k, acc[j]); keep(sim) {
				want = append(want, neighbor{Item: j, Sim: sim})
			}
		}
		sortNeighbors(want, m.rank)
		want = want[:min(len(want), c.Neighbors)]
		if got := m.rows[i]; !slices.Equal(got, want) {
			t.Fatalf("%v/%v item %s: got %v, want %v", c.Similarity, c.Weighting, m.itemIDs[i], got, want)
		}
	}
	if dense == 0 || sparse == 0 {
		t.Fatalf("%v/%v: data ran %d dense and %d sparse rows: both paths must run", c.Similarity, c.Weighting, dense, sparse)
	}
}

// The 16-bit copy of the histories indexes them with int32 offsets. More than 2^31-1 positive
// user-item pairs (on a catalog small enough for the copy) would wrap an offset negative and
// panic a counting worker; such a model must count from upos instead. The users share one
// backing array, so the model itself is small; only a copy that ignores the limit is not.
func TestNarrowHistoriesBeyondInt32Offsets(t *testing.T) {
	all := make([]int32, 1<<16)
	for i := range all {
		all[i] = int32(i)
	}
	m := &Model{upos: make([][]int32, (1<<31)/len(all)+1)} // 2^31 + 65,536 pairs
	for u := range m.upos {
		m.upos[u] = all
	}
	nh := m.narrowHistories()
	if nh == nil {
		return
	}
	for u := range m.upos {
		if lo, hi := int64(nh.off[u]), int64(nh.off[u+1]); lo < 0 || hi-lo != int64(len(m.upos[u])) {
			t.Fatalf("user %d: offsets %d..%d for a history of %d items", u, lo, hi, len(m.upos[u]))
		}
	}
}

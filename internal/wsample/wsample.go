// Package wsample draws indices with probability proportional to their weights, for tailor's
// synthetic data generators (internal/shopsim, internal/interactsim).
package wsample

import (
	"math/rand/v2"
	"sort"
)

// Sampler draws an index with probability proportional to its weight (cumulative weights and a
// binary search; the catalogs drawn from are small enough that this is not worth an alias table).
type Sampler struct {
	cum   []float64
	items []int // optional: maps a drawn position to an item index
}

// New returns a sampler of 0..len(w)-1 with probability proportional to w.
func New(w []float64) Sampler {
	cum := make([]float64, len(w))
	t := 0.0
	for i, x := range w {
		t += x
		cum[i] = t
	}
	return Sampler{cum: cum}
}

// Items returns a sampler of the given item indices with probability proportional to pop[item].
func Items(items []int, pop []float64) Sampler {
	w := make([]float64, len(items))
	for j, it := range items {
		w[j] = pop[it]
	}
	sm := New(w)
	sm.items = items
	return sm
}

// Empty reports whether the sampler has nothing to draw.
func (sm Sampler) Empty() bool { return len(sm.cum) == 0 }

// Draw returns an index (or an item, for a sampler made by Items). The sampler must not be empty.
func (sm Sampler) Draw(r *rand.Rand) int {
	u := r.Float64() * sm.cum[len(sm.cum)-1]
	j := sort.SearchFloat64s(sm.cum, u)
	if j >= len(sm.cum) {
		j = len(sm.cum) - 1
	}
	if sm.items != nil {
		return sm.items[j]
	}
	return j
}

package recommend

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// forgetRows updates the rows after the users who had the items held left the binary matrix.
// It returns the previous rows of the lists it changed, or nil when it recomputed them all.
// It writes only m.rows' elements (the caller gives m a slice of its own).
func (m *Model) forgetRows(held []int32) map[int32][]neighbor {
	global := m.cfg.Algorithm == EASE || m.cfg.Similarity == LogLikelihood || m.cfg.Weighting != NoWeighting
	// Recounting a quarter of the rows costs about what a full pass does (the held items are
	// the popular ones), without the patching.
	if global || 4*len(held) > len(m.itemIDs) {
		all := make([]int32, len(m.itemIDs))
		for i := range all {
			all[i] = int32(i)
		}
		m.relearn(all) // cannot fail: the context is never cancelled
		return nil
	}
	// Rows of the held items j are recounted. Every other row k lost no user (no forgotten
	// user had k), so C(k,j) and c_k stayed and only c_j fell: its score for each held j can
	// only rise (true of every Similarity but LogLikelihood, whose N changed) and its other
	// scores did not change. So its new list is the best of the old list without the held
	// items and the fresh scores for them, which come from the held rows' counts (C is
	// symmetric). A fresh score below the old list's last entry cannot enter it.
	n := len(m.itemIDs)
	isHeld := make([]bool, n)
	for _, j := range held {
		isHeld[j] = true
	}
	ps := m.pairStats()
	cfg := &m.cfg
	k := cfg.Neighbors
	type cand struct {
		row int32
		nb  neighbor
	}
	// Counting the held rows streams their users' histories, mostly those of the popular
	// items: when that reads the matrix several times over, a 16-bit copy of it (as a fit
	// uses) pays for itself.
	var narrow *narrowHistories
	if ps.g == nil && n <= 1<<16 {
		work, pairs := 0, 0
		for _, j := range held {
			for _, v := range m.iusers[j] {
				work += len(m.upos[v])
			}
		}
		for _, h := range m.upos {
			pairs += len(h)
		}
		if work > 3*pairs {
			narrow = m.narrowHistories()
		}
	}
	// A fresh score below a full row's last entry cannot enter it (ties are merged and left
	// to the order).
	floor := make([]float64, n)
	for r, row := range m.rows {
		floor[r] = math.Inf(-1)
		if len(row) >= k && len(row) > 0 {
			floor[r] = row[len(row)-1].Sim
		}
	}
	minSup := int32(cfg.MinSupport)
	ratio := ps.pa != nil && ps.g == nil && cfg.Similarity != RP3Beta
	workers := max(1, min(cfg.Workers, len(held)/4))
	fresh := make([][]cand, workers)
	rows := make([][]neighbor, len(held))
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newRowScratch(n, ps.g != nil)
			s.keepCounts = true
			if narrow != nil {
				s.wide = make([]int32, 1<<16)
				s.cnt = s.wide[:n]
			}
			var out []cand
			for {
				x := int(next.Add(1)) - 1
				if x >= len(held) {
					break
				}
				j := held[x]
				rows[x] = m.rowFrom(narrow, j, ps, s)
				// Row r's fresh score for j, from C(r,j) = C(j,r) (f is nil: no Weighting).
				pbj := 0.0
				if ratio {
					pbj = ps.pb[j]
				}
				for _, r := range s.touched {
					c := s.cnt[r]
					s.cnt[r] = 0
					crj := float64(c)
					if s.acc != nil {
						crj = s.acc[r]
						s.acc[r] = 0
					}
					if isHeld[r] || c < minSup {
						continue
					}
					var sim float64
					if ratio {
						sim = crj / (ps.pa[r]*pbj + cfg.Shrink)
					} else {
						sim = ps.score(cfg, r, j, crj)
					}
					if sim >= floor[r] && keep(sim) {
						out = append(out, cand{r, neighbor{Item: j, Sim: sim}})
					}
				}
			}
			fresh[w] = out
		}()
	}
	wg.Wait()
	var all []cand
	for _, f := range fresh {
		all = append(all, f...)
	}
	slices.SortFunc(all, func(a, b cand) int { return int(a.row) - int(b.row) })
	old := make(map[int32][]neighbor)
	var t topK
	for a := 0; a < len(all); {
		r := all[a].row
		z := a
		for z < len(all) && all[z].row == r {
			z++
		}
		t.reset(k, m.rank)
		for _, nb := range m.rows[r] {
			if !isHeld[nb.Item] {
				t.push(nb)
			}
		}
		for _, c := range all[a:z] {
			t.push(c.nb)
		}
		old[r] = m.rows[r]
		m.rows[r] = t.sorted()
		a = z
	}
	for x, j := range held {
		old[j] = m.rows[j]
		m.rows[j] = rows[x]
	}
	return old
}

// patchPush derives the query index and popularity after the rows in old changed (old holds
// their previous lists) and the user counts of the items in changed moved (Forget, Add),
// building new
// tables beside those queries read: for Pull scoring only the voting lists whose entries
// changed are copied and edited.
func (m *Model) patchPush(old map[int32][]neighbor, changed []int32) {
	if m.cfg.Scoring == Pull {
		removed := map[int32][]int32{} // voting list -> rows whose entry left it
		added := map[int32][]neighbor{}
		for j, was := range old {
			// Both lists are in the same order (best first, ties by rank): walk them together.
			now := m.rows[j]
			a, b := 0, 0
			for a < len(was) || b < len(now) {
				switch {
				case a < len(was) && b < len(now) && was[a] == now[b]:
					a++
					b++
				case b == len(now) || a < len(was) && better(was[a], now[b], m.rank):
					removed[was[a].Item] = append(removed[was[a].Item], j)
					a++
				default:
					added[now[b].Item] = append(added[now[b].Item], neighbor{Item: j, Sim: now[b].Sim})
					b++
				}
			}
		}
		push := slices.Clone(m.push)
		for len(push) < len(m.rows) {
			push = append(push, nil) // new items (Add)
		}
		edit := func(i int32) {
			l := make([]neighbor, 0, len(push[i])+len(added[i]))
			gone := removed[i]
			for _, v := range push[i] {
				if !slices.Contains(gone, v.Item) {
					l = append(l, v)
				}
			}
			l = append(l, added[i]...)
			sortNeighbors(l, m.rank)
			push[i] = l
		}
		for i := range removed {
			edit(i)
		}
		for i := range added {
			if _, done := removed[i]; !done {
				edit(i)
			}
		}
		m.push = push
	} else {
		m.push = m.rows
	}
	m.patchPopularity(changed)
}

// patchPopularity re-sorts the items of changed (whose user counts moved) into the
// popularity lists, in new slices; the order is rebuildPopularity's.
func (m *Model) patchPopularity(changed []int32) {
	isChanged := make([]bool, len(m.itemIDs))
	for _, i := range changed {
		isChanged[i] = true
	}
	less := func(a, b int32) int {
		if d := len(m.iusers[b]) - len(m.iusers[a]); d != 0 {
			return d
		}
		return int(m.rank[a]) - int(m.rank[b])
	}
	var moved []int32
	for _, i := range changed {
		if len(m.iusers[i]) > 0 {
			moved = append(moved, i)
		}
	}
	slices.SortFunc(moved, less)
	pop := make([]int32, 0, len(m.popular))
	x := 0
	for _, i := range m.popular {
		if isChanged[i] {
			continue
		}
		for x < len(moved) && less(moved[x], i) < 0 {
			pop = append(pop, moved[x])
			x++
		}
		pop = append(pop, i)
	}
	pop = append(pop, moved[x:]...)
	m.popular = pop
	m.popByCat = make([][]int32, len(m.catNames))
	for _, i := range m.popular {
		if c := m.itemCat[i]; c >= 0 {
			m.popByCat[c] = append(m.popByCat[c], i)
		}
	}
}

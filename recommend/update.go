package recommend

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
)

// Add folds new interactions into the model without a full refit: it updates the users'
// affinities, the binary user-item matrix and the item counts, then the neighbour lists.
// Events are weighed as Fit weighs them, decayed against the model's fixed reference time.
//
// When users only gained a few items (up to 32 distinct) and the Similarity depends on nothing but C(i,j), c_i and c_j
// (Cosine, AsymmetricCosine, Jaccard, Lift, ConditionalProbability, Cooccurrence without a
// Weighting), Add recomputes the lists of the gained items and merges their fresh scores
// into every other list: exact for the items the changed users hold (their scores for the
// gained items can only rise), and for other lists an entry for a gained item is rescored in
// place, the one approximation (an item just below a list's cut might now deserve that
// place). Otherwise (a return took an item away, LogLikelihood, RP3Beta or a Weighting) it
// recomputes the list of every item a changed user holds; other lists keep their old scores
// for the changed items until touched. EASE refits. So after Add a model is close to, not
// always equal to, a refit (measured figures in the benchmark notes); Forget is exact.
//
// A bad interaction is an error naming its 1-based record and wrapping ErrInteraction; then
// nothing is added. An EASE model refuses, with ErrTooManyItems and nothing added, a batch
// whose positively weighted items (counted before any return in the batch cancels them) would
// take the catalog past Config.EASEMaxItems. Queries go on while Add computes: it works
// on copies of what it changes and swaps them in under a short write lock.
func (m *Model) Add(interactions iter.Seq[Interaction]) error {
	var batch []weighed
	n := 0
	for in := range interactions {
		n++
		w, err := m.w.weight(n, &in)
		if err != nil {
			return err
		}
		batch = append(batch, weighed{in, w})
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.RLock()
	base := m.identity()
	next, err := m.added(batch)
	if m.computed != nil {
		m.computed()
	}
	m.mu.RUnlock()
	if err != nil || next == nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.identity() != base {
		// A Merge (which does not take wmu) changed the model meanwhile: start again from
		// the current state, now under the write lock.
		if next, err = m.added(batch); err != nil || next == nil {
			return err
		}
	}
	m.adopt(next)
	return nil
}

// weighed is an interaction with its weight.
type weighed struct {
	in Interaction
	w  float64
}

// added computes the state after the batch, reading m (under at least a read lock) and never
// writing it: every table it changes is copied first. It returns a nil model when nothing
// changes.
func (m *Model) added(batch []weighed) (*Model, error) {
	if err := m.checkEASEGrowth(batchItems(batch, func(a weighed) (string, float64) { return a.in.Item, a.w })); err != nil {
		return nil, err
	}
	next := &Model{
		cfg: m.cfg, w: m.w,
		userIdx: m.userIdx, userIDs: slices.Clip(m.userIDs), hist: slices.Clone(m.hist), upos: slices.Clone(m.upos),
		itemIdx: m.itemIdx, itemIDs: slices.Clip(m.itemIDs), rank: m.rank, itemCat: slices.Clone(m.itemCat),
		catIdx: m.catIdx, catNames: slices.Clip(m.catNames), iusers: slices.Clone(m.iusers),
		rows: slices.Clone(m.rows), push: m.push, popular: m.popular, popByCat: m.popByCat,
	}
	next.cfg.Progress = nil
	next.cfg.Workers = updateWorkers(m.cfg.Workers)
	// The maps are copied only when the batch brings a new key.
	var newUser, newItem, newCat bool
	for _, a := range batch {
		if a.w == 0 {
			continue
		}
		_, known := m.userIdx[a.in.User]
		newUser = newUser || !known
		_, known = m.itemIdx[a.in.Item]
		newItem = newItem || !known
		_, known = m.catIdx[a.in.Category]
		newCat = newCat || (a.in.Category != "" && !known)
	}
	if newUser {
		next.userIdx = maps.Clone(m.userIdx)
	}
	if newItem {
		next.itemIdx = maps.Clone(m.itemIdx)
	}
	if newCat {
		next.catIdx = maps.Clone(m.catIdx)
	}
	nItems := len(next.itemIDs)
	touched := map[int32]bool{}
	for _, a := range batch {
		if a.w == 0 {
			continue
		}
		u := next.internUser(a.in.User)
		i := next.internItem(a.in.Item)
		next.setCategory(i, a.in.Category)
		if !touched[u] {
			next.hist[u] = slices.Clone(next.hist[u]) // m's copy stays as queries read it
		}
		next.hist[u] = addRaw(next.hist[u], i, a.w)
		touched[u] = true
	}
	if len(touched) == 0 {
		return nil, nil
	}
	if len(next.itemIDs) != nItems {
		next.rerank()
	}
	next.canonicalCategories()
	return next, next.relearnAdded(touched, nItems)
}

// relearnAdded updates the binary matrix and the lists of a model whose touched users' histories
// changed (items from nItems on are new), as Add describes.
func (m *Model) relearnAdded(touched map[int32]bool, nItems int) error {
	affected := map[int32]bool{}
	added := map[int32]bool{} // items some user newly has
	removed := false
	for u := range touched {
		old := m.upos[u]
		var now []int32
		for _, e := range m.hist[u] {
			if e.Raw > 0 {
				now = append(now, e.Item)
			}
		}
		if slices.Equal(old, now) {
			continue
		}
		for _, i := range old {
			if _, ok := slices.BinarySearch(now, i); !ok {
				m.iusers[i] = removeSorted(m.iusers[i], u)
				removed = true
			}
			affected[i] = true
		}
		for _, i := range now {
			if _, ok := slices.BinarySearch(old, i); !ok {
				m.iusers[i] = insertSorted(m.iusers[i], u)
				added[i] = true
			}
			affected[i] = true
		}
		m.upos[u] = now
	}
	for i := nItems; i < len(m.itemIDs); i++ {
		affected[int32(i)] = true // new, perhaps without a user: it enters the index's length
	}
	if len(affected) == 0 {
		m.rebuildPopularity()
		return nil
	}
	if m.cfg.Algorithm == EASE {
		if err := m.relearn(nil); err != nil {
			return err
		}
		m.rebuildIndex()
		return nil
	}
	var old map[int32][]neighbor
	// The merge path pays per gained item for a scan of every list; for large batches
	// (measured: 1,000 events of new users) recomputing the held lists is cheaper.
	if !removed && m.localSimilarity() && len(added) <= maxMergedItems {
		old = m.addPairs(sortedKeys(added))
	} else {
		old = make(map[int32][]neighbor, len(affected))
		for i := range affected {
			old[i] = m.rows[i]
		}
		if err := m.relearn(sortedKeys(affected)); err != nil {
			return err
		}
	}
	m.patchPush(old, sortedKeys(affected))
	return nil
}

// addRaw adds w to item i's summed weight in the history h (sorted by item), inserting i if
// h lacks it, and returns the history.
func addRaw(h []entry, i int32, w float64) []entry {
	k, found := slices.BinarySearchFunc(h, i, func(e entry, t int32) int { return int(e.Item) - int(t) })
	if found {
		h[k].Raw += w
		return h
	}
	return slices.Insert(h, k, entry{Item: i, Raw: w})
}

// batchItems returns the distinct items a batch gives a positive weight.
func batchItems[T any](batch []T, get func(T) (string, float64)) map[string]bool {
	items := map[string]bool{}
	for _, a := range batch {
		if it, w := get(a); w > 0 {
			items[it] = true
		}
	}
	return items
}

// checkEASEGrowth refuses, before anything changes, an update of an EASE model that could
// give users to more than Config.EASEMaxItems items: the refit would fail after the
// histories had changed, leaving new histories beside old weights.
func (m *Model) checkEASEGrowth(gained map[string]bool) error {
	if m.cfg.Algorithm != EASE {
		return nil
	}
	n := 0
	for _, us := range m.iusers {
		if len(us) > 0 {
			n++
		}
	}
	for it := range gained {
		if i, ok := m.itemIdx[it]; !ok || len(m.iusers[i]) == 0 {
			n++
		}
	}
	if n > m.cfg.EASEMaxItems {
		return fmt.Errorf("%w: an update would give users to %d items, limit Config.EASEMaxItems = %d; nothing was added",
			ErrTooManyItems, n, m.cfg.EASEMaxItems)
	}
	return nil
}

// maxMergedItems is the largest number of newly held items Add merges instead of recomputing
// the changed users' lists.
const maxMergedItems = 32

// localSimilarity reports whether a pair's similarity depends only on C(i,j), c_i and c_j (not
// on N, a user's history length or idf), which the fast Add path needs.
func (m *Model) localSimilarity() bool {
	if m.cfg.Weighting != NoWeighting {
		return false
	}
	switch m.cfg.Similarity {
	case Cosine, AsymmetricCosine, Jaccard, Lift, ConditionalProbability, Cooccurrence:
		return true
	}
	return false
}

// addPairs updates the lists after users gained the items in added (and lost none). The
// lists of the added items are recomputed (their counts changed). In every other list k, only
// the entries for added items can change: C(k,a) grew for k held by a user who gained a, so
// the score rose and merging the fresh score is exact; for other k only c_a grew, so the score
// fell and an entry for a is rescored in place (the one approximate case: an item just below
// the cut could now deserve a's place). It returns the previous rows of every list it changed.
func (m *Model) addPairs(added []int32) map[int32][]neighbor {
	old := make(map[int32][]neighbor)
	for _, a := range added {
		old[a] = m.rows[a]
	}
	m.relearn(added) // cannot fail: the context is never cancelled
	ps := m.pairStats()
	isAdded := make(map[int32]bool, len(added))
	for _, a := range added {
		isAdded[a] = true
	}
	// Which lists hold an entry for a gained item (those entries must be rescored).
	holds := map[int32]bool{}
	for j, row := range m.rows {
		if isAdded[int32(j)] {
			continue
		}
		for _, n := range row {
			if isAdded[n.Item] {
				holds[int32(j)] = true
				break
			}
		}
	}
	// Fresh scores, per list, of the gained items that can matter there.
	fresh := map[int32][]neighbor{}
	s := newRowScratch(len(m.itemIDs), false)
	k := m.cfg.Neighbors
	minSup := int32(m.cfg.MinSupport)
	for _, a := range added {
		touched := s.touched[:0]
		for _, v := range m.iusers[a] {
			for _, j := range m.upos[v] {
				if s.cnt[j] == 0 {
					touched = append(touched, j)
				}
				s.cnt[j]++
			}
		}
		for _, j := range touched {
			c := s.cnt[j]
			s.cnt[j] = 0
			if isAdded[j] || c < minSup {
				continue
			}
			nb := neighbor{a, ps.score(&m.cfg, j, a, float64(c))}
			row := m.rows[j]
			if holds[j] || keep(nb.Sim) && (len(row) < k || better(nb, row[len(row)-1], m.rank)) {
				fresh[j] = append(fresh[j], nb)
			}
		}
		s.touched = touched
	}
	for j := range holds {
		if fresh[j] == nil {
			fresh[j] = []neighbor{} // its entries lost their co-occurrence: drop them
		}
	}
	for j, cands := range fresh {
		row := m.rows[j]
		merged := make([]neighbor, 0, len(row)+len(cands))
		for _, n := range row {
			if !isAdded[n.Item] {
				merged = append(merged, n)
			}
		}
		for _, n := range cands {
			if keep(n.Sim) {
				merged = append(merged, n)
			}
		}
		sortNeighbors(merged, m.rank)
		if len(merged) > k {
			merged = merged[:k]
		}
		old[j] = row
		m.rows[j] = merged
	}
	return old
}

// better reports whether a ranks before b: a larger Sim, then a smaller rank.
func better(a, b neighbor, rank []int32) bool {
	if a.Sim != b.Sim {
		return a.Sim > b.Sim
	}
	return rank[a.Item] < rank[b.Item]
}

// AddSlice is Add over a slice.
func (m *Model) AddSlice(interactions []Interaction) error {
	return m.Add(slices.Values(interactions))
}

// relearn recomputes the rows of items (all of them for EASE).
func (m *Model) relearn(items []int32) error {
	progress := m.cfg.Progress
	m.cfg.Progress = nil // Fit's callback is not called by updates
	defer func() { m.cfg.Progress = progress }()
	if m.cfg.Algorithm == EASE {
		return m.fitEASE(context.Background())
	}
	return m.computeRows(context.Background(), items)
}

// removeSorted returns s without v, in a new slice: s may be read by queries meanwhile.
func removeSorted(s []int32, v int32) []int32 {
	if k, ok := slices.BinarySearch(s, v); ok {
		out := make([]int32, 0, len(s)-1)
		out = append(out, s[:k]...)
		return append(out, s[k+1:]...)
	}
	return s
}

func insertSorted(s []int32, v int32) []int32 {
	k, ok := slices.BinarySearch(s, v)
	if ok {
		return s
	}
	// Copy before growing: s may share its backing array with the next item's list.
	out := make([]int32, 0, len(s)+1)
	out = append(out, s[:k]...)
	out = append(out, v)
	return append(out, s[k:]...)
}

func sortedKeys(m map[int32]bool) []int32 {
	out := make([]int32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

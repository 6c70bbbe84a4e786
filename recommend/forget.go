package recommend

import (
	"maps"
	"slices"
	"sync"

	"github.com/tailorkit/tailor/internal/forget"
)

// ForgetReport is the module's one erasure report (the same type in every tailor package): the
// person, whether the model held anything of them, and what was removed by kind. A model
// counts one kind, "affinities": the user's user-item affinities (one per item of the user's
// history), e.g. {"person":"c42","found":true,"removed":{"affinities":3}}. For a user the model
// did not know, Found is false and Removed is empty. It names only the ID the caller passed,
// never anything the model learned.
type ForgetReport = forget.Report

// Forget removes user and everything the model learned from the user; see ForgetAll.
func (m *Model) Forget(user string) ForgetReport {
	return m.ForgetAll(user)[0]
}

// ForgetAll removes the users and everything the model learned from them, exactly: afterwards
// the model equals one fitted on the same data without those users (with the same reference
// time Config.Now), so that Save writes the same bytes. Their IDs, histories and affinities go,
// and so do the items only they had (from the lists, the popularity fallback and the catalog)
// and the category names only those items carried; no trace of how many users were erased
// stays. One exception: an item's category is catalog data, kept while the item stays, even
// when a forgotten user's interaction was the one that named it.
//
// Forgetting every user leaves an empty model: it recommends nothing, learns again from Add,
// and saves a file that Load refuses (ErrFormat), as Fit refuses input without interactions.
//
// Queries go on while it runs: the new state is computed beside the one queries read and
// swapped in under a short write lock. Add and other Forgets wait for it.
//
// Cost: with Similarities whose scores depend only on C(i,j), c_i and c_j (every one but
// LogLikelihood, without a Weighting) the rows of the users' items are recounted and every
// other row is patched, since its scores for those items can only rise when their counts fall.
// LogLikelihood (N changes) and a Weighting (idf and BM25's mean change) recompute every row,
// as a batch that touches a large part of the catalog does; EASE refits. So forgetting many
// users is cheaper in one call than in many.
//
// It returns one report per given ID, in the order given; an ID given twice is reported found
// the first time only, as two Forget calls would report it.
func (m *Model) ForgetAll(users ...string) []ForgetReport {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.mu.RLock()
	base := m.identity()
	rep, next := m.forgotten(users)
	if m.computed != nil {
		m.computed()
	}
	m.mu.RUnlock()
	if next == nil {
		return rep
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.identity() != base {
		// Something that does not take wmu (Merge) changed the model meanwhile: start again
		// from the current state, now under the write lock.
		if rep, next = m.forgotten(users); next == nil {
			return rep
		}
	}
	m.adopt(next)
	return rep
}

// modelIdentity changes whenever a writer replaced the model's state.
type modelIdentity struct {
	gen    uint64
	iusers *[]int32
	users  int
}

func (m *Model) identity() modelIdentity {
	id := modelIdentity{gen: m.gen, users: len(m.userIDs)}
	if len(m.iusers) > 0 {
		id.iusers = &m.iusers[0]
	}
	return id
}

// updateWorkers is the number of goroutines an update (Add, Forget) computes on: one core
// fewer than a fit, so that queries, which an update does not block, find one free. Measured
// on 2 cores with every core busy: ForUser's p99 was 12.7 ms, the scheduler's time slice,
// while the erasure ran on both.
func updateWorkers(workers int) int { return max(1, workers-1) }

// adopt installs the state computed in next (under the write lock). The configuration is
// not taken over: the one next computed with may use fewer workers.
func (m *Model) adopt(next *Model) {
	m.userIdx, m.userIDs, m.hist, m.upos = next.userIdx, next.userIDs, next.hist, next.upos
	m.itemIdx, m.itemIDs, m.rank, m.itemCat = next.itemIdx, next.itemIDs, next.rank, next.itemCat
	m.catIdx, m.catNames, m.iusers = next.catIdx, next.catNames, next.iusers
	m.rows, m.push, m.popular, m.popByCat = next.rows, next.push, next.popular, next.popByCat
	m.gen++
}

// forgotten computes the state without users, reading m (under at least a read lock) and
// never writing it. It returns a nil model when no user is known.
func (m *Model) forgotten(users []string) ([]ForgetReport, *Model) {
	rep := make([]ForgetReport, len(users))
	seen := make(map[string]bool, len(users))
	var gone []int32
	for k, id := range users {
		rep[k].Person = id
		if seen[id] {
			continue
		}
		seen[id] = true
		if u, ok := m.userIdx[id]; ok {
			gone = append(gone, u)
			rep[k].Found = true
			rep[k].Add("affinities", len(m.hist[u]))
		}
	}
	if len(gone) == 0 {
		return rep, nil
	}
	slices.Sort(gone)
	next := &Model{
		cfg: m.cfg, w: m.w,
		userIdx: m.userIdx, userIDs: m.userIDs, hist: m.hist, upos: m.upos,
		itemIdx: m.itemIdx, itemIDs: m.itemIDs, rank: m.rank, itemCat: m.itemCat,
		catIdx: m.catIdx, catNames: m.catNames, iusers: m.iusers,
		rows: slices.Clone(m.rows), push: m.push, popular: m.popular, popByCat: m.popByCat,
	}
	next.cfg.Progress = nil
	next.cfg.Workers = updateWorkers(m.cfg.Workers)
	held, touched := next.removeUsers(gone)
	dropped := next.unheldItems(touched)
	if len(dropped) > 0 {
		held = next.removeItems(dropped, held)
	}
	next.canonicalCategories()
	if len(held) == 0 && len(dropped) == 0 {
		return rep, next // only non-positive affinities: no list or count changed
	}
	old := next.forgetRows(held)
	if old == nil || len(dropped) > 0 {
		next.rebuildIndex()
	} else {
		next.patchPush(old, held)
	}
	return rep, next
}

// removeUsers takes the users gone (sorted indices) out of the user tables and the binary
// matrix, renumbering the users after them as a fit without them numbers theirs. It returns
// the items they had a positive affinity to and every item of their histories, both sorted.
// Every table it changes is replaced, never edited in place.
func (m *Model) removeUsers(gone []int32) (held, touched []int32) {
	nu := len(m.userIDs)
	newIdx := make([]int32, nu)
	isGone := make([]bool, nu)
	for _, u := range gone {
		isGone[u] = true
	}
	heldSet, touchedSet := map[int32]bool{}, map[int32]bool{}
	ids := make([]string, 0, nu-len(gone))
	hist := make([][]entry, 0, nu-len(gone))
	upos := make([][]int32, 0, nu-len(gone))
	for u := range nu {
		if isGone[u] {
			newIdx[u] = -1
			for _, i := range m.upos[u] {
				heldSet[i] = true
			}
			for _, e := range m.hist[u] {
				touchedSet[e.Item] = true
			}
			continue
		}
		newIdx[u] = int32(len(ids))
		ids = append(ids, m.userIDs[u])
		hist = append(hist, m.hist[u])
		upos = append(upos, m.upos[u])
	}
	idx := maps.Clone(m.userIdx)
	for _, u := range gone {
		delete(idx, m.userIDs[u])
	}
	for u := int(gone[0]) + 1; u < nu; u++ {
		if !isGone[u] {
			idx[m.userIDs[u]] = newIdx[u]
		}
	}
	m.userIDs, m.hist, m.upos, m.userIdx = ids, hist, upos, idx
	m.iusers = renumberLists(m.iusers, newIdx, gone[0], m.cfg.Workers)
	return sortedKeys(heldSet), sortedKeys(touchedSet)
}

// renumberLists maps every entry v >= from of the sorted lists through newIdx, dropping those
// mapped to -1, on workers goroutines. Lists without such entries are shared, not copied.
func renumberLists(lists [][]int32, newIdx []int32, from int32, workers int) [][]int32 {
	out := make([][]int32, len(lists))
	workers = max(1, min(workers, len(lists)/1024))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(lists)/workers, (w+1)*len(lists)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			total := 0
			for _, l := range lists[lo:hi] {
				if n := len(l); n > 0 && l[n-1] >= from {
					total += n
				}
			}
			backing := make([]int32, 0, total)
			for k, l := range lists[lo:hi] {
				if n := len(l); n == 0 || l[n-1] < from {
					out[lo+k] = l
					continue
				}
				start := len(backing)
				for _, v := range l {
					if v >= from {
						v = newIdx[v]
					}
					if v >= 0 {
						backing = append(backing, v)
					}
				}
				out[lo+k] = backing[start:len(backing):len(backing)]
			}
		}()
	}
	wg.Wait()
	return out
}

// unheldItems returns, of the candidate items (sorted), those no remaining user has any
// interaction with (a positive affinity, or a history entry at all): a fit would not know them.
func (m *Model) unheldItems(cands []int32) []int32 {
	var maybe []int32
	for _, i := range cands {
		if len(m.iusers[i]) == 0 {
			maybe = append(maybe, i)
		}
	}
	if len(maybe) == 0 {
		return nil
	}
	// Rare: an item without positive affinities may still be in a history (a return that
	// cancelled a purchase). Look through the histories once.
	isMaybe := make(map[int32]bool, len(maybe))
	for _, i := range maybe {
		isMaybe[i] = true
	}
	for _, h := range m.hist {
		for _, e := range h {
			if isMaybe[e.Item] {
				delete(isMaybe, e.Item)
			}
		}
		if len(isMaybe) == 0 {
			return nil
		}
	}
	return sortedKeys(isMaybe)
}

// removeItems takes the dropped items (sorted) out of the catalog, renumbering the others in
// their order, and returns held renumbered without the dropped items. Every table it changes
// is replaced, never edited in place.
func (m *Model) removeItems(dropped, held []int32) []int32 {
	n := len(m.itemIDs)
	newIdx := make([]int32, n)
	isDropped := make([]bool, n)
	for _, i := range dropped {
		isDropped[i] = true
	}
	droppedRank := make([]bool, n)
	for _, i := range dropped {
		droppedRank[m.rank[i]] = true
	}
	rankShift := make([]int32, n) // dropped ranks below each rank
	var below int32
	for r := range n {
		rankShift[r] = below
		if droppedRank[r] {
			below++
		}
	}
	keep := n - len(dropped)
	ids := make([]string, 0, keep)
	cats := make([]int32, 0, keep)
	rank := make([]int32, 0, keep)
	iusers := make([][]int32, 0, keep)
	for i := range n {
		if isDropped[i] {
			newIdx[i] = -1
			continue
		}
		newIdx[i] = int32(len(ids))
		ids = append(ids, m.itemIDs[i])
		cats = append(cats, m.itemCat[i])
		rank = append(rank, m.rank[i]-rankShift[m.rank[i]])
		iusers = append(iusers, m.iusers[i])
	}
	idx := maps.Clone(m.itemIdx)
	for i := range n {
		if isDropped[i] {
			delete(idx, m.itemIDs[i])
		} else if i > int(dropped[0]) {
			idx[m.itemIDs[i]] = newIdx[i]
		}
	}
	from := dropped[0]
	hist := make([][]entry, len(m.hist))
	for u, h := range m.hist {
		if len(h) == 0 || h[len(h)-1].Item < from {
			hist[u] = h
			continue
		}
		nh := make([]entry, 0, len(h))
		for _, e := range h {
			if e.Item >= from {
				e.Item = newIdx[e.Item] // never -1: no remaining user has a dropped item
			}
			nh = append(nh, e)
		}
		hist[u] = nh
	}
	upos := renumberLists(m.upos, newIdx, from, m.cfg.Workers)
	rows := make([][]neighbor, 0, keep)
	for i, r := range m.rows {
		if isDropped[i] {
			continue
		}
		nr := make([]neighbor, 0, len(r))
		for _, nb := range r {
			if v := newIdx[nb.Item]; v >= 0 {
				nr = append(nr, neighbor{Item: v, Sim: nb.Sim})
			}
		}
		rows = append(rows, nr)
	}
	m.itemIDs, m.itemCat, m.rank, m.itemIdx = ids, cats, rank, idx
	m.iusers, m.hist, m.upos, m.rows = iusers, hist, upos, rows
	m.push = nil // rebuilt from rows
	var out []int32
	for _, i := range held {
		if v := newIdx[i]; v >= 0 {
			out = append(out, v)
		}
	}
	return out
}

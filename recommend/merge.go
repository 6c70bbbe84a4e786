package recommend

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// Merge folds other's interactions into m and relearns the item-item weights, so that models
// fitted on shards of the users (in parallel, or on different machines) combine into one. For
// shards with disjoint users, the merged model equals a Fit on the shards' interactions
// concatenated in the order m's then other's, exactly. A user present in both gets the sum of
// the two affinities (equal to a joint fit up to floating-point rounding).
//
// Both models must have the same configuration and, with a HalfLife, the same decay reference
// time (set Config.Now when fitting shards); otherwise Merge returns an error wrapping
// ErrConfig and changes nothing; so does an EASE merge whose catalog would exceed
// Config.EASEMaxItems (ErrTooManyItems), a merge whose summed affinity would not be finite
// (ErrInteraction; only models loaded from files holding values near math.MaxFloat64 can get
// there) and a merge of a model into itself (ErrConfig). If ctx is cancelled, Merge returns
// ctx.Err() and m is left unusable: merge into a model nobody queries yet, or a copy.
//
// other is only read: Merge copies what it needs from other under other's read lock, releases
// it, and only then takes m's write lock, so it never holds the locks of two models at once.
// a.Merge(b) and b.Merge(a) may therefore run at the same time, beside queries on both; each
// then folds in the other as it was before or after the other's merge. Queries on m wait while
// m relearns; queries on other wait only for the copy.
func (m *Model) Merge(ctx context.Context, other *Model) error {
	if m == other {
		return fmt.Errorf("%w: cannot merge a model into itself", ErrConfig)
	}
	src := other.mergeSnapshot()
	m.mu.Lock()
	defer m.mu.Unlock()
	a, b := m.cfg, src.cfg
	a.Workers, b.Workers = 0, 0
	a.Now, b.Now = time.Time{}, time.Time{} // compared as the reference times below
	if !sameConfig(a, b) || (a.HalfLife > 0 && m.w.ref != src.ref) {
		return fmt.Errorf("%w: models with different configurations or reference times cannot be merged", ErrConfig)
	}
	if err := m.checkEASEGrowth(src.gained); err != nil {
		return err
	}
	if err := m.checkMergedFinite(&src); err != nil {
		return err
	}
	for k, id := range src.users {
		u := m.internUser(id)
		h := slices.Clone(m.hist[u])
		for _, e := range src.hist[k] {
			i := m.internItem(src.itemIDs[e.Item])
			m.setCategory(i, src.itemCat[e.Item])
			h = addRaw(h, i, e.Raw)
		}
		m.hist[u] = h
	}
	m.renumberItems()
	m.derivePositive()
	if err := m.learn(ctx); err != nil {
		return err
	}
	m.rebuildIndex()
	return nil
}

// mergeSource is what Merge needs of the other model, copied so that the other model's lock
// can be released before the merging model's lock is taken.
type mergeSource struct {
	cfg     Config
	ref     int64
	users   []string  // known users, in the order they first appeared
	hist    [][]entry // per user in users: the history, with indices into itemIDs
	itemIDs []string
	itemCat []string // per item: its category name, or ""
	gained  map[string]bool
}

// mergeSnapshot copies m's users, histories and items under m's read lock. The histories are
// deep copies: Add edits them in place.
func (m *Model) mergeSnapshot() mergeSource {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s := mergeSource{cfg: m.cfg, ref: m.w.ref, itemIDs: slices.Clone(m.itemIDs), gained: map[string]bool{}}
	s.cfg.KindWeights = maps.Clone(m.cfg.KindWeights)
	s.itemCat = make([]string, len(m.itemIDs))
	for i, c := range m.itemCat {
		if c >= 0 {
			s.itemCat[i] = m.catNames[c]
		}
	}
	for i, us := range m.iusers {
		if len(us) > 0 {
			s.gained[m.itemIDs[i]] = true
		}
	}
	total := 0
	for u, id := range m.userIDs {
		if id != "" {
			total += len(m.hist[u])
		}
	}
	backing := make([]entry, 0, total)
	for u, id := range m.userIDs {
		if id == "" {
			continue
		}
		start := len(backing)
		backing = append(backing, m.hist[u]...)
		s.users = append(s.users, id)
		s.hist = append(s.hist, backing[start:len(backing):len(backing)])
	}
	return s
}

// checkMergedFinite refuses, before anything changes, a merge whose summed affinity for some
// user and item would overflow.
func (m *Model) checkMergedFinite(src *mergeSource) error {
	for k, id := range src.users {
		u, ok := m.userIdx[id]
		if !ok {
			continue
		}
		for _, e := range src.hist[k] {
			i, ok := m.itemIdx[src.itemIDs[e.Item]]
			if !ok {
				continue
			}
			h := m.hist[u]
			if p, found := slices.BinarySearchFunc(h, i, func(x entry, t int32) int { return int(x.Item) - int(t) }); found {
				if sum := h[p].Raw + e.Raw; math.IsInf(sum, 0) || math.IsNaN(sum) {
					return fmt.Errorf("%w: merged affinity of user %q and item %q overflows; nothing was merged", ErrInteraction, id, src.itemIDs[e.Item])
				}
			}
		}
	}
	return nil
}

// renumberItems puts the item indices back in ID order (as Fit numbers them), so that every
// sum runs in the same order as in a model fitted on all the data.
func (m *Model) renumberItems() {
	n := len(m.itemIDs)
	newIdx := m.sortItemIDs()
	for u, h := range m.hist {
		h = slices.Clone(h)
		for k := range h {
			h[k].Item = newIdx[h[k].Item]
		}
		slices.SortFunc(h, func(a, b entry) int { return int(a.Item) - int(b.Item) })
		m.hist[u] = h
	}
	m.iusers = make([][]int32, n)
	m.rows = make([][]neighbor, n)
}

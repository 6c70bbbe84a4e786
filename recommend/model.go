package recommend

import (
	"maps"
	"slices"
	"sync"
)

// Model is a fitted recommender: the users' affinities, the item statistics and the item-item
// weights (kept neighbours for ItemKNN, ridge-regression weights for EASE).
//
// A Model is safe for concurrent use: any number of goroutines may query it while others call
// Add, Forget or ForgetAll (queries take a read lock and pooled scratch). Add and Merge hold
// the write lock while they update; Forget and ForgetAll compute the next state beside the
// one queries read and hold the write lock only to swap it in, so queries never wait for an
// erasure's work.
type Model struct {
	// mu guards every field below: queries hold it for reading, writers only while they
	// install what they computed (Forget) or while they update (Add, Merge).
	mu sync.RWMutex
	// wmu serialises the writers of this file set (Add, Forget, ForgetAll), so that Forget
	// can compute on the current state while it holds only a read lock.
	wmu sync.Mutex
	gen uint64 // counts the updates of Add and Forget, so Forget can tell its base changed
	cfg Config // resolved
	w   weigher

	userIdx map[string]int32
	userIDs []string  // "" once a user is forgotten
	hist    [][]entry // per user, by item index: summed (decayed) weights
	upos    [][]int32 // per user, items with a positive affinity, ascending

	itemIdx  map[string]int32
	itemIDs  []string
	rank     []int32 // rank[i] = position of itemIDs[i] in sorted order (ties by ID)
	itemCat  []int32 // category index or -1
	catIdx   map[string]int32
	catNames []string
	iusers   [][]int32 // per item, users with a positive affinity, ascending

	rows [][]neighbor // per item, the learned neighbours, best first
	push [][]neighbor // query index: rows, or rows transposed for Pull scoring

	popular  []int32   // items with users, most users first, ties by ID
	popByCat [][]int32 // the same per category

	scratch sync.Pool // *queryScratch

	computed func() // tests: called when Add or Forget has computed its state, before the swap
}

// entry is one user-item affinity before clipping: the sum of the interactions' weights.
type entry struct {
	Item int32
	Raw  float64
}

// affinity clips a summed weight at zero: returns reduce an affinity but never make it negative.
func (e entry) affinity() float64 { return max(e.Raw, 0) }

// Config returns the model's configuration with every default filled in. It is a copy:
// editing its KindWeights does not change the model.
func (m *Model) Config() Config {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := m.cfg
	c.Progress = nil
	c.KindWeights = maps.Clone(c.KindWeights)
	return c
}

// NumUsers returns the number of users with at least one interaction.
func (m *Model) NumUsers() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.userIdx)
}

// Users returns the IDs of the known users in the order they first appeared.
func (m *Model) Users() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]string, 0, len(m.userIdx))
	for _, u := range m.userIDs {
		if u != "" {
			out = append(out, u)
		}
	}
	return out
}

// NumItems returns the number of items some user has a positive affinity to.
func (m *Model) NumItems() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.popular)
}

// History returns the items of user with their affinities (summed, decayed and clipped at
// zero), ordered by item ID; nil for an unknown user.
func (m *Model) History(user string) []Scored {
	m.mu.RLock()
	defer m.mu.RUnlock()
	u, ok := m.userIdx[user]
	if !ok {
		return nil
	}
	out := make([]Scored, 0, len(m.hist[u]))
	for _, e := range m.hist[u] {
		out = append(out, Scored{Item: m.itemIDs[e.Item], Score: e.affinity()})
	}
	slices.SortFunc(out, func(a, b Scored) int { return cmpString(a.Item, b.Item) })
	return out
}

// Neighbors returns the kept neighbours of item, best first: for ItemKNN the items most similar
// to it, for EASE the largest weights of its row. nil for an unknown item.
func (m *Model) Neighbors(item string) []Scored {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.itemIdx[item]
	if !ok {
		return nil
	}
	out := make([]Scored, len(m.rows[i]))
	for k, n := range m.rows[i] {
		out[k] = Scored{Item: m.itemIDs[n.Item], Score: n.Sim}
	}
	return out
}

// ItemUsers returns the number of users with a positive affinity to item (0 if unknown).
func (m *Model) ItemUsers(item string) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if i, ok := m.itemIdx[item]; ok {
		return len(m.iusers[i])
	}
	return 0
}

// Scored is an item with a number: an affinity, a similarity or a weight. It encodes to JSON
// as {"item":"x","score":0.5} and decodes back.
type Scored struct {
	Item  string  `json:"item"`  // the item's ID
	Score float64 `json:"score"` // the affinity (History), similarity or weight (Neighbors)
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// internItem returns the index of item, adding it if new.
func (m *Model) internItem(item string) int32 {
	if i, ok := m.itemIdx[item]; ok {
		return i
	}
	i := int32(len(m.itemIDs))
	m.itemIdx[item] = i
	m.itemIDs = append(m.itemIDs, item)
	m.itemCat = append(m.itemCat, -1)
	m.iusers = append(m.iusers, nil)
	m.rows = append(m.rows, nil)
	return i
}

func (m *Model) internUser(user string) int32 {
	if u, ok := m.userIdx[user]; ok {
		return u
	}
	u := int32(len(m.userIDs))
	m.userIdx[user] = u
	m.userIDs = append(m.userIDs, user)
	m.hist = append(m.hist, nil)
	m.upos = append(m.upos, nil)
	return u
}

func (m *Model) setCategory(item int32, cat string) {
	if cat == "" {
		return
	}
	c, ok := m.catIdx[cat]
	if !ok {
		c = int32(len(m.catNames))
		m.catIdx[cat] = c
		m.catNames = append(m.catNames, cat)
	}
	m.itemCat[item] = c
}

// rerank recomputes rank after items were added.
func (m *Model) rerank() {
	order := make([]int32, len(m.itemIDs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmpString(m.itemIDs[a], m.itemIDs[b]) })
	m.rank = make([]int32, len(order))
	for r, i := range order {
		m.rank[i] = int32(r)
	}
}

// rebuildIndex derives the query index and the popularity lists from rows and iusers.
func (m *Model) rebuildIndex() {
	if m.cfg.Scoring == Pull {
		m.push = transpose(m.rows, m.rank)
	} else {
		m.push = m.rows
	}
	m.rebuildPopularity()
}

func (m *Model) rebuildPopularity() {
	m.canonicalCategories()
	// A new slice: Forget builds the next state beside the one queries read.
	m.popular = make([]int32, 0, len(m.popular))
	for i := range m.itemIDs {
		if len(m.iusers[i]) > 0 {
			m.popular = append(m.popular, int32(i))
		}
	}
	slices.SortFunc(m.popular, func(a, b int32) int {
		if d := len(m.iusers[b]) - len(m.iusers[a]); d != 0 {
			return d
		}
		return int(m.rank[a]) - int(m.rank[b])
	})
	m.popByCat = make([][]int32, len(m.catNames))
	for _, i := range m.popular {
		if c := m.itemCat[i]; c >= 0 {
			m.popByCat[c] = append(m.popByCat[c], i)
		}
	}
}

// canonicalCategories numbers the categories in name order and drops those no item has, so
// that the category table depends only on the items' categories: a model that forgot the users
// who brought a category saves the table a fit without them writes. It replaces the table
// (never edits it in place) when it changes.
func (m *Model) canonicalCategories() {
	used := make([]bool, len(m.catNames))
	for _, c := range m.itemCat {
		if c >= 0 {
			used[c] = true
		}
	}
	canonical := true
	for c, name := range m.catNames {
		if !used[c] || (c > 0 && m.catNames[c-1] >= name) {
			canonical = false
			break
		}
	}
	if canonical {
		return
	}
	var names []string
	for c, name := range m.catNames {
		if used[c] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	idx := make(map[string]int32, len(names))
	for c, name := range names {
		idx[name] = int32(c)
	}
	cats := make([]int32, len(m.itemCat))
	for i, c := range m.itemCat {
		cats[i] = -1
		if c >= 0 {
			cats[i] = idx[m.catNames[c]]
		}
	}
	m.catNames, m.catIdx, m.itemCat = names, idx, cats
}

// transpose turns per-target neighbour lists into per-source voting lists: (j -> i, s) becomes
// (i -> j, s). Each list is ordered best first.
func transpose(rows [][]neighbor, rank []int32) [][]neighbor {
	counts := make([]int, len(rows))
	total := 0
	for _, r := range rows {
		for _, n := range r {
			counts[n.Item]++
			total++
		}
	}
	backing := make([]neighbor, total)
	out := make([][]neighbor, len(rows))
	off := 0
	for i, c := range counts {
		out[i] = backing[off : off : off+c]
		off += c
	}
	for j, r := range rows {
		for _, n := range r {
			out[n.Item] = append(out[n.Item], neighbor{Item: int32(j), Sim: n.Sim})
		}
	}
	for _, l := range out {
		sortNeighbors(l, rank)
	}
	return out
}

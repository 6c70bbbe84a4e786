package recommend

import "fmt"

// Source says where a recommendation came from.
type Source uint8

const (
	// FromNeighbors: scored by the item-item weights from the history, basket or item.
	FromNeighbors Source = iota
	// FromCategoryPopularity: the popularity fallback within a category.
	FromCategoryPopularity
	// FromPopularity: the overall popularity fallback (unknown user or item, or too few
	// neighbours).
	FromPopularity
)

// String returns "neighbors", "category_popularity" or "popularity", the source's text in JSON.
func (s Source) String() string {
	switch s {
	case FromNeighbors:
		return "neighbors"
	case FromCategoryPopularity:
		return "category_popularity"
	case FromPopularity:
		return "popularity"
	}
	return "unknown"
}

// MarshalText encodes the source as its name (String); a Source outside the three constants
// is an error wrapping ErrFormat, so nothing encodes a value that cannot decode.
func (s Source) MarshalText() ([]byte, error) {
	if s > FromPopularity {
		return nil, fmt.Errorf("%w: unknown source %d", ErrFormat, uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes "neighbors", "category_popularity" or "popularity"; any other text is
// an error wrapping ErrFormat.
func (s *Source) UnmarshalText(b []byte) error {
	switch string(b) {
	case "neighbors":
		*s = FromNeighbors
	case "category_popularity":
		*s = FromCategoryPopularity
	case "popularity":
		*s = FromPopularity
	default:
		return fmt.Errorf("%w: unknown source %q", ErrFormat, cut(string(b)))
	}
	return nil
}

// cut shortens a value quoted in an error to 80 bytes.
func cut(v string) string {
	if len(v) > 80 {
		return v[:80]
	}
	return v
}

// Rec is one recommended item. It encodes to JSON as
// {"item":"x","score":2.5,"source":"neighbors","because":["y"]} (because only when set) and
// decodes back.
type Rec struct {
	// Item is the recommended item's ID.
	Item string `json:"item"`
	// Score is the neighbour score (sum over history items of affinity * weight) or, for a
	// popularity fallback, the item's number of users. Scores of different sources do not
	// compare. It is always finite.
	Score float64 `json:"score"`
	// Source says whether the neighbours or a popularity fallback chose the item.
	Source Source `json:"source"`
	// Because lists the history items that contributed most, with the Explain option; nil
	// for fallbacks and without Explain.
	Because []string `json:"because,omitempty"`
}

// weighted is one history item with its affinity.
type weighted struct {
	item int32
	w    float64
}

// queryScratch is the per-query working memory, pooled so that a query allocates only its
// result. Marks use an epoch so nothing needs clearing between queries.
type queryScratch struct {
	acc      []float64
	mark     []uint32 // mark[j] == epoch: acc[j] holds this query's score
	excl     []uint32 // excl[j] == epoch: j may not be recommended
	seen     []uint32 // seen[j] == epoch: the user has j, so no popularity fallback offers it
	hw       []float64
	hmark    []uint32
	epoch    uint32
	touched  []int32
	hist     []weighted
	top      topK
	catCount []int32
}

func (m *Model) getScratch() *queryScratch {
	s, _ := m.scratch.Get().(*queryScratch)
	if s == nil {
		s = &queryScratch{}
	}
	n := len(m.itemIDs)
	if len(s.acc) < n {
		s.acc = make([]float64, n)
		s.mark = make([]uint32, n)
		s.excl = make([]uint32, n)
		s.seen = make([]uint32, n)
		s.hw = make([]float64, n)
		s.hmark = make([]uint32, n)
		s.epoch = 0
	}
	if len(s.catCount) < len(m.catNames) {
		s.catCount = make([]int32, len(m.catNames))
	}
	s.epoch++
	if s.epoch == 0 { // wrapped: old marks could collide
		clear(s.mark)
		clear(s.excl)
		clear(s.seen)
		clear(s.hmark)
		s.epoch = 1
	}
	s.touched = s.touched[:0]
	s.hist = s.hist[:0]
	return s
}

// ForUser recommends n items for a known user from the history the model keeps. An unknown
// user (or one without neighbours) gets the popularity fallback, flagged in Rec.Source. The
// fallback never offers a known user an item of their kept history (returned items included)
// unless IncludeSeen is given; ExcludeSeen also keeps those items out of the neighbour scores.
func (m *Model) ForUser(user string, n int, opts ...Option) []Rec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := parseOptions(opts)
	s := m.getScratch()
	defer m.scratch.Put(s)
	if u, ok := m.userIdx[user]; ok {
		for _, e := range m.hist[u] {
			if a := e.affinity(); a > 0 {
				if m.cfg.Binary {
					a = 1
				}
				s.hist = append(s.hist, weighted{e.Item, a})
			}
			if q.excludeSeen {
				s.excl[e.Item] = s.epoch
			}
			if !q.includeSeen {
				s.seen[e.Item] = s.epoch
			}
		}
	}
	return m.run(s, &q, n)
}

// ForHistory recommends n items for a history the caller holds (e.g. a session), weighing it
// as Fit would (kinds, decay against the model's reference time). Unknown items are ignored;
// bad interactions (empty IDs, NaN weights) are skipped. The User field is not used.
func (m *Model) ForHistory(history []Interaction, n int, opts ...Option) []Rec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := parseOptions(opts)
	s := m.getScratch()
	defer m.scratch.Put(s)
	for k := range history {
		in := &history[k]
		if in.User == "" {
			in2 := *in
			in2.User = "-"
			in = &in2
		}
		i, ok := m.itemIdx[in.Item]
		if !ok {
			continue
		}
		w, err := m.w.weight(k+1, in)
		if err != nil {
			continue
		}
		if s.hmark[i] != s.epoch {
			s.hmark[i] = s.epoch
			s.hw[i] = 0
			s.hist = append(s.hist, weighted{item: i})
		}
		s.hw[i] += w
		if q.excludeSeen {
			s.excl[i] = s.epoch
		}
	}
	kept := s.hist[:0]
	for _, h := range s.hist {
		if w := s.hw[h.item]; w > 0 {
			if m.cfg.Binary {
				w = 1
			}
			kept = append(kept, weighted{h.item, w})
		}
	}
	s.hist = kept
	return m.run(s, &q, n)
}

// ForBasket recommends n items to go with a basket or cart: each known basket item votes with
// weight 1; the basket itself is never recommended. No user is needed.
func (m *Model) ForBasket(basket []string, n int, opts ...Option) []Rec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := parseOptions(opts)
	s := m.getScratch()
	defer m.scratch.Put(s)
	for _, it := range basket {
		i, ok := m.itemIdx[it]
		if !ok || s.excl[i] == s.epoch {
			continue
		}
		s.excl[i] = s.epoch
		s.hist = append(s.hist, weighted{i, 1})
	}
	return m.run(s, &q, n)
}

// SimilarItems returns the n items most similar to item ("also bought"), from its kept
// neighbours. An unknown item or one with too few neighbours falls back to the popular items of
// its category (when known, or of PopularIn) and then overall.
func (m *Model) SimilarItems(item string, n int, opts ...Option) []Rec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	q := parseOptions(opts)
	s := m.getScratch()
	defer m.scratch.Put(s)
	cat := int32(-1)
	if i, ok := m.itemIdx[item]; ok {
		s.excl[i] = s.epoch
		cat = m.itemCat[i]
		for _, nb := range m.rows[i] {
			s.mark[nb.Item] = s.epoch
			s.acc[nb.Item] = nb.Sim
			s.touched = append(s.touched, nb.Item)
		}
	}
	if q.popularIn == "" && cat >= 0 {
		q.popularIn = m.catNames[cat]
	}
	return m.selectTop(s, &q, n)
}

// Popular returns the n most popular items, most users first, ties by item ID (the order of
// the popularity fallback): overall when category is "", else within category (nil for a
// category no item has). Rec.Score is the item's number of users and Rec.Source is
// FromPopularity or FromCategoryPopularity. Exclude, Allow and MaxPerCategory apply; the other
// options have nothing to act on here. It allocates only the result.
func (m *Model) Popular(n int, category string, opts ...Option) []Rec {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if n <= 0 {
		return nil
	}
	q := parseOptions(opts)
	s := m.getScratch()
	defer m.scratch.Put(s)
	from, src := m.popular, FromPopularity
	if category != "" {
		c, ok := m.catIdx[category]
		if !ok {
			return nil
		}
		from, src = m.popByCat[c], FromCategoryPopularity
	}
	m.markExcluded(s, &q)
	clear(s.catCount)
	n = min(n, len(from))
	return m.fill(s, &q, make([]Rec, 0, n), n, from, src)
}

// run scores s.hist through the query index and selects the result.
func (m *Model) run(s *queryScratch, q *query, n int) []Rec {
	for _, h := range s.hist {
		for _, nb := range m.push[h.item] {
			j := nb.Item
			if s.mark[j] != s.epoch {
				s.mark[j] = s.epoch
				s.acc[j] = 0
				s.touched = append(s.touched, j)
			}
			s.acc[j] += h.w * nb.Sim
		}
	}
	recs := m.selectTop(s, q, n)
	if q.explain > 0 {
		m.explain(s, recs, q.explain)
	}
	return recs
}

// selectTop picks the best n touched items that pass the filters, then fills up from
// popularity. It allocates only the result.
func (m *Model) selectTop(s *queryScratch, q *query, n int) []Rec {
	if n <= 0 {
		return nil
	}
	n = min(n, len(m.itemIDs)) // a huge n must not allocate a huge result
	m.markExcluded(s, q)
	t := &s.top
	capped := q.perCategory > 0
	if capped {
		t.reset(0, m.rank) // keep all, then pick greedily
		clear(s.catCount)
	} else {
		t.reset(n, m.rank)
	}
	for _, j := range s.touched {
		sc := s.acc[j]
		if sc <= 0 || s.excl[j] == s.epoch || (!capped && len(t.h) == n && sc < t.h[0].Sim) || !q.allowed(m.itemIDs[j]) {
			continue // the third test skips what cannot enter a full heap
		}
		t.push(neighbor{Item: j, Sim: sc})
	}
	sortNeighbors(t.h, m.rank)
	out := make([]Rec, 0, n)
	for _, c := range t.h {
		if len(out) == n {
			break
		}
		if !m.takeCategory(s, q, c.Item) {
			continue
		}
		s.excl[c.Item] = s.epoch
		out = append(out, Rec{Item: m.itemIDs[c.Item], Score: c.Sim, Source: FromNeighbors})
	}
	if q.fallback && len(out) < n {
		if c, ok := m.catIdx[q.popularIn]; ok && q.popularIn != "" {
			out = m.fill(s, q, out, n, m.popByCat[c], FromCategoryPopularity)
		}
		out = m.fill(s, q, out, n, m.popular, FromPopularity)
	}
	return out
}

func (m *Model) takeCategory(s *queryScratch, q *query, item int32) bool {
	if q.perCategory <= 0 {
		return true
	}
	c := m.itemCat[item]
	if c < 0 {
		return true
	}
	if int(s.catCount[c]) >= q.perCategory {
		return false
	}
	s.catCount[c]++
	return true
}

func (m *Model) fill(s *queryScratch, q *query, out []Rec, n int, from []int32, src Source) []Rec {
	for _, i := range from {
		if len(out) == n {
			break
		}
		if s.excl[i] == s.epoch || s.seen[i] == s.epoch || !q.allowed(m.itemIDs[i]) || !m.takeCategory(s, q, i) {
			continue
		}
		s.excl[i] = s.epoch
		out = append(out, Rec{Item: m.itemIDs[i], Score: float64(len(m.iusers[i])), Source: src})
	}
	return out
}

func (m *Model) markExcluded(s *queryScratch, q *query) {
	for k := range q.opts {
		o := &q.opts[k]
		if o.kind != optExclude {
			continue
		}
		for _, it := range o.items {
			if i, ok := m.itemIdx[it]; ok {
				s.excl[i] = s.epoch
			}
		}
	}
}

// explain attaches to each neighbour-scored rec the history items with the largest
// contributions affinity * weight, ties by item ID.
func (m *Model) explain(s *queryScratch, recs []Rec, k int) {
	var cs []neighbor // a history item and its contribution affinity * weight
	for r := range recs {
		if recs[r].Source != FromNeighbors {
			continue
		}
		j := m.itemIdx[recs[r].Item]
		cs = cs[:0]
		for _, h := range s.hist {
			for _, nb := range m.push[h.item] {
				if nb.Item == j {
					cs = append(cs, neighbor{Item: h.item, Sim: h.w * nb.Sim})
					break
				}
			}
		}
		sortNeighbors(cs, m.rank)
		because := make([]string, 0, min(k, len(cs)))
		for _, c := range cs[:min(k, len(cs))] {
			because = append(because, m.itemIDs[c.Item])
		}
		recs[r].Because = because
	}
}

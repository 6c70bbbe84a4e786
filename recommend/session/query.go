package session

import (
	"math"
	"slices"
)

// Source says where a recommendation came from.
type Source uint8

const (
	// FromNeighbors: scored by the method from the indexed sessions.
	FromNeighbors Source = iota
	// FromPopularity: the popularity fallback (empty or unknown session, or fewer than k
	// items scored).
	FromPopularity
)

// String returns "neighbors" or "popularity".
func (s Source) String() string {
	switch s {
	case FromNeighbors:
		return "neighbors"
	case FromPopularity:
		return "popularity"
	}
	return "unknown"
}

// MarshalText encodes the source as its name.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes "neighbors" or "popularity".
func (s *Source) UnmarshalText(b []byte) error {
	switch string(b) {
	case "neighbors":
		*s = FromNeighbors
	case "popularity":
		*s = FromPopularity
	default:
		return errUnknownSource
	}
	return nil
}

// Rec is one recommended next item.
type Rec struct {
	// Item is the recommended item's ID.
	Item string `json:"item"`
	// Score is the method's score divided by the list's best (the first neighbour item scores
	// 1), or, for a popularity fallback, the item's number of indexed events. Scores of
	// different sources do not compare.
	Score float64 `json:"score"`
	// Source says whether the method or the popularity fallback chose the item.
	Source Source `json:"source"`
}

// candidate is an indexed session compared with the query.
type candidate struct {
	seq    int64
	sim    float64
	last   float64 // the session's time
	nu     int32   // the session's distinct items
	shared int32   // distinct items in common with the query
	maxPos int32   // latest position (1-based) in the query of a shared item
	anchor int32   // latest position (1-based) in the session of a shared item
}

// scratch is one query's working memory, pooled so that a query allocates only its result.
// Stamps use an epoch so nothing needs clearing between queries.
type scratch struct {
	epoch   uint32
	mark    []uint32 // mark[i] == epoch: score[i] is this query's; epoch+1: chosen
	score   []float64
	cur     []uint32 // cur[i] == epoch: item i is in the query, at curAt[i]
	curAt   []int32
	touched []int32
	items   []int32   // the query's known items, oldest first
	uniq    []int32   // its distinct items
	pos     []int32   // last position (1-based) of each distinct item
	w       []float64 // weight of each distinct item
	heads   []int     // merge cursor into the posting of each distinct item
	heap    []int32   // distinct-item indexes ordered by the sequence number at their cursor
	cands   []candidate
	top     []int32
}

func (m *Model) getScratch() *scratch {
	s, _ := m.pool.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if n := len(m.itemIDs); len(s.mark) < n {
		n += n / 4
		s.mark, s.score = make([]uint32, n), make([]float64, n)
		s.cur, s.curAt = make([]uint32, n), make([]int32, n)
		s.epoch = 0
	}
	s.epoch += 2
	if s.epoch < 2 { // wrapped: old stamps could collide
		clear(s.mark)
		clear(s.cur)
		s.epoch = 2
	}
	return s
}

// Recommend returns the k items most likely to come next after current, the session in
// progress (its clicks oldest first; the caller need not have registered it), best first.
// Only its latest Config.MaxLength clicks count, and items the index does not know are
// skipped. When fewer than k items score (an empty session, one of unknown items only, or
// few neighbours), the list is filled with the most popular indexed items, each flagged
// FromPopularity, unless Config.NoFallback. Equal scores are ordered by popularity (indexed
// events), then item ID. A list never has more items than the index holds. Items of the session
// itself may be recommended (shoppers return to them). k <= 0 gives nil.
func (m *Model) Recommend(current []Click, k int) []Rec {
	if k <= 0 {
		return nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	k = min(k, len(m.itemIdx)) // no list is longer than the catalog, whatever k asks
	s := m.getScratch()
	defer m.pool.Put(s)
	if len(current) > m.cfg.MaxLength {
		current = current[len(current)-m.cfg.MaxLength:]
	}
	s.items = s.items[:0]
	tq := math.Inf(-1)
	for _, c := range current {
		if i, ok := m.itemIdx[c.Item]; ok {
			s.items = append(s.items, i)
		}
		if !c.Time.IsZero() {
			tq = max(tq, seconds(c.Time))
		}
	}
	s.touched = s.touched[:0]
	if len(s.items) > 0 {
		if m.cfg.Method == SR {
			m.rules(s)
		} else {
			m.neighbours(s, tq)
		}
	}
	out := m.best(s, k)
	if len(out) < k && !m.cfg.NoFallback {
		for _, it := range m.popular {
			if len(out) == k {
				break
			}
			if m.count[it] == 0 || s.mark[it] == s.epoch+1 {
				continue
			}
			out = append(out, Rec{Item: m.itemIDs[it], Score: float64(m.count[it]), Source: FromPopularity})
		}
	}
	return out
}

// vote adds v to item i's score.
func (s *scratch) vote(i int32, v float64) {
	if s.mark[i] != s.epoch {
		s.mark[i] = s.epoch
		s.score[i] = v
		s.touched = append(s.touched, i)
		return
	}
	s.score[i] += v
}

// prepare fills the distinct items of the query with their last positions.
func (m *Model) prepare(s *scratch) {
	s.uniq, s.pos = s.uniq[:0], s.pos[:0]
	for j, it := range s.items {
		if s.cur[it] != s.epoch {
			s.cur[it] = s.epoch
			s.curAt[it] = int32(len(s.uniq))
			s.uniq = append(s.uniq, it)
			s.pos = append(s.pos, 0)
		}
		s.pos[s.curAt[it]] = int32(j + 1)
	}
}

// neighbours scores the items of the query's nearest sessions (SKNN, VSKNN, STAN, VSTAN).
func (m *Model) neighbours(s *scratch, tq float64) {
	m.prepare(s)
	n := len(s.items)
	c := &m.cfg
	s.w = s.w[:0]
	den := 0.0
	for j := range s.uniq {
		var w float64
		switch c.Method {
		case VSKNN:
			w = c.PositionWeight.position(int(s.pos[j]), n)
		case STAN, VSTAN:
			w = m.spw[n-int(s.pos[j])]
			den += w * w
		default:
			w = 1
		}
		s.w = append(s.w, w)
	}
	m.sample(s)
	if len(s.cands) == 0 {
		return
	}
	// score the candidates
	tref := tq
	for i := range s.cands {
		tref = max(tref, s.cands[i].last)
	}
	nq := float64(len(s.uniq))
	keep := s.cands[:0]
	for _, cd := range s.cands {
		nu := float64(cd.nu)
		switch c.Method {
		case SKNN:
			if c.Similarity == Jaccard {
				cd.sim = float64(cd.shared) / (nu + nq - float64(cd.shared))
			} else {
				cd.sim = float64(cd.shared) / math.Sqrt(nu) * math.Sqrt(nq)
			}
		case VSKNN:
			cd.sim /= nq
		case STAN, VSTAN:
			cd.sim = cd.sim / (math.Sqrt(den) * math.Sqrt(nu))
			cd.sim *= math.Exp(-(tref - cd.last) / c.SessionRecency.Seconds())
			keep = append(keep, cd)
			continue
		}
		if cd.sim > 0 {
			keep = append(keep, cd)
		}
	}
	s.cands = keep
	nearest := selectTop(s.cands, c.Neighbors)
	lnLive := math.Log(float64(m.live))
	for _, cd := range nearest {
		st := &m.hot[cd.seq-m.base]
		items, lp := st.distinct(), st.lastPos()
		switch c.Method {
		case SKNN:
			for _, it := range items {
				s.vote(it, cd.sim)
			}
		case VSKNN:
			decay := c.DistanceWeight.distance(n - int(cd.maxPos) + 1)
			for _, it := range items {
				v := cd.sim + cd.sim*(lnLive-m.logCnt[it])*c.IDFWeight
				s.vote(it, v*decay)
			}
		case STAN, VSTAN:
			anchor := cd.anchor
			ipw := m.ipw[n-int(cd.maxPos)]
			for k, it := range items {
				d := lp[k] - anchor
				if d < 0 {
					d = -d
				}
				v := cd.sim * m.inh[d]
				if c.Method == VSTAN {
					v = v + v*(lnLive-m.logCnt[it])*c.IDFWeight
					v *= ipw
				}
				s.vote(it, v)
			}
		}
	}
}

// sample collects the SampleSize most recent indexed sessions sharing an item with the query,
// newest first, with the summed weights of the shared items, by merging the postings of the
// query's items from their newest end.
func (m *Model) sample(s *scratch) {
	s.cands = s.cands[:0]
	s.heads, s.heap = s.heads[:0], s.heap[:0]
	for j, it := range s.uniq {
		p := m.post[it]
		s.heads = append(s.heads, len(p)-1)
		if len(p) > 0 {
			s.heap = append(s.heap, int32(j))
		}
	}
	key := func(j int32) int64 { return m.post[s.uniq[j]][s.heads[j]] } // seq<<posBits | position
	h := s.heap
	less := func(a, b int) bool { // max-heap on sequence number
		return key(h[a]) > key(h[b])
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			if r := l + 1; r < len(h) && less(r, l) {
				l = r
			}
			if !less(l, i) {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	limit := m.cfg.SampleSize
	if len(s.uniq) == 1 { // one item: the sample is the tail of its posting
		p := m.post[s.uniq[0]]
		for k := len(p) - 1; k >= max(0, len(p)-limit); k-- {
			q := p[k] >> posBits
			hm := &m.hot[q-m.base]
			s.cands = append(s.cands, candidate{seq: q, last: hm.last, nu: hm.nu, sim: s.w[0], shared: 1,
				maxPos: s.pos[0], anchor: int32(p[k] & (1<<posBits - 1))})
		}
		return
	}
	last := int64(-1)
	for len(h) > 0 {
		j := h[0]
		e := key(j)
		q := e >> posBits
		if q != last {
			if len(s.cands) == limit {
				break
			}
			hm := &m.hot[q-m.base]
			s.cands = append(s.cands, candidate{seq: q, last: hm.last, nu: hm.nu})
			last = q
		}
		cd := &s.cands[len(s.cands)-1]
		cd.sim += s.w[j]
		cd.shared++
		cd.maxPos = max(cd.maxPos, s.pos[j])
		cd.anchor = max(cd.anchor, int32(e&(1<<posBits-1)))
		s.heads[j]--
		if s.heads[j] < 0 {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		if len(h) > 0 {
			down(0)
		}
	}
	s.heap = h
}

// before orders candidates by similarity, then recency.
func before(a, b *candidate) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.seq > b.seq
}

// selectTop moves the k best candidates to the front (in no particular order) and returns
// them: a quickselect, linear on average, deterministic for the same input order.
func selectTop(c []candidate, k int) []candidate {
	if k >= len(c) {
		return c
	}
	lo, hi := 0, len(c)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// median of three as the pivot, moved to hi
		if before(&c[mid], &c[lo]) {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if before(&c[hi], &c[lo]) {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if before(&c[mid], &c[hi]) {
			c[mid], c[hi] = c[hi], c[mid]
		}
		p := c[hi]
		i := lo
		for j := lo; j < hi; j++ {
			if before(&c[j], &p) {
				c[i], c[j] = c[j], c[i]
				i++
			}
		}
		c[i], c[hi] = c[hi], c[i]
		switch {
		case i == k:
			return c[:k]
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
	return c[:k]
}

// rules scores the items that followed the query's last item within Steps events in the
// SampleSize most recent indexed sessions holding it, each weighed by RuleWeight of the
// distance (SR).
func (m *Model) rules(s *scratch) {
	a := s.items[len(s.items)-1]
	steps := m.cfg.Steps
	p := m.post[a]
	for _, e := range p[max(0, len(p)-m.cfg.SampleSize):] {
		ev := m.hot[e>>posBits-m.base].events()
		first, lastOcc := -1, -1
		for t, it := range ev {
			if it == a {
				if first < 0 {
					first = t
				}
				lastOcc = t
			}
		}
		end := min(lastOcc+steps, len(ev)-1)
		for t := first + 1; t <= end; t++ {
			for d := 1; d <= min(steps, t); d++ {
				if ev[t-d] == a {
					s.vote(ev[t], m.cfg.RuleWeight.distance(d))
				}
			}
		}
	}
}

// best returns the k best scored items, best first (ties by item ID), scores divided by the
// best one, and marks them chosen.
func (m *Model) best(s *scratch, k int) []Rec {
	if len(s.touched) == 0 {
		return make([]Rec, 0, k)
	}
	better := func(a, b int32) bool {
		if s.score[a] != s.score[b] {
			return s.score[a] > s.score[b]
		}
		if m.count[a] != m.count[b] {
			return m.count[a] > m.count[b]
		}
		return m.itemIDs[a] < m.itemIDs[b]
	}
	cmpf := func(a, b int32) int { return cmpBool(better(a, b), better(b, a)) }
	top := s.top[:0]
	if len(s.touched) <= k {
		top = append(top, s.touched...)
		slices.SortFunc(top, cmpf)
	} else {
		// a min-heap of the k best so far, worst at the root
		top = append(top, s.touched[:k]...)
		worse := func(a, b int) bool { return better(top[b], top[a]) }
		down := func(i int) {
			for {
				l := 2*i + 1
				if l >= len(top) {
					return
				}
				if r := l + 1; r < len(top) && worse(r, l) {
					l = r
				}
				if !worse(l, i) {
					return
				}
				top[i], top[l] = top[l], top[i]
				i = l
			}
		}
		for i := k/2 - 1; i >= 0; i-- {
			down(i)
		}
		for _, it := range s.touched[k:] {
			if better(it, top[0]) {
				top[0] = it
				down(0)
			}
		}
		slices.SortFunc(top, cmpf)
	}
	s.top = top
	out := make([]Rec, 0, k)
	norm := s.score[top[0]]
	for _, it := range top {
		sc := s.score[it]
		if norm > 0 && !math.IsInf(norm, 0) {
			sc /= norm
		}
		out = append(out, Rec{Item: m.itemIDs[it], Score: sc, Source: FromNeighbors})
		s.mark[it] = s.epoch + 1
	}
	return out
}

package recommend

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// pairStats are the per-user and per-item factors the co-occurrence needs, derived from the
// binary user-item matrix (upos, iusers) so that they never drift from it.
type pairStats struct {
	g    []float64 // per-user weight added to C(i,j) for each pair the user has; nil = 1
	f    []float64 // per-item factor: C(i,j) = f_i * f_j * sum g; nil = 1
	diag []float64 // c_i = C(i,i)
	n    float64   // users with any item
	pa   []float64 // per-item powers, see preparePowers
	pb   []float64
}

func (m *Model) pairStats() *pairStats {
	ps := &pairStats{diag: make([]float64, len(m.itemIDs))}
	for _, h := range m.upos {
		if len(h) > 0 {
			ps.n++
		}
	}
	activeItems := 0
	totalUsers := 0
	for _, us := range m.iusers {
		if len(us) > 0 {
			activeItems++
			totalUsers += len(us)
		}
	}
	cfg := &m.cfg
	switch {
	case cfg.Similarity == RP3Beta:
		ps.g = make([]float64, len(m.upos))
		for u, h := range m.upos {
			if len(h) > 0 {
				ps.g[u] = math.Pow(float64(len(h)), -cfg.Alpha)
			}
		}
	case cfg.Weighting == TFIDF || cfg.Weighting == BM25:
		ps.g = make([]float64, len(m.upos))
		lnN := math.Log(float64(activeItems))
		for u, h := range m.upos {
			idf := lnN - math.Log1p(float64(len(h)))
			ps.g[u] = idf * idf
		}
		if cfg.Weighting == BM25 {
			ps.f = make([]float64, len(m.iusers))
			mean := float64(totalUsers) / float64(max(activeItems, 1))
			for i, us := range m.iusers {
				norm := (1 - cfg.BM25B) + cfg.BM25B*float64(len(us))/mean
				ps.f[i] = (cfg.BM25K1 + 1) / (cfg.BM25K1*norm + 1)
			}
		}
	}
	for i, us := range m.iusers {
		if ps.g == nil || cfg.Similarity == RP3Beta {
			ps.diag[i] = float64(len(us))
			continue
		}
		s := 0.0
		for _, u := range us {
			s += ps.g[u]
		}
		if ps.f != nil {
			s *= ps.f[i] * ps.f[i]
		}
		ps.diag[i] = s
	}
	ps.preparePowers(cfg)
	return ps
}

// rowScratch is one worker's dense accumulator: never the whole item x item matrix, one row.
type rowScratch struct {
	cnt     []int32
	wide    []int32 // when set, cnt's backing array of 65,536 counts (see narrowHistories.count)
	acc     []float64
	touched []int32
	top     topK
	// keepCounts leaves a row's counts (cnt, acc at touched) for the caller, who clears them:
	// Forget takes the fresh scores of the other rows from the same count.
	keepCounts bool
}

func newRowScratch(n int, weighted bool) *rowScratch {
	s := &rowScratch{cnt: make([]int32, n)}
	if weighted {
		s.acc = make([]float64, n)
	}
	return s
}

// row computes the kept neighbours of item i.
func (m *Model) row(i int32, ps *pairStats, s *rowScratch) []neighbor {
	return m.rowFrom(nil, i, ps, s)
}

// narrowHistories is upos with 16-bit item indices in one array, which halves the memory the
// counting streams through; user u's items are items[off[u]:off[u+1]]. It needs a catalog of
// at most 65,536 items.
type narrowHistories struct {
	items []uint16
	off   []int32
}

// narrowHistories copies upos, or returns nil when its offsets would not fit in an int32.
func (m *Model) narrowHistories() *narrowHistories {
	total := 0
	for _, h := range m.upos {
		total += len(h)
	}
	if total > math.MaxInt32 {
		return nil
	}
	nh := &narrowHistories{items: make([]uint16, 0, total), off: make([]int32, 1, len(m.upos)+1)}
	for _, h := range m.upos {
		for _, j := range h {
			nh.items = append(nh.items, uint16(j))
		}
		nh.off = append(nh.off, int32(len(nh.items)))
	}
	return nh
}

// rowFrom is row, counting unweighted co-occurrences from narrow when it is given (and s.wide
// is set).
func (m *Model) rowFrom(narrow *narrowHistories, i int32, ps *pairStats, s *rowScratch) []neighbor {
	cnt, acc := s.cnt, s.acc
	n := len(cnt)
	// A row that touches much of the catalog is scanned densely afterwards, which keeps the
	// inner loop free of the "first time seen?" branch; a sparse row tracks what it touched.
	work := 0
	if narrow != nil {
		for _, u := range m.iusers[i] {
			work += int(narrow.off[u+1] - narrow.off[u])
		}
	} else {
		for _, u := range m.iusers[i] {
			work += len(m.upos[u])
		}
	}
	dense := work > n/2
	touched := s.touched[:0]
	switch {
	case ps.g == nil && dense:
		if narrow != nil && len(s.wide) == 1<<16 {
			narrow.count(m.iusers[i], (*[1 << 16]int32)(s.wide))
			break
		}
		for _, u := range m.iusers[i] {
			for _, j := range m.upos[u] {
				cnt[j]++
			}
		}
	case ps.g == nil:
		// Branch-free: the item is written down always, and kept when its count was zero.
		touched = slices.Grow(touched, work)[:work]
		k := 0
		for _, u := range m.iusers[i] {
			for _, j := range m.upos[u] {
				c := cnt[j]
				touched[k] = j
				k += int(uint32(c-1) >> 31) // 1 when c == 0
				cnt[j] = c + 1
			}
		}
		touched = touched[:k]
	case dense:
		for _, u := range m.iusers[i] {
			g := ps.g[u]
			for _, j := range m.upos[u] {
				cnt[j]++
				acc[j] += g
			}
		}
	default:
		touched = slices.Grow(touched, work)[:work]
		k := 0
		for _, u := range m.iusers[i] {
			g := ps.g[u]
			for _, j := range m.upos[u] {
				c := cnt[j]
				touched[k] = j
				k += int(uint32(c-1) >> 31) // 1 when c == 0
				cnt[j] = c + 1
				acc[j] += g
			}
		}
		touched = touched[:k]
	}
	if dense {
		touched = nonzero(cnt, touched)
	}
	cfg := &m.cfg
	t := &s.top
	t.reset(cfg.Neighbors, m.rank)
	minSup := int32(cfg.MinSupport)
	// Cosine and AsymmetricCosine on counts, the common case, score inline.
	ratio := ps.pa != nil && acc == nil && cfg.Similarity != RP3Beta
	var pai float64
	if ps.pa != nil {
		pai = ps.pa[i]
	}
	floor := math.Inf(-1) // the worst kept similarity once the heap is full
	for _, j := range touched {
		c := cnt[j]
		if !s.keepCounts {
			cnt[j] = 0
		}
		var sim float64
		if ratio {
			sim = float64(c) / (pai*ps.pb[j] + cfg.Shrink)
		} else {
			cij := float64(c)
			if acc != nil {
				cij = acc[j]
				if !s.keepCounts {
					acc[j] = 0
				}
				if ps.f != nil {
					cij *= ps.f[i] * ps.f[j]
				}
			}
			sim = ps.score(cfg, i, j, cij)
		}
		if j == i || c < minSup || sim < floor {
			continue // the last test, the common one, skips what cannot enter the full heap
		}
		if keep(sim) {
			t.push(neighbor{Item: j, Sim: sim})
			if len(t.h) == cfg.Neighbors {
				floor = t.h[0].Sim
			}
		}
	}
	s.touched = touched
	return t.sorted()
}

// count adds the items of users to cnt; 16-bit indices into a 65,536-entry array need no
// bounds checks.
func (nh *narrowHistories) count(users []int32, cnt *[1 << 16]int32) {
	for _, u := range users {
		h := nh.items[nh.off[u]:nh.off[u+1]]
		for len(h) >= 4 {
			cnt[h[0]]++
			cnt[h[1]]++
			cnt[h[2]]++
			cnt[h[3]]++
			h = h[4:]
		}
		for _, j := range h {
			cnt[j]++
		}
	}
}

// nonzero returns the indices of cnt's non-zero counts, in buf's memory when it has room. It
// is branch-free: a dense row's counts are non-zero at random, which would defeat the branch
// predictor.
func nonzero(cnt []int32, buf []int32) []int32 {
	if cap(buf) < len(cnt) {
		buf = make([]int32, len(cnt))
	}
	buf = buf[:len(cnt)]
	k := 0
	for j, c := range cnt {
		buf[k] = int32(j)
		k += int(uint32(-c) >> 31) // 1 for a positive count, 0 for zero
	}
	return buf[:k]
}

// computeRows recomputes m.rows for the given items on cfg.Workers goroutines, reporting
// progress. On cancellation it returns ctx.Err() with m.rows partly overwritten, so callers
// that must not leave a half model work on a model nobody else sees yet.
func (m *Model) computeRows(ctx context.Context, items []int32) error {
	ps := m.pairStats()
	weighted := ps.g != nil
	// Many unweighted rows: count from 16-bit histories when the catalog allows (a copy costs
	// about as much as counting a few rows).
	var narrow *narrowHistories
	if !weighted && len(items) > 256 && len(m.itemIDs) <= 1<<16 {
		narrow = m.narrowHistories()
	}
	workers := min(m.cfg.Workers, max(len(items)/64, 1))
	const chunk = 64
	var next, done atomic.Int64
	var progressMu sync.Mutex
	total := len(items)
	var wg sync.WaitGroup
	var stop atomic.Bool
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newRowScratch(len(m.itemIDs), weighted)
			if narrow != nil {
				s.wide = make([]int32, 1<<16)
				s.cnt = s.wide[:len(s.cnt)]
			}
			for !stop.Load() {
				lo := int(next.Add(chunk)) - chunk
				if lo >= total {
					return
				}
				if ctx.Err() != nil {
					stop.Store(true)
					return
				}
				hi := min(lo+chunk, total)
				for _, i := range items[lo:hi] {
					m.rows[i] = m.rowFrom(narrow, i, ps, s)
				}
				done.Add(int64(hi - lo))
				if m.cfg.Progress != nil {
					progressMu.Lock()
					m.cfg.Progress(int(done.Load()), total) // read under the lock: never goes back
					progressMu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

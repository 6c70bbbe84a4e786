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
	acc     []float64
	touched []int32
	top     topK
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
	return rowFrom(m, m.upos, i, ps, s)
}

// itemIndex is the integer type of the item indices in the histories a row counts from.
type itemIndex interface{ uint16 | int32 }

// narrowHistories copies upos with 16-bit item indices, which halves the memory the counting
// streams through. It needs a catalog of at most 65,536 items.
func (m *Model) narrowHistories() [][]uint16 {
	total := 0
	for _, h := range m.upos {
		total += len(h)
	}
	buf := make([]uint16, total)
	out := make([][]uint16, len(m.upos))
	off := 0
	for u, h := range m.upos {
		q := buf[off : off+len(h) : off+len(h)]
		for k, j := range h {
			q[k] = uint16(j)
		}
		out[u] = q
		off += len(h)
	}
	return out
}

// rowFrom is row with the users' histories read from hist, upos or a narrowed copy of it.
func rowFrom[P itemIndex](m *Model, hist [][]P, i int32, ps *pairStats, s *rowScratch) []neighbor {
	cnt, acc := s.cnt, s.acc
	n := len(cnt)
	// A row that touches much of the catalog is scanned densely afterwards, which keeps the
	// inner loop free of the "first time seen?" branch; a sparse row tracks what it touched.
	work := 0
	for _, u := range m.iusers[i] {
		work += len(hist[u])
	}
	dense := work > n/2
	touched := s.touched[:0]
	switch {
	case ps.g == nil && dense:
		for _, u := range m.iusers[i] {
			for _, j := range hist[u] {
				cnt[j]++
			}
		}
	case ps.g == nil:
		// Branch-free: the item is written down always, and kept when its count was zero.
		touched = slices.Grow(touched, work)[:work]
		k := 0
		for _, u := range m.iusers[i] {
			for _, j := range hist[u] {
				c := cnt[j]
				touched[k] = int32(j)
				k += int(uint32(c-1) >> 31) // 1 when c == 0
				cnt[j] = c + 1
			}
		}
		touched = touched[:k]
	case dense:
		for _, u := range m.iusers[i] {
			g := ps.g[u]
			for _, j := range hist[u] {
				cnt[j]++
				acc[j] += g
			}
		}
	default:
		touched = slices.Grow(touched, work)[:work]
		k := 0
		for _, u := range m.iusers[i] {
			g := ps.g[u]
			for _, j := range hist[u] {
				c := cnt[j]
				touched[k] = int32(j)
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
	for _, j := range touched {
		c := cnt[j]
		cnt[j] = 0
		var sim float64
		if ratio {
			sim = float64(c) / (pai*ps.pb[j] + cfg.Shrink)
		} else {
			cij := float64(c)
			if acc != nil {
				cij = acc[j]
				acc[j] = 0
				if ps.f != nil {
					cij *= ps.f[i] * ps.f[j]
				}
			}
			sim = ps.score(cfg, i, j, cij)
		}
		if j == i || c < minSup || (len(t.h) == cfg.Neighbors && sim < t.h[0].Sim) {
			continue // the last test skips what cannot enter a full heap
		}
		if keep(sim) {
			t.push(neighbor{Item: j, Sim: sim})
		}
	}
	s.touched = touched
	return t.sorted()
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
	// Many rows: count from 16-bit histories when the catalog allows (a copy costs about as
	// much as counting a few rows).
	var narrow [][]uint16
	if len(items) > 256 && len(m.itemIDs) <= 1<<16 {
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
					if narrow != nil {
						m.rows[i] = rowFrom(m, narrow, i, ps, s)
					} else {
						m.rows[i] = m.row(i, ps, s)
					}
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

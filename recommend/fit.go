package recommend

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"
	"time"
)

// Fit learns a model from interactions. It reads the sequence once, sums the weights of each
// user-item pair (see Interaction and Config.KindWeights), decays them when Config.HalfLife is
// set, and learns item-item weights with Config.Algorithm using Config.Workers goroutines.
//
// The sequence is ranged over on a goroutine of Fit's own (while the caller's goroutine interns
// items); a panic in it is re-raised on the caller's goroutine. Input that comes grouped by
// user (each user's interactions together, in any order within the user) is fitted without a
// second copy of it; other orders cost one more pass and 16 bytes per interaction.
//
// A bad interaction (empty ID; a weight, or the weight of its kind, that is NaN, infinite or
// above 1e15 in magnitude; a time more than 2^40 s from 1970) is an error naming its 1-based
// record number and field and wrapping ErrInteraction. Whatever Fit accepts stays finite
// through every later Add and Merge, and saves and loads. Input without any positive affinity
// gives ErrEmpty. If ctx is cancelled, Fit returns ctx.Err() and no model.
func Fit(ctx context.Context, interactions iter.Seq[Interaction], cfg Config) (*Model, error) {
	m, _, err := FitWithReport(ctx, interactions, cfg)
	return m, err
}

// FitReport says what Fit read and what it ignored. An interaction that weighs 0 adds nothing
// to the model; the report counts them by Kind so that a mis-cased or unknown kind ("Purchase",
// "impression") is seen instead of silently learning nothing. It encodes to JSON as
// {"read":5,"used":3,"unknown_kinds":{"Purchase":1},"zero_weight":{"":1}} (the maps only when
// not empty) and decodes back. It holds kinds and counts, never a user or item ID.
type FitReport struct {
	// Read is the number of interactions read.
	Read int `json:"read"`
	// Used is the number that weighed something (before decay) and so entered the model.
	Used int `json:"used"`
	// UnknownKinds counts, by Kind, the interactions without a Weight whose Kind is not in
	// Config.KindWeights (kinds are matched exactly, so "Purchase" is not "purchase").
	UnknownKinds map[string]int `json:"unknown_kinds,omitempty"`
	// ZeroWeight counts, by Kind ("" for none), the other interactions that weighed 0: a Kind
	// whose weight in Config.KindWeights is 0, or no Kind and a Weight of 0.
	ZeroWeight map[string]int `json:"zero_weight,omitempty"`
}

// Ignored returns the number of interactions that weighed 0: Read - Used.
func (r FitReport) Ignored() int { return r.Read - r.Used }

// FitWithReport is Fit that also says what it read and ignored (see FitReport). The report is
// filled whenever the input was read to its end, so it comes with ErrEmpty too (the usual cause
// of which is kinds that all weigh 0); after any other error it is the zero FitReport.
func FitWithReport(ctx context.Context, interactions iter.Seq[Interaction], cfg Config) (*Model, FitReport, error) {
	cfg, err := cfg.resolved()
	if err != nil {
		return nil, FitReport{}, err
	}
	m := newModel(cfg)
	var rep FitReport
	coo, err := m.ingest(ctx, interactions, &rep)
	if err != nil {
		return nil, FitReport{}, err
	}
	m.setRef(coo.ref)
	coo.decay(&m.w)
	m.buildHistories(coo)
	coo = nil
	m.derivePositive()
	if len(m.popular) == 0 {
		return nil, rep, ErrEmpty
	}
	if err := m.learn(ctx); err != nil {
		return nil, FitReport{}, err
	}
	m.rebuildIndex()
	return m, rep, nil
}

// count adds one interaction of weight w to the report.
func (r *FitReport) count(in *Interaction, w float64, kinds map[string]float64) {
	r.Read++
	if w != 0 {
		r.Used++
		return
	}
	if in.Weight == 0 && in.Kind != "" {
		if _, ok := kinds[in.Kind]; !ok {
			if r.UnknownKinds == nil {
				r.UnknownKinds = map[string]int{}
			}
			r.UnknownKinds[in.Kind]++
			return
		}
	}
	if r.ZeroWeight == nil {
		r.ZeroWeight = map[string]int{}
	}
	r.ZeroWeight[in.Kind]++
}

// setRef fixes the decay reference time, and Config.Now with it so that Config reports the
// time used (whole seconds, UTC; zero without a HalfLife, when no time is used).
func (m *Model) setRef(ref int64) {
	m.w.ref = ref
	m.cfg.Now = time.Time{}
	if m.cfg.HalfLife > 0 {
		m.cfg.Now = time.Unix(ref, 0).UTC()
	}
}

// FitSlice is Fit over a slice.
func FitSlice(ctx context.Context, interactions []Interaction, cfg Config) (*Model, error) {
	return Fit(ctx, slices.Values(interactions), cfg)
}

func newModel(cfg Config) *Model {
	return &Model{
		cfg:     cfg,
		w:       weigher{kinds: cfg.KindWeights, byQty: cfg.ByQuantity, halfLife: cfg.HalfLife.Seconds()},
		userIdx: map[string]int32{},
		itemIdx: map[string]int32{},
		catIdx:  map[string]int32{},
	}
}

// coo holds the raw input in blocks of parallel arrays, so that reading a large input never
// copies what it has read. A user's consecutive records stay in one block: when input comes
// grouped by user, as exports often do, each user's history is already in place.
type coo struct {
	blocks  []*cooBlock
	ref     int64
	users   int
	grouped bool  // so far, each user's records came together
	lastU   int32 // while grouped, the user of the last record (-1 before the first)
}

// cooBlock is a run of the input: user, item and undecayed weight, and time.
type cooBlock struct {
	u []int32
	e []entry
	t []int64 // only with decay
}

// maxBlock is the usual size of a cooBlock; the first blocks are smaller, so that a small
// input allocates little.
const maxBlock = 1 << 16

func newCoo() *coo { return &coo{grouped: true, lastU: -1} }

// add appends a record. A new user index is always the next one (users are numbered as they
// first appear), so grouped input is input whose user changes only to a new one.
func (c *coo) add(u int32, e entry, t int64, decay bool) {
	if c.grouped && u != c.lastU {
		c.grouped = u == c.lastU+1
		c.lastU = u
	}
	n := len(c.blocks)
	if n == 0 || len(c.blocks[n-1].u) == cap(c.blocks[n-1].u) {
		c.grow(u, decay)
	}
	b := c.blocks[len(c.blocks)-1]
	b.u = append(b.u, u)
	b.e = append(b.e, e)
	if decay {
		b.t = append(b.t, t)
	}
}

// grow starts a new block and moves into it the records of user u that end the last block,
// so that the user's run is not split.
func (c *coo) grow(u int32, decay bool) {
	n := len(c.blocks)
	size := maxBlock
	if n < 6 {
		size = maxBlock >> (6 - n)
	}
	run := 0
	var last *cooBlock
	if n > 0 {
		last = c.blocks[n-1]
		for run < len(last.u) && last.u[len(last.u)-1-run] == u {
			run++
		}
	}
	size = max(size, 2*run)
	b := &cooBlock{u: make([]int32, 0, size), e: make([]entry, 0, size)}
	if decay {
		b.t = make([]int64, 0, size)
	}
	if run > 0 {
		k := len(last.u) - run
		b.u = append(b.u, last.u[k:]...)
		b.e = append(b.e, last.e[k:]...)
		last.u, last.e = last.u[:k], last.e[:k]
		if decay {
			b.t = append(b.t, last.t[k:]...)
			last.t = last.t[:k]
		}
	}
	c.blocks = append(c.blocks, b)
}

// ingestRecord is one weighed interaction on its way from the reading goroutine to the one
// that interns items.
type ingestRecord struct {
	u    int32
	item string
	cat  string
	w    float64
	t    int64
}

// ingest reads the input on two goroutines: one runs the iterator, weighs and checks each
// interaction and interns the user; the other (the caller's) interns the item and appends.
// Batches keep the input order, so the result is the same as a single-goroutine read.
func (m *Model) ingest(ctx context.Context, seq iter.Seq[Interaction], rep *FitReport) (*coo, error) {
	c := newCoo()
	decay := m.w.halfLife > 0
	const batchSize = 4096
	full := make(chan []ingestRecord, 4)
	free := make(chan []ingestRecord, 6)
	for range 6 {
		free <- make([]ingestRecord, 0, batchSize)
	}
	stop := make(chan struct{})
	var readErr error
	var panicked any // a panic of the host's iterator, re-raised on the caller's goroutine
	maxT := int64(math.MinInt64)
	go func() {
		defer close(full)
		defer func() { panicked = recover() }()
		var lastUser string
		var lastU int32 = -1
		n := 0
		// Weights are taken without decay here (the reference time is not known yet).
		plain := m.w
		plain.halfLife = 0
		batch := <-free
		for in := range seq {
			n++
			if n&0xffff == 0 && ctx.Err() != nil {
				return
			}
			w, err := plain.weight(n, &in)
			if err != nil {
				readErr = err
				return
			}
			rep.count(&in, w, plain.kinds)
			if w == 0 {
				continue
			}
			// Input usually comes grouped by user: skip the map for a repeated user.
			u := lastU
			if lastU < 0 || in.User != lastUser {
				u = m.internUser(in.User)
				lastUser, lastU = in.User, u
			}
			r := ingestRecord{u: u, item: in.Item, cat: in.Category, w: w, t: math.MinInt64}
			if decay && !in.Time.IsZero() { // zero Time: no decay
				r.t = in.Time.Unix()
				maxT = max(maxT, r.t)
			}
			batch = append(batch, r)
			if len(batch) == batchSize {
				select {
				case full <- batch:
				case <-stop:
					return
				}
				select {
				case batch = <-free:
				case <-stop:
					return
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			select {
			case full <- batch:
			case <-stop:
			}
		}
	}()
	for batch := range full {
		for k := range batch {
			r := &batch[k]
			i := m.internItem(r.item)
			m.setCategory(i, r.cat)
			c.add(r.u, entry{Item: i, Raw: r.w}, r.t, decay)
		}
		clear(batch) // drop the strings
		free <- batch
	}
	close(stop)
	// full is closed: the reader has returned and its writes (users, readErr, panicked, maxT)
	// are visible here.
	if panicked != nil {
		panic(panicked)
	}
	if readErr != nil {
		return nil, readErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.users = len(m.userIDs)
	m.sortItems(c)
	switch {
	case !decay:
		c.ref = 0 // nothing decays: no reference time, so fits at different times agree
	case !m.cfg.Now.IsZero():
		c.ref = m.cfg.Now.Unix()
	case maxT != math.MinInt64:
		c.ref = maxT
	default:
		c.ref = time.Now().Unix() // no times at all: nothing decays anyway
	}
	return c, nil
}

// sortItems renumbers the items in ID order, so that a model's internal order (and with it
// the order of every floating-point sum) depends only on the set of items: a model that
// forgot a user sums exactly as one fitted without the user.
func (m *Model) sortItems(c *coo) {
	newIdx := m.sortItemIDs()
	for _, b := range c.blocks {
		for k := range b.e {
			b.e[k].Item = newIdx[b.e[k].Item]
		}
	}
}

// sortItemIDs puts itemIDs, itemCat and itemIdx in ID order and returns each old index's new
// one; the caller renumbers whatever else holds item indices.
func (m *Model) sortItemIDs() (newIdx []int32) {
	n := len(m.itemIDs)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmpString(m.itemIDs[a], m.itemIDs[b]) })
	newIdx = make([]int32, n)
	ids := make([]string, n)
	cats := make([]int32, n)
	for k, old := range order {
		newIdx[old] = int32(k)
		ids[k] = m.itemIDs[old]
		cats[k] = m.itemCat[old]
		m.itemIdx[ids[k]] = int32(k)
	}
	m.itemIDs, m.itemCat = ids, cats
	return newIdx
}

// decay applies the half-life to the weights: w *= min(1, 0.5^((ref - t)/halfLife)).
func (c *coo) decay(w *weigher) {
	if w.halfLife <= 0 {
		return
	}
	for _, b := range c.blocks {
		for k, t := range b.t {
			if t == math.MinInt64 {
				continue
			}
			if age := float64(c.ref - t); age > 0 {
				b.e[k].Raw *= math.Exp2(-age / w.halfLife)
			}
		}
		b.t = nil
	}
}

// buildHistories groups the input by user and sums each user's duplicate pairs in input
// order, so the sums do not depend on anything but the input. Grouped input is sorted where it
// lies; other input is first gathered by user with a stable counting sort.
func (m *Model) buildHistories(c *coo) {
	nu := c.users
	if c.grouped {
		for _, b := range c.blocks {
			for a := 0; a < len(b.u); {
				z := a + 1
				for z < len(b.u) && b.u[z] == b.u[a] {
					z++
				}
				m.hist[b.u[a]] = b.e[a:z]
				a = z
			}
			b.u = nil
		}
	} else {
		m.gatherByUser(c)
	}
	c.blocks = nil
	// Users' segments are disjoint: sort and merge them on every worker.
	var wg sync.WaitGroup
	workers := m.cfg.Workers
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var keep []entry
			for u := w; u < nu; u += workers {
				seg := m.hist[u]
				// An unstable sort is faster and gives the same result when no item repeats;
				// a segment with repeats is sorted again from a copy, stably, so that its
				// duplicates are summed in input order.
				keep = append(keep[:0], seg...)
				slices.SortFunc(seg, byItem)
				if hasRepeats(seg) {
					copy(seg, keep)
					slices.SortStableFunc(seg, byItem)
				}
				out := seg[:0]
				for _, e := range seg {
					if n := len(out); n > 0 && out[n-1].Item == e.Item {
						out[n-1].Raw += e.Raw
						continue
					}
					out = append(out, e)
				}
				m.hist[u] = out[:len(out):len(out)]
			}
		}()
	}
	wg.Wait()
}

// gatherByUser points each user's m.hist at the user's records, in input order, gathered
// from c by a stable counting sort.
func (m *Model) gatherByUser(c *coo) {
	nu := c.users
	start := make([]int, nu+1)
	total := 0
	for _, b := range c.blocks {
		for _, u := range b.u {
			start[u+1]++
		}
		total += len(b.u)
	}
	for k := 1; k <= nu; k++ {
		start[k] += start[k-1]
	}
	pos := slices.Clone(start[:nu])
	byUser := make([]entry, total)
	for x, b := range c.blocks {
		for k, u := range b.u {
			byUser[pos[u]] = b.e[k]
			pos[u]++
		}
		c.blocks[x] = nil // read: let it go
	}
	for u := range nu {
		m.hist[u] = byUser[start[u]:start[u+1]]
	}
}

func byItem(a, b entry) int { return int(a.Item) - int(b.Item) }

// hasRepeats reports whether an item occurs twice in a run of entries sorted by item.
func hasRepeats(seg []entry) bool {
	for k := 1; k < len(seg); k++ {
		if seg[k].Item == seg[k-1].Item {
			return true
		}
	}
	return false
}

// derivePositive builds upos and iusers (the binary user-item matrix both ways) from hist.
func (m *Model) derivePositive() {
	total := 0
	counts := make([]int, len(m.itemIDs))
	for _, h := range m.hist {
		for _, e := range h {
			if e.Raw > 0 {
				total++
				counts[e.Item]++
			}
		}
	}
	ub := make([]int32, total)
	ib := make([]int32, total)
	off := 0
	for i, c := range counts {
		m.iusers[i] = ib[off : off : off+c]
		off += c
	}
	off = 0
	for u, h := range m.hist {
		start := off
		for _, e := range h {
			if e.Raw > 0 {
				ub[off] = e.Item
				off++
				m.iusers[e.Item] = append(m.iusers[e.Item], int32(u))
			}
		}
		m.upos[u] = ub[start:off:off]
	}
	m.rerank()
	m.popular = m.popular[:0]
	for i := range m.itemIDs {
		if len(m.iusers[i]) > 0 {
			m.popular = append(m.popular, int32(i))
		}
	}
}

// learn computes the item-item weights.
func (m *Model) learn(ctx context.Context) error {
	if m.cfg.Algorithm == EASE {
		return m.fitEASE(ctx)
	}
	// Full rows, each on one worker. A variant that visits each pair once (C is symmetric)
	// and scores it both ways into per-worker candidate buffers was measured 5-12% slower in
	// CPU time on the ML-20M shape (the halved counting is lost to scattered candidate
	// writes) and used 20% more memory, so it was dropped.
	all := make([]int32, len(m.itemIDs))
	for i := range all {
		all[i] = int32(i)
	}
	return m.computeRows(ctx, all)
}

func errorf(format string, a ...any) error { return fmt.Errorf("recommend: "+format, a...) }

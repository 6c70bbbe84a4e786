package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"
	"time"
)

// ErrEvent is wrapped by the error Fit returns for an event it cannot use (no item, no time,
// neither session nor visitor).
var ErrEvent = errors.New("session: invalid event")

// Session is a finished session, as Add takes it.
type Session struct {
	// ID names the session; it is not kept.
	ID string `json:"id,omitempty"`
	// Visitor is who it belongs to (see Event.Visitor); empty for an anonymous session.
	Visitor string `json:"visitor,omitempty"`
	// Clicks are its events; they are put in time order (ties keep their order).
	Clicks []Click `json:"clicks"`
}

// stored is one indexed session. data holds its events (item IDs in time order), then its
// distinct items, then each distinct item's last position (1-based) in the events: one
// allocation per session. A removed session has nil data.
type stored struct {
	data    []int32
	last    float64 // time of the latest event, Unix seconds
	visitor int32   // index into Model.visitors, -1 for none
	nev, nu int32
}

func (s *stored) events() []int32   { return s.data[:s.nev] }
func (s *stored) distinct() []int32 { return s.data[s.nev : s.nev+s.nu] }
func (s *stored) lastPos() []int32  { return s.data[s.nev+s.nu:] }

// hotMeta is what a query reads of a session, in a dense array of its own so that the
// candidates of a query (recent sessions) share cache lines and a neighbour's items are one
// pointer away (with 1M sessions indexed, query CPU time p50 0.47 -> 0.35 ms, p99 1.5 -> 1.2 ms).
type hotMeta struct {
	data    []int32 // the same as the stored record's
	last    float64
	nev, nu int32
}

func (h *hotMeta) distinct() []int32 { return h.data[h.nev : h.nev+h.nu] }
func (h *hotMeta) lastPos() []int32  { return h.data[h.nev+h.nu:] }
func (h *hotMeta) events() []int32   { return h.data[:h.nev] }

// Model is an index of recent sessions that recommends the next items of a session in
// progress. Create it with Fit (or New for an empty one); Add, Forget and Recommend may be
// called concurrently from any number of goroutines: queries share a read lock, and a writer
// holds the lock for one session's worth of work (Add) or one visitor's (Forget).
type Model struct {
	cfg Config // with defaults

	mu      sync.RWMutex
	itemIdx map[string]int32
	itemIDs []string  // "" for a released slot
	count   []int32   // events of the item in the index
	logCnt  []float64 // ln(count)
	post    [][]int64 // the sessions holding the item, ascending: seq<<posBits | last position in it
	free    []int32   // released item slots, reusable
	pending []int32   // released since the popularity list was made; free after its refresh

	sess []stored  // sess[q-base] is the session with sequence number q
	hot  []hotMeta // hot[q-base]: what a query reads of every candidate, packed apart
	base int64
	live int // sessions held

	visIdx    map[string]int32
	visIDs    []string
	visSess   [][]int64 // ascending sequence numbers of each visitor's sessions
	visFree   []int32
	popular   []int32 // the most popular items, best first
	addsSince int

	wpos []int32 // writer scratch: last position of an item in the session being added

	// weight tables, index = distance (or n - position)
	spw, inh, ipw []float64
	pool          sync.Pool
}

// posBits is how many low bits of a posting entry hold the item's last position (1-based) in
// the session, so that a query learns it while merging, without reading the session.
const posBits = 16

// popularSize is how many of the most popular items the fallback draws from.
const popularSize = 1024

// refreshEvery is how many Adds pass between recomputations of the popularity list.
const refreshEvery = 1024

// New returns an empty model: sessions join it through Add.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := cfg.Defaults()
	m := &Model{cfg: d, itemIdx: map[string]int32{}, visIdx: map[string]int32{}}
	n := d.MaxLength + 1
	m.spw, m.inh, m.ipw = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		m.spw[i] = math.Exp(-float64(i) / d.SessionPositionDecay)
		m.inh[i] = math.Exp(-float64(i) / d.ItemPositionDecay)
		m.ipw[i] = math.Exp(-float64(i) / d.MatchPositionDecay)
	}
	return m, nil
}

// Config returns the configuration in use, with every default filled in.
func (m *Model) Config() Config { return m.cfg }

// Fit indexes the sessions of events. Events are grouped by Session or, where it is empty, by
// Visitor with a new session after every pause longer than Config.Gap; each session's events
// are put in time order (ties keep input order) and capped at its latest Config.MaxLength.
// Sessions are indexed in the order of their latest event (ties by session ID), and only the
// latest Config.MaxSessions are kept. An event without item or time, or with neither session
// nor visitor, is an error wrapping ErrEvent that names its 0-based position in events; then
// nothing is returned. Fit checks ctx every 65,536 events.
func Fit(ctx context.Context, events iter.Seq[Event], cfg Config) (*Model, error) {
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	type group struct {
		id, visitor string
		clicks      []Click
	}
	var groups []*group
	byID := map[string]*group{}
	byVisitor := map[string]*group{} // events without a session, split by gap below
	n := 0
	for e := range events {
		if n&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("session: fit: %w", err)
			}
		}
		switch {
		case e.Item == "":
			return nil, fmt.Errorf("%w: event %d: no item", ErrEvent, n)
		case e.Time.IsZero():
			return nil, fmt.Errorf("%w: event %d: no time", ErrEvent, n)
		case e.Session == "" && e.Visitor == "":
			return nil, fmt.Errorf("%w: event %d: neither session nor visitor", ErrEvent, n)
		}
		n++
		var g *group
		if e.Session != "" {
			g = byID[e.Session]
			if g == nil {
				g = &group{id: e.Session, visitor: e.Visitor}
				byID[e.Session] = g
				groups = append(groups, g)
			}
		} else {
			g = byVisitor[e.Visitor]
			if g == nil {
				g = &group{visitor: e.Visitor}
				byVisitor[e.Visitor] = g
				groups = append(groups, g)
			}
		}
		if g.visitor == "" {
			g.visitor = e.Visitor
		}
		g.clicks = append(g.clicks, Click{Item: e.Item, Time: e.Time})
	}
	var all []Session
	for _, g := range groups {
		slices.SortStableFunc(g.clicks, func(a, b Click) int { return a.Time.Compare(b.Time) })
		if g.id != "" {
			all = append(all, Session{ID: g.id, Visitor: g.visitor, Clicks: g.clicks})
			continue
		}
		start := 0
		for i := 1; i <= len(g.clicks); i++ {
			if i == len(g.clicks) || g.clicks[i].Time.Sub(g.clicks[i-1].Time) > m.cfg.Gap {
				id := fmt.Sprintf("%s@%d", g.visitor, g.clicks[start].Time.UnixNano())
				all = append(all, Session{ID: id, Visitor: g.visitor, Clicks: g.clicks[start:i]})
				start = i
			}
		}
	}
	slices.SortFunc(all, func(a, b Session) int {
		if c := a.Clicks[len(a.Clicks)-1].Time.Compare(b.Clicks[len(b.Clicks)-1].Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(all) > m.cfg.MaxSessions {
		all = all[len(all)-m.cfg.MaxSessions:]
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("session: fit: %w", err)
	}
	m.sess = make([]stored, 0, len(all))
	m.hot = make([]hotMeta, 0, len(all))
	for i, s := range all {
		if i&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("session: fit: %w", err)
			}
		}
		m.insert(s.Visitor, s.Clicks)
	}
	m.refreshPopular()
	return m, nil
}

// Add indexes a finished session at once, as the most recent one: no refit. Its clicks are
// put in time order and capped at the latest Config.MaxLength; clicks without an item are
// skipped, and a session with none left, or a click without a time, is an error wrapping
// ErrEvent (and nothing is added). When the index then
// holds more than Config.MaxSessions sessions, the oldest age out. The popularity fallback is
// recomputed every 1024 Adds (it lags by at most that many sessions).
func (m *Model) Add(s Session) error {
	clicks := make([]Click, 0, len(s.Clicks))
	for j, c := range s.Clicks {
		if c.Item == "" {
			continue
		}
		if c.Time.IsZero() {
			return fmt.Errorf("%w: session %q: click %d has no time", ErrEvent, s.ID, j)
		}
		clicks = append(clicks, c)
	}
	if len(clicks) == 0 {
		return fmt.Errorf("%w: session %q has no item", ErrEvent, s.ID)
	}
	slices.SortStableFunc(clicks, func(a, b Click) int { return a.Time.Compare(b.Time) })
	m.mu.Lock()
	defer m.mu.Unlock()
	m.insert(s.Visitor, clicks)
	m.addsSince++
	if m.addsSince >= refreshEvery {
		m.refreshPopular()
	}
	return nil
}

// insert indexes one session (clicks in time order) and ages out the oldest beyond
// MaxSessions. The caller holds the write lock (or owns m).
func (m *Model) insert(visitor string, clicks []Click) {
	if len(clicks) > m.cfg.MaxLength {
		clicks = clicks[len(clicks)-m.cfg.MaxLength:]
	}
	nev := len(clicks)
	data := make([]int32, nev, 3*nev)
	for j, c := range clicks {
		data[j] = m.intern(c.Item)
	}
	if len(m.wpos) < len(m.itemIDs) {
		m.wpos = append(m.wpos, make([]int32, len(m.itemIDs)-len(m.wpos))...)
	}
	for j, it := range data[:nev] {
		if m.wpos[it] == 0 {
			data = append(data, it)
		}
		m.wpos[it] = int32(j + 1)
	}
	nu := len(data) - nev
	for _, it := range data[nev : nev+nu] {
		data = append(data, m.wpos[it])
	}
	seq := m.base + int64(len(m.sess))
	for _, it := range data[nev : nev+nu] {
		m.post[it] = append(m.post[it], seq<<posBits|int64(m.wpos[it]))
		m.wpos[it] = 0
	}
	for _, it := range data[:nev] {
		m.count[it]++
	}
	for _, it := range data[nev : nev+nu] {
		m.logCnt[it] = math.Log(float64(m.count[it]))
	}
	st := stored{data: data, last: seconds(clicks[nev-1].Time), visitor: -1, nev: int32(nev), nu: int32(nu)}
	if visitor != "" {
		v, ok := m.visIdx[visitor]
		if !ok {
			if k := len(m.visFree); k > 0 {
				v = m.visFree[k-1]
				m.visFree = m.visFree[:k-1]
				m.visIDs[v] = visitor
			} else {
				v = int32(len(m.visIDs))
				m.visIDs = append(m.visIDs, visitor)
				m.visSess = append(m.visSess, nil)
			}
			m.visIdx[visitor] = v
		}
		st.visitor = v
		m.visSess[v] = append(m.visSess[v], seq)
	}
	m.sess = append(m.sess, st)
	m.hot = append(m.hot, hotMeta{data: data, last: st.last, nev: st.nev, nu: st.nu})
	m.live++
	for m.live > m.cfg.MaxSessions {
		m.remove(m.base)
	}
}

// intern returns the dense ID of item, making one if needed.
func (m *Model) intern(item string) int32 {
	if i, ok := m.itemIdx[item]; ok {
		return i
	}
	var i int32
	if k := len(m.free); k > 0 {
		i = m.free[k-1]
		m.free = m.free[:k-1]
		m.itemIDs[i] = item
	} else {
		i = int32(len(m.itemIDs))
		m.itemIDs = append(m.itemIDs, item)
		m.count = append(m.count, 0)
		m.logCnt = append(m.logCnt, 0)
		m.post = append(m.post, nil)
	}
	m.itemIdx[item] = i
	return i
}

// remove takes session seq out of the index; items left in no session are released.
func (m *Model) remove(seq int64) (events int) {
	s := &m.sess[seq-m.base]
	if s.data == nil {
		return 0
	}
	for _, it := range s.distinct() {
		p := m.post[it]
		if len(p) > 0 && p[0]>>posBits == seq {
			p = p[1:]
		} else if k, ok := slices.BinarySearchFunc(p, seq, func(e, q int64) int { return cmp.Compare(e>>posBits, q) }); ok {
			p = slices.Delete(p, k, k+1)
		}
		if len(p) == 0 {
			p = nil
		}
		m.post[it] = p
	}
	for _, it := range s.events() {
		m.count[it]--
	}
	for _, it := range s.distinct() {
		if m.count[it] == 0 {
			delete(m.itemIdx, m.itemIDs[it])
			m.itemIDs[it] = ""
			m.logCnt[it] = 0
			m.pending = append(m.pending, it)
		} else {
			m.logCnt[it] = math.Log(float64(m.count[it]))
		}
	}
	if v := s.visitor; v >= 0 {
		vs := m.visSess[v]
		if k, ok := slices.BinarySearch(vs, seq); ok {
			vs = slices.Delete(vs, k, k+1)
		}
		m.visSess[v] = vs
		if len(vs) == 0 {
			delete(m.visIdx, m.visIDs[v])
			m.visIDs[v] = ""
			m.visSess[v] = nil
			m.visFree = append(m.visFree, v)
		}
	}
	events = int(s.nev)
	*s = stored{}
	m.hot[seq-m.base] = hotMeta{}
	m.live--
	for len(m.sess) > 0 && m.sess[0].data == nil {
		m.sess[0] = stored{}
		m.sess, m.hot = m.sess[1:], m.hot[1:]
		m.base++
	}
	if len(m.sess) == 0 {
		m.sess, m.hot = nil, nil
	}
	return events
}

// refreshPopular recomputes the popularity list: the popularSize items with the most events
// in the index, ties by item ID. Released item slots become reusable only now, so the list
// never names a slot that was handed to another item.
func (m *Model) refreshPopular() {
	m.addsSince = 0
	m.free = append(m.free, m.pending...)
	m.pending = m.pending[:0]
	better := func(a, b int32) bool {
		if m.count[a] != m.count[b] {
			return m.count[a] > m.count[b]
		}
		return m.itemIDs[a] < m.itemIDs[b]
	}
	top := make([]int32, 0, popularSize)
	for i := range m.itemIDs {
		it := int32(i)
		if m.count[it] == 0 {
			continue
		}
		if len(top) < popularSize {
			top = append(top, it)
			if len(top) == popularSize {
				slices.SortFunc(top, func(a, b int32) int { return cmpBool(better(a, b), better(b, a)) })
			}
			continue
		}
		if !better(it, top[len(top)-1]) {
			continue
		}
		k, _ := slices.BinarySearchFunc(top, it, func(a, b int32) int { return cmpBool(better(a, b), better(b, a)) })
		copy(top[k+1:], top[k:len(top)-1])
		top[k] = it
	}
	if len(top) < popularSize {
		slices.SortFunc(top, func(a, b int32) int { return cmpBool(better(a, b), better(b, a)) })
	}
	m.popular = top
}

// cmpBool turns "a before b" / "b before a" into a comparison result.
func cmpBool(aFirst, bFirst bool) int {
	switch {
	case aFirst:
		return -1
	case bFirst:
		return 1
	}
	return 0
}

// ForgetReport says what Forget erased.
type ForgetReport struct {
	// Visitor is the ID Forget was called with.
	Visitor string `json:"visitor"`
	// Held reports whether the model held any session of the visitor.
	Held bool `json:"held"`
	// Sessions and Events count what was removed.
	Sessions int `json:"sessions"`
	Events   int `json:"events"`
}

// Forget removes every session of visitor from the index. The model then answers every query
// exactly as a Fit of the sessions it held, without the visitor's, would (a test checks this
// bit for bit), and nothing of the visitor remains: not the ID, not an item only they viewed.
// It refreshes the popularity list.
func (m *Model) Forget(visitor string) ForgetReport {
	rep := ForgetReport{Visitor: visitor}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.visIdx[visitor]
	if !ok {
		return rep
	}
	rep.Held = true
	seqs := slices.Clone(m.visSess[v])
	for _, q := range seqs {
		rep.Events += m.remove(q)
		rep.Sessions++
	}
	m.refreshPopular()
	return rep
}

// Stats describes what a model holds.
type Stats struct {
	// Sessions, Events and Items count what the index holds (events after the MaxLength cap).
	Sessions int `json:"sessions"`
	Events   int `json:"events"`
	Items    int `json:"items"`
	// Visitors is the number of distinct non-empty visitors of the held sessions.
	Visitors int `json:"visitors"`
	// Oldest and Newest are the latest event times of the oldest and newest sessions held.
	Oldest time.Time `json:"oldest"`
	Newest time.Time `json:"newest"`
}

// Stats reports what the model holds.
func (m *Model) Stats() Stats {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := Stats{Sessions: m.live, Items: len(m.itemIdx), Visitors: len(m.visIdx)}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range m.sess {
		s := &m.sess[i]
		if s.data == nil {
			continue
		}
		st.Events += int(s.nev)
		lo, hi = min(lo, s.last), max(hi, s.last)
	}
	if m.live > 0 {
		st.Oldest, st.Newest = secondsTime(lo), secondsTime(hi)
	}
	return st
}

// Popularity returns the number of indexed events of item (0 for an unknown item), the
// popularity that eval's next-item report averages over what is recommended.
func (m *Model) Popularity(item string) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if i, ok := m.itemIdx[item]; ok {
		return int(m.count[i])
	}
	return 0
}

func secondsTime(s float64) time.Time {
	return unixTime(s)
}

package profile

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// StitchConfig configures identity stitching. The zero value is the default below.
type StitchConfig struct {
	// Priority ranks identifier types, highest first. A type not listed ranks after all listed
	// ones (by name). A type listed twice, or the empty type, is an error. Default: user_id,
	// email_hash, phone_hash, device_id, anonymous_id.
	Priority []string
	// Limits caps how many identifiers of a type one customer may hold; a type not in the map,
	// or with limit 0, is unlimited; a negative limit is an error. Nil means the default:
	// user_id 1, email_hash 5, phone_hash 5, device_id 10.
	Limits map[string]int
	// Blocked lists values that never identify anyone (compared after trimming spaces, case
	// insensitive). Nil means the default: "0", "-1", "null", "anonymous", "undefined", "none",
	// "nil", "unknown". The empty value is always blocked.
	Blocked []string
}

var (
	defaultPriority = []string{IDUser, IDEmailHash, IDPhoneHash, IDDevice, IDAnonymous}
	defaultLimits   = map[string]int{IDUser: 1, IDEmailHash: 5, IDPhoneHash: 5, IDDevice: 10}
	defaultBlocked  = []string{"0", "-1", "null", "anonymous", "undefined", "none", "nil", "unknown"}
)

// Validate reports, wrapping ErrConfig, a type listed twice or empty in Priority or a negative
// limit. NewStitcher calls it.
func (c StitchConfig) Validate() error {
	seen := make(map[string]bool, len(c.Priority))
	for i, t := range c.Priority {
		if t == "" || seen[t] {
			return fmt.Errorf("%w: StitchConfig.Priority[%d] = %q: want distinct, non-empty types", ErrConfig, i, t)
		}
		seen[t] = true
	}
	types := make([]string, 0, len(c.Limits))
	for t := range c.Limits {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		if n := c.Limits[t]; n < 0 {
			return fmt.Errorf("%w: StitchConfig.Limits[%q] = %d: want 0 (no limit) or a positive count", ErrConfig, t, n)
		}
	}
	return nil
}

// AuditEntry explains one stitching decision: at Time an observation (the identifiers seen
// together in one event) linked Identity to Anchor, a member of the customer it joined.
//
//	Action "joined":  Identity was new and was added to Anchor's customer
//	Action "merged":  Identity's customer was merged into Anchor's
//	Action "refused": the link would have broken a limit (Reason says which) and was not made
type AuditEntry struct {
	Time        time.Time  `json:"time"`
	Action      string     `json:"action"`
	Anchor      Identity   `json:"anchor"`
	Identity    Identity   `json:"identity"`
	Observation []Identity `json:"observation"`
	Reason      string     `json:"reason"`
}

// Stitcher joins the identifiers a person uses (user ID, cookies, hashed e-mail and phone,
// devices) into one customer, with the semantics of Segment's identity resolution:
//
//  1. An observation is the set of identifiers seen together in one event. Blocked values are
//     dropped; the rest are ranked by type priority (StitchConfig.Priority), then type and value.
//  2. The observation joins the customer of its highest-ranked identifier that already has one,
//     or starts a new customer with that identifier.
//  3. Every other identifier, in rank order, is added to that customer if it is new, or its
//     customer is merged in if it belongs to another one, unless that would give the customer
//     more identifiers of a type than StitchConfig.Limits allows: then the link is refused and
//     audited, and the identifier stays with its own customer (a new identifier starts one).
//  4. A customer's canonical ID is CanonicalID of its highest-ranked identifier, so a customer
//     with a user ID is known by it, whatever order the events came in.
//
// Observations are applied in time order (ties by their identifiers), whatever order they
// arrive in. The result is therefore a function of the set of observations alone: stitching is
// order-independent, and two stitchers merged give what one stitcher fed both streams gives.
//
// What one observation decides depends only on the observations it is connected to through
// shared identifiers (its component), so an observation older than one already applied makes
// the next query replay only its component, and Forget replays only the forgotten customer's:
// the cost grows with the history of the people concerned, not with the stitcher's size.
// (Merge, or many late arrivals, make the next query replay everything once instead.) A join
// or a merge costs the number of identifier types and the smaller side's identities, so a
// customer holding many identifiers (a shared device, a bot's cookies) stays cheap to extend.
// Times are kept as Unix nanoseconds; a time outside the years 1678 to 2262 (the zero time
// included) is clamped to that range.
//
// A Stitcher is safe for concurrent use.
type Stitcher struct {
	mu      sync.Mutex
	rank    map[string]int
	limits  map[string]int
	blocked map[string]bool

	obs  map[string]*observation     // by key
	byID map[Identity][]*observation // the observations that mention each identity
	// pending holds identities of observations that arrived late: the next query replays
	// their components. dirty: so many arrived late (or through Merge) that the next query
	// replays everything.
	pending []Identity
	dirty   bool
	// The latest observation applied is (lastT, lastKey). An observation that sorts after it
	// is applied at once; one before it is pending. When Forget deletes that
	// observation, or its time moves earlier, lastExact is false and lastKey "" (nothing of an
	// erased observation is kept): then only one strictly after lastT counts as later.
	applied   bool
	lastT     int64
	lastKey   string
	lastExact bool

	owner   map[Identity]*stitched
	custs   []*stitched // live customers, and dead ones (merged or forgotten) until compacted
	dead    int
	byCanon map[string]*stitched // live customers by canonical ID
}

type observation struct {
	key     string
	ids     []Identity   // ranked
	t       int64        // unix nanoseconds
	entries []AuditEntry // the decisions made when it was applied, in order
}

type stitched struct {
	ids    []Identity // in no particular order
	top    Identity   // the highest-ranked of ids: the canonical ID's identity
	counts []typeCount
	dead   bool
}

// NewStitcher returns an empty stitcher, or an error wrapping ErrConfig when cfg fails
// Validate.
func NewStitcher(cfg StitchConfig) (*Stitcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Stitcher{rank: map[string]int{}, blocked: map[string]bool{}}
	pr := cfg.Priority
	if pr == nil {
		pr = defaultPriority
	}
	for i, t := range pr {
		s.rank[t] = i
	}
	s.limits = maps.Clone(cfg.Limits) // the caller's map may change later
	if s.limits == nil {
		s.limits = maps.Clone(defaultLimits)
	}
	bl := cfg.Blocked
	if bl == nil {
		bl = defaultBlocked
	}
	for _, v := range bl {
		s.blocked[normalizeBlocked(v)] = true
	}
	s.obs = map[string]*observation{}
	s.byID = map[Identity][]*observation{}
	s.reset()
	return s, nil
}

func normalizeBlocked(v string) string { return strings.ToLower(strings.TrimSpace(v)) }

// reset forgets every decision (not the observations).
func (s *Stitcher) reset() {
	s.owner = map[Identity]*stitched{}
	s.custs = nil
	s.dead = 0
	s.byCanon = map[string]*stitched{}
	s.applied, s.lastT, s.lastKey, s.lastExact = false, 0, "", false
}

// compareRank orders identities by priority rank, then type, then value.
func (s *Stitcher) compareRank(x, y Identity) int {
	rx, okx := s.rank[x.Type]
	ry, oky := s.rank[y.Type]
	switch {
	case okx && !oky:
		return -1
	case !okx && oky:
		return 1
	case okx && oky && rx != ry:
		return cmp.Compare(rx, ry)
	}
	return compareIdentity(x, y)
}

// Blocked reports whether an identity is ignored for stitching.
func (s *Stitcher) Blocked(id Identity) bool {
	return id.Type == "" || strings.TrimSpace(id.Value) == "" || s.blocked[normalizeBlocked(id.Value)]
}

// unixNanos is t in Unix nanoseconds, clamped to the range an int64 holds.
func unixNanos(t time.Time) int64 {
	switch {
	case t.Before(minTime):
		return math.MinInt64
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Observe records that the identities were seen together at time t. Blocked identities are
// ignored; an observation with none left does nothing.
func (s *Stitcher) Observe(t time.Time, ids ...Identity) {
	kept := make([]Identity, 0, len(ids))
	for _, id := range ids {
		if !s.Blocked(id) {
			kept = append(kept, id)
		}
	}
	if len(kept) == 0 {
		return
	}
	slices.SortFunc(kept, s.compareRank)
	kept = slices.Compact(kept)
	var kb strings.Builder
	for _, id := range kept {
		kb.WriteString(id.Type)
		kb.WriteByte(0)
		kb.WriteString(id.Value)
		kb.WriteByte(1)
	}
	o := &observation{key: kb.String(), ids: kept, t: unixNanos(t)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(o, false)
}

// add records an observation. A new one later than every applied one is applied at once; an
// older one (or an earlier time for a known one) is left for the next query to replay its
// component, or, in bulk (Merge), everything.
func (s *Stitcher) add(o *observation, bulk bool) {
	if old, ok := s.obs[o.key]; ok {
		if o.t < old.t {
			old.t = o.t
			if s.lastExact && old.key == s.lastKey {
				s.lastKey, s.lastExact = "", false
			}
			s.late(old, bulk)
		}
		return
	}
	s.obs[o.key] = o
	for _, id := range o.ids {
		s.byID[id] = append(s.byID[id], o)
	}
	if !s.dirty && (!s.applied || s.after(o)) {
		// Later than everything applied. If older arrivals wait for the replay of their
		// component and this one shares it, the replay redoes it.
		s.apply(o)
		s.applied, s.lastT, s.lastKey, s.lastExact = true, o.t, o.key, true
		return
	}
	s.late(o, bulk)
}

// late schedules the replay of an observation that sorts before some already applied: its
// component is replayed at the next query, or everything is when many arrived late (a bulk
// load in no particular order costs one replay, not one per observation).
func (s *Stitcher) late(o *observation, bulk bool) {
	if s.dirty {
		return
	}
	s.pending = append(s.pending, o.ids...)
	if bulk || len(s.pending) > 64+len(s.obs)/8 {
		s.dirty, s.pending = true, nil
	}
}

// after reports whether o sorts after every observation applied so far.
func (s *Stitcher) after(o *observation) bool {
	if o.t != s.lastT || !s.lastExact {
		return o.t > s.lastT
	}
	return o.key > s.lastKey
}

func compareObs(x, y *observation) int {
	if c := cmp.Compare(x.t, y.t); c != 0 {
		return c
	}
	return cmp.Compare(x.key, y.key)
}

// ObserveEvent records the identifiers of an event: its CustomerID (as user_id), its
// AnonymousID (as anonymous_id) and its Identities.
func (s *Stitcher) ObserveEvent(e Event) {
	ids := make([]Identity, 0, 2+len(e.Identities))
	if e.CustomerID != "" {
		ids = append(ids, Identity{IDUser, e.CustomerID})
	}
	if e.AnonymousID != "" {
		ids = append(ids, Identity{IDAnonymous, e.AnonymousID})
	}
	ids = append(ids, e.Identities...)
	s.Observe(e.Time, ids...)
}

// Merge adds every observation of other into s (other is unchanged). Merging a stitcher into
// itself is ErrSelfMerge.
func (s *Stitcher) Merge(other *Stitcher) error {
	if s == other {
		return ErrSelfMerge
	}
	other.mu.Lock()
	list := make([]observation, 0, len(other.obs))
	for _, o := range other.obs {
		list = append(list, observation{key: o.key, ids: o.ids, t: o.t})
	}
	other.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range list {
		o := list[i]
		o.ids = slices.Clone(o.ids)
		slices.SortFunc(o.ids, s.compareRank) // other may rank differently
		s.add(&o, true)
	}
	return nil
}

// refresh brings the decisions up to date with the observations that arrived late: it replays
// their components, or all observations in order when there were many.
func (s *Stitcher) refresh() {
	if !s.dirty {
		if len(s.pending) > 0 {
			seeds := s.pending
			s.pending = nil
			s.replay(seeds, nil)
		}
		return
	}
	s.pending = nil
	list := make([]*observation, 0, len(s.obs))
	for _, o := range s.obs {
		list = append(list, o)
	}
	slices.SortFunc(list, compareObs)
	s.reset()
	for _, o := range list {
		s.apply(o)
	}
	if n := len(list); n > 0 {
		s.applied, s.lastT, s.lastKey, s.lastExact = true, list[n-1].t, list[n-1].key, true
	}
	s.dirty = false
}

// typeCount counts one customer's identities of one type.
type typeCount struct {
	typ string
	n   int
}

func countOf(counts []typeCount, typ string) int {
	for _, c := range counts {
		if c.typ == typ {
			return c.n
		}
	}
	return 0
}

func addCounts(counts []typeCount, typ string, n int) []typeCount {
	for i := range counts {
		if counts[i].typ == typ {
			counts[i].n += n
			return counts
		}
	}
	return append(counts, typeCount{typ, n})
}

// fits reports whether adding ids (with their per-type counts) to c keeps every limit, and
// names the broken one if not. It costs the number of types, not of identities: a customer
// holding thousands of cookies must not make every further join scan them.
func (s *Stitcher) fits(c *stitched, add []typeCount) (bool, string) {
	for _, a := range add {
		lim, ok := s.limits[a.typ]
		if !ok || lim <= 0 {
			continue
		}
		if countOf(c.counts, a.typ)+a.n > lim {
			return false, fmt.Sprintf("limit %s=%d would be exceeded", a.typ, lim)
		}
	}
	return true, ""
}

func (s *Stitcher) newCustomer(id Identity) *stitched {
	c := &stitched{ids: []Identity{id}, top: id, counts: []typeCount{{id.Type, 1}}}
	s.custs = append(s.custs, c)
	s.owner[id] = c
	s.byCanon[s.canonOf(c)] = c
	return c
}

// uncanon takes a customer out of the canonical index (before its identities change).
func (s *Stitcher) uncanon(c *stitched) {
	if k := s.canonOf(c); s.byCanon[k] == c {
		delete(s.byCanon, k)
	}
}

// kill marks a customer dead (merged into another, or forgotten).
func (s *Stitcher) kill(c *stitched) {
	s.uncanon(c)
	c.ids, c.counts, c.top, c.dead = nil, nil, Identity{}, true
	s.dead++
}

func (s *Stitcher) apply(o *observation) {
	o.entries = nil
	t := time.Unix(0, o.t).UTC()
	var tc *stitched
	var anchor Identity
	for _, id := range o.ids {
		if c, ok := s.owner[id]; ok {
			tc, anchor = c, id
			break
		}
	}
	if tc == nil {
		anchor = o.ids[0]
		tc = s.newCustomer(anchor)
	}
	s.uncanon(tc)
	for _, id := range o.ids {
		c, ok := s.owner[id]
		if ok && c == tc {
			continue
		}
		entry := AuditEntry{Time: t, Anchor: anchor, Identity: id, Observation: o.ids}
		if ok {
			if fit, why := s.fits(tc, c.counts); !fit {
				entry.Action, entry.Reason = "refused", why
			} else {
				entry.Action, entry.Reason = "merged", "seen together in one event"
				s.uncanon(c)
				// The record that holds more identities survives and takes in the other's, so
				// that a merge costs the smaller side (which record holds the customer makes
				// no difference to what the stitcher shows).
				if len(c.ids) > len(tc.ids) {
					tc, c = c, tc
				}
				for _, m := range c.ids {
					s.owner[m] = tc
				}
				tc.ids = append(tc.ids, c.ids...)
				for _, k := range c.counts {
					tc.counts = addCounts(tc.counts, k.typ, k.n)
				}
				if s.compareRank(c.top, tc.top) < 0 {
					tc.top = c.top
				}
				s.kill(c)
			}
		} else if fit, why := s.fits(tc, []typeCount{{id.Type, 1}}); !fit {
			// The identifier must still belong to someone: it starts a customer of its own.
			entry.Action, entry.Reason = "refused", why+"; started a customer of its own"
			s.newCustomer(id)
		} else {
			entry.Action, entry.Reason = "joined", "seen together in one event"
			s.owner[id] = tc
			tc.ids = append(tc.ids, id)
			tc.counts = addCounts(tc.counts, id.Type, 1)
			if s.compareRank(id, tc.top) < 0 {
				tc.top = id
			}
		}
		o.entries = append(o.entries, entry)
	}
	s.byCanon[s.canonOf(tc)] = tc
}

func (s *Stitcher) canonOf(c *stitched) string { return CanonicalID(c.top) }

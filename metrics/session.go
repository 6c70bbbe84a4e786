package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// SessionConfig says how events are grouped into sessions. The zero value is Google
// Analytics' rule: a session ends after 30 minutes without an event.
type SessionConfig struct {
	// Gap is the inactivity that ends a session: an event more than Gap after the previous
	// event of the same person starts a new session; one at most Gap after it continues the
	// session. Default 30 minutes.
	Gap time.Duration
	// SplitAtMidnight also ends every session at midnight in Location, as Google Analytics'
	// Universal Analytics did. Default false.
	SplitAtMidnight bool
	// Location is the time zone of SplitAtMidnight's midnight; nil means UTC.
	Location *time.Location
	// TrackerIDs groups events that carry a SessionID by (person, SessionID) instead of by time,
	// trusting the tracker's sessions (Gap and SplitAtMidnight do not apply to them); events
	// without one are still sessionized by time. Default false: the tracker's IDs are ignored.
	TrackerIDs bool
}

// Validate reports a negative Gap as an error wrapping ErrConfig (zero means 30 minutes).
func (c SessionConfig) Validate() error {
	if c.Gap < 0 {
		return fmt.Errorf("%w: Session.Gap = %s (want 0 for 30 minutes, or a positive duration)", ErrConfig, c.Gap)
	}
	return nil
}

func (c SessionConfig) gap() int64 {
	if c.Gap == 0 {
		return int64(30 * time.Minute)
	}
	return int64(c.Gap)
}

// dayOf returns the calendar day number of t (unix nanoseconds) in the configured location,
// or 0 when sessions are not split at midnight.
func (c SessionConfig) dayOf(t int64) int32 {
	if !c.SplitAtMidnight {
		return 0
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := time.Unix(0, t).In(loc).Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Session is one visit of one person: the events between two inactivity gaps (or sharing a
// tracker session ID), with what happened in it. Sessions are computed by an Accumulator and
// are plain values.
type Session struct {
	// Person is the event's CustomerID, or its AnonymousID when no customer is known, unless
	// Config.Person maps events to stitched identities. A visitor is a Person.
	Person string `json:"person"`
	// ID is the tracker's session ID when SessionConfig.TrackerIDs grouped the session by it.
	ID string `json:"id"`
	// Start and End are the times of the first and the last event.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Channel, Device and Region are attributed from the earliest event of the session that
	// names one (ties in time go to the smallest name); "" when no event names one. This is
	// GA4's rule of taking a session's source from its first event.
	Channel string `json:"channel"`
	Device  string `json:"device"`
	Region  string `json:"region"`
	// Events counts all events, of every type, known or not.
	Events int `json:"events"`
	// PageViews counts "view" (product page) and "page_view" events.
	PageViews int `json:"page_views"`
	// Impressions, Clicks, AddToCarts, Checkouts, Purchases and Returns count events of those
	// types; Unknown counts events whose type profile does not know.
	Impressions int `json:"impressions"`
	Clicks      int `json:"clicks"`
	AddToCarts  int `json:"add_to_carts"`
	Checkouts   int `json:"checkouts"`
	Purchases   int `json:"purchases"`
	Returns     int `json:"returns"`
	Unknown     int `json:"unknown"`
	// KeyEvents counts events of the EngagementConfig.KeyEvents types.
	KeyEvents int `json:"key_events"`
	// Orders counts distinct order IDs among the purchase events; a purchase event without an
	// order ID counts as an order of its own.
	Orders int `json:"orders"`
	// Units and Revenue sum Quantity and Price·Quantity over purchase events: the amount paid,
	// that is gross sales minus discounts. Gross sums ListPrice·Quantity (Price where the list
	// price is unknown), so Gross − Revenue is the discount given.
	Units   int     `json:"units"`
	Revenue float64 `json:"revenue"`
	Gross   float64 `json:"gross"`
	// ReturnedUnits and ReturnedValue sum |Quantity| and Price·|Quantity| over return events
	// (including purchase events with a negative quantity, which count as returns).
	ReturnedUnits int     `json:"returned_units"`
	ReturnedValue float64 `json:"returned_value"`
	// Engaged is GA4's engaged session: it lasted longer than EngagementConfig.MinDuration
	// (10 s), or had a key event, or had at least MinPageViews (2) page views. A session that is
	// not engaged is a bounce.
	Engaged bool `json:"engaged"`

	items []itemUnits // purchased units per item, for the most popular item
}

// Duration is End − Start: the time between the first and the last event, so a one-event
// session lasts 0 s (GA4 measures engagement time with pings instead; a log of events cannot).
// Like time.Time.Sub it saturates at about 292 years.
func (s *Session) Duration() time.Duration { return s.End.Sub(s.Start) }

// Bounced reports whether the session was not engaged.
func (s *Session) Bounced() bool { return !s.Engaged }

type itemUnits struct {
	item  string
	units int64
}

// sess is the mergeable summary of a session while events still arrive.
type sess struct {
	start, end int64 // unix nanoseconds
	day        int32
	id         string
	attr       [3]attribution // channel, device, region
	// Event counts are int64: a session of a bot or a replayed log can pass 2^31 events (as
	// int32 they wrapped negative when shards of such a session merged).
	counts    [nKinds]int64
	events    int64
	keyEvents int64
	orders    []string
	looseOrd  int64 // purchase events without an order ID
	units     int64
	revenue   float64
	gross     float64
	retUnits  int64
	retValue  float64
	items     []itemUnits
	// orderIdx and itemIdx index orders and items once there are more than smallSet.
	orderIdx map[string]struct{}
	itemIdx  map[string]int
}

type attribution struct {
	t   int64
	val string
}

// better reports whether a should win attribution over b: earlier, then smaller name.
func (a attribution) better(b attribution) bool {
	if b.val == "" {
		return a.val != ""
	}
	return a.val != "" && (a.t < b.t || a.t == b.t && a.val < b.val)
}

// kind indexes the per-session counters.
type kind uint8

const (
	kImpression kind = iota
	kView
	kPageView
	kClick
	kSearch
	kAddToCart
	kRemoveFromCart
	kCheckout
	kPurchase
	kReturn
	kUnknown
	nKinds
)

func kindOf(t profile.EventType) kind {
	switch t {
	case profile.Impression:
		return kImpression
	case profile.View:
		return kView
	case profile.PageView:
		return kPageView
	case profile.Click:
		return kClick
	case profile.Search:
		return kSearch
	case profile.AddToCart:
		return kAddToCart
	case profile.RemoveFromCart:
		return kRemoveFromCart
	case profile.Checkout:
		return kCheckout
	case profile.Purchase:
		return kPurchase
	case profile.Return:
		return kReturn
	}
	return kUnknown
}

// absorb adds o's events into s.
func (s *sess) absorb(o *sess) {
	s.start = min(s.start, o.start)
	s.end = max(s.end, o.end)
	for i := range s.attr {
		if o.attr[i].better(s.attr[i]) {
			s.attr[i] = o.attr[i]
		}
	}
	for i := range s.counts {
		s.counts[i] += o.counts[i]
	}
	s.events += o.events
	s.keyEvents += o.keyEvents
	for _, id := range o.orders {
		s.addOrder(id)
	}
	s.looseOrd += o.looseOrd
	s.units = satAdd(s.units, o.units)
	s.revenue += o.revenue
	s.gross += o.gross
	s.retUnits = satAdd(s.retUnits, o.retUnits)
	s.retValue += o.retValue
	for _, iu := range o.items {
		s.addItem(iu.item, iu.units)
	}
}

// smallSet is how many orders or items a session looks up by a linear scan; past it, an
// index keeps a session of many orders or items linear overall (a scan each was quadratic:
// 100,000 orders in one session took minutes).
const smallSet = 16

func (s *sess) addOrder(id string) {
	if len(s.orders) < smallSet {
		if !slices.Contains(s.orders, id) {
			s.orders = append(s.orders, id)
		}
		return
	}
	if s.orderIdx == nil {
		s.orderIdx = make(map[string]struct{}, 2*len(s.orders))
		for _, o := range s.orders {
			s.orderIdx[o] = struct{}{}
		}
	}
	if _, ok := s.orderIdx[id]; !ok {
		s.orderIdx[id] = struct{}{}
		s.orders = append(s.orders, id)
	}
}

func (s *sess) addItem(item string, units int64) {
	if len(s.items) < smallSet {
		for i := range s.items {
			if s.items[i].item == item {
				s.items[i].units = satAdd(s.items[i].units, units)
				return
			}
		}
		s.items = append(s.items, itemUnits{item, units})
		return
	}
	if s.itemIdx == nil {
		s.itemIdx = make(map[string]int, 2*len(s.items))
		for i, iu := range s.items {
			s.itemIdx[iu.item] = i
		}
	}
	if i, ok := s.itemIdx[item]; ok {
		s.items[i].units = satAdd(s.items[i].units, units)
		return
	}
	s.itemIdx[item] = len(s.items)
	s.items = append(s.items, itemUnits{item, units})
}

// within reports whether b - a <= d for d >= 0, without the overflow of b - a: event times
// span the whole int64 range (years 1678 to 2261 in nanoseconds), so the difference of two of
// them can wrap negative and join sessions centuries apart.
func within(a, b, d int64) bool { return b <= a || uint64(b)-uint64(a) <= uint64(d) }

// satAdd is a + b, saturating at the ends of int64 instead of wrapping: unit counts are sums
// of quantities up to MaxAmount each, which 10,000 events can take past 2^63.
func satAdd(a, b int64) int64 {
	s := a + b
	if (s > a) == (b > 0) {
		return s
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

// timeline is one person's time-based sessions, sorted by start, pairwise further apart than
// the gap (or on different days).
type timeline []*sess

// place returns the session that an event at t (on day d) belongs to, creating or merging
// sessions as needed. Because a session is a maximal run of events no more than gap apart,
// placing events in any order, or merging timelines, yields the same sessions as one sorted
// pass.
//
// A new session that falls before the end of the timeline is not inserted there (a copy of
// the rest of the timeline each time, quadratic for a stream sorted newest first: 1 s for
// 50,000 sessions of one person, minutes for a million) but kept in p.pending, which is sorted
// and swept into the timeline once it is as long as the timeline: O(log n) a session.
func (p *personState) place(t int64, d int32, gap int64) *sess {
	if n := len(p.pending); n > 0 {
		if q := p.pending[n-1]; q.day == d && within(q.end, t, gap) && within(t, q.start, gap) {
			return q // a run of events arriving newest first
		}
		if n >= max(64, len(p.timeline)) {
			p.flush(gap)
		}
	}
	ss := p.timeline
	i, _ := slices.BinarySearchFunc(ss, t, func(s *sess, t int64) int {
		if s.start <= t {
			return -1
		}
		return 1
	})
	// ss[i-1].start <= t < ss[i].start
	var prev, next *sess
	if i > 0 && ss[i-1].day == d && within(ss[i-1].end, t, gap) {
		prev = ss[i-1]
	}
	if i < len(ss) && ss[i].day == d && within(t, ss[i].start, gap) {
		next = ss[i]
	}
	switch {
	case prev != nil && next != nil:
		prev.absorb(next)
		p.timeline = slices.Delete(ss, i, i+1)
		return prev
	case prev != nil:
		return prev
	case next != nil:
		return next
	}
	s := &sess{start: t, end: t, day: d}
	if i == len(ss) {
		p.timeline = append(ss, s)
	} else {
		p.pending = append(p.pending, s)
	}
	return s
}

// flush sweeps the pending sessions into the timeline, joining every run within the gap.
func (p *personState) flush(gap int64) {
	if len(p.pending) == 0 {
		return
	}
	slices.SortFunc(p.pending, func(a, b *sess) int { return cmp.Compare(a.start, b.start) })
	p.timeline = mergeTimelines(p.timeline, p.pending, gap)
	p.pending = nil
}

// mergeTimelines joins two timelines (one person's sessions from two shards) in one linear
// pass: the sessions of both, by start, are swept once, and each one that starts within the gap
// of the end of the session being built, on the same day, is absorbed into it. Both inputs are
// maximal runs, so the result is exactly the sessions of one pass over all events. (Placing
// each session of the other shard with a scan of the whole timeline was quadratic: two shards
// of 25,000 sessions of one person took 92 s to merge.) The sessions of both may be reused.
func mergeTimelines(a, b timeline, gap int64) timeline {
	if len(b) == 0 {
		return a
	}
	out := make(timeline, 0, len(a)+len(b))
	var cur *sess
	push := func(s *sess) {
		if cur != nil && cur.day == s.day && within(cur.end, s.start, gap) {
			cur.absorb(s)
			return
		}
		if cur != nil {
			out = append(out, cur)
		}
		cur = s
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i].start <= b[j].start {
			push(a[i])
			i++
		} else {
			push(b[j])
			j++
		}
	}
	return append(out, cur)
}

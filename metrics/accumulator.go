package metrics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrInvalidEvent wraps an event that fails profile.Event.Validate.
	ErrInvalidEvent = errors.New("metrics: invalid event")
	// ErrTimeRange wraps an event whose time cannot be held in nanoseconds since 1970
	// (before 1678 or after 2261).
	ErrTimeRange = errors.New("metrics: time out of range")
	// ErrConfig wraps a configuration that cannot be honoured (see FunnelConfig).
	ErrConfig = errors.New("metrics: bad configuration")
	// ErrTooLarge wraps an event or order line whose amount (price or list price times
	// quantity) exceeds MaxAmount. The module's one out-of-range sentinel: the same value as
	// profile.ErrOutOfRange and segment.ErrOutOfRange.
	ErrTooLarge = textio.ErrRange
	// ErrSelfMerge is returned by the Merge methods (Accumulator, Funnel, Orders) when a value
	// is merged into itself, which would count everything twice.
	ErrSelfMerge = errors.New("metrics: merged into itself")
)

// MaxAmount bounds a price, a quantity and their product on one event or order line: it is
// textio.MaxMagnitude, the module's one accepted magnitude. No shop sells 10^15 in one line,
// and the bound keeps every sum of up to 2^63 amounts finite, so no Inf or NaN can reach a
// KPI. Unit totals (sums of quantities) saturate at math.MaxInt64 rather than wrap.
const MaxAmount = textio.MaxMagnitude

// causeError is a metrics sentinel with a cause from another package (profile's validation),
// printed with the metrics prefix once: "metrics: invalid event: field "Price" = "NaN": not a
// finite number", not "metrics: invalid event: profile: field ...". errors.Is and errors.As
// reach both the sentinel and the cause.
type causeError struct {
	sentinel error
	context  string
	cause    error
}

func (e *causeError) Error() string {
	return e.sentinel.Error() + e.context + ": " + strings.ReplaceAll(e.cause.Error(), "profile: ", "")
}

func (e *causeError) Unwrap() []error { return []error{e.sentinel, e.cause} }

// wrapCause wraps cause under sentinel, with context (`: order "o1"`) after the sentinel.
func wrapCause(sentinel error, context string, cause error) error {
	return &causeError{sentinel: sentinel, context: context, cause: cause}
}

// checkAmount refuses a price, a quantity or their product above MaxAmount.
func checkAmount(field string, price float64, qty int) error {
	switch {
	case !textio.InRange(price):
		return fmt.Errorf("metrics: %s %v > %g: %w", field, price, MaxAmount, ErrTooLarge)
	case math.Abs(float64(qty)) > MaxAmount:
		return fmt.Errorf("metrics: quantity %d > %g: %w", qty, MaxAmount, ErrTooLarge)
	case price*math.Abs(float64(qty)) > MaxAmount:
		return fmt.Errorf("metrics: %s %v × quantity %d > %g: %w", field, price, qty, MaxAmount, ErrTooLarge)
	}
	return nil
}

// EngagementConfig defines GA4's engaged session. The zero value is GA4's definition.
type EngagementConfig struct {
	// MinDuration: a session lasting longer than this is engaged. Default (0) 10 s.
	MinDuration time.Duration
	// MinPageViews: a session with at least this many page views is engaged. Default (0) 2.
	MinPageViews int
	// KeyEvents: a session with an event of one of these types is engaged. Default
	// [purchase], GA4's default key event.
	KeyEvents []profile.EventType
}

// Validate reports a negative MinDuration or MinPageViews, or an empty KeyEvents type, as an
// error wrapping ErrConfig.
func (c EngagementConfig) Validate() error {
	switch {
	case c.MinDuration < 0:
		return fmt.Errorf("%w: Engagement.MinDuration = %s (want 0 for 10s, or positive)", ErrConfig, c.MinDuration)
	case c.MinPageViews < 0:
		return fmt.Errorf("%w: Engagement.MinPageViews = %d (want 0 for 2, or positive)", ErrConfig, c.MinPageViews)
	}
	for i, k := range c.KeyEvents {
		if k == "" {
			return fmt.Errorf("%w: Engagement.KeyEvents[%d] is empty", ErrConfig, i)
		}
	}
	return nil
}

// Config configures an Accumulator. The zero value sessionizes like GA4 (30-minute gap, no
// midnight split), uses GA4's engagement rule and 95% Wilson intervals. Zero fields mean their
// documented defaults; any other value out of range fails Validate.
type Config struct {
	// Session says how events are grouped into sessions.
	Session SessionConfig
	// Engagement defines an engaged session (and so a bounce).
	Engagement EngagementConfig
	// Interval says how reports compute and render intervals.
	Interval IntervalConfig
	// Person says who an event belongs to; nil (or an empty answer) means e.Person(), the
	// customer ID or else the anonymous ID. Set it to the stitched person so that a visitor's
	// anonymous and logged-in activity count as one person and one session: feed a
	// profile.Stitcher every event first (ObserveEvent), then pass its PersonOf method,
	// Config{Person: stitcher.PersonOf}. The answer must not change during accumulation.
	Person func(e *profile.Event) string
	// Progress, if set, is called with the number of events read so far every 1<<16 events
	// by AddAll (total is 0: a stream's length is unknown). Default nil: no calls.
	Progress func(done, total int)
}

// Validate checks Session, Engagement and Interval (see their Validate methods); the error
// wraps ErrConfig and names the field.
func (c Config) Validate() error {
	if err := c.Session.Validate(); err != nil {
		return err
	}
	if err := c.Engagement.Validate(); err != nil {
		return err
	}
	if err := c.Interval.Validate(); err != nil {
		return err
	}
	return nil
}

// Accumulator reads events in one pass and keeps, per person, mergeable session summaries (a
// few hundred bytes per session, not the events), from which it computes sessions, reports and
// session statistics. Events may arrive in any time order; shards of a stream (split by person
// or arbitrarily) are accumulated separately and combined with Merge, giving the same sessions
// and KPIs as one pass.
//
// An Accumulator is not safe for concurrent use: give each goroutine its own and Merge them.
type Accumulator struct {
	cfg     Config
	gap     int64
	keys    map[profile.EventType]bool
	people  map[string]*personState
	intern  map[string]string
	unknown map[profile.EventType]int64
	events  int64
	late    int64
	invalid int64
	// invalidBy counts the refused events that named a person, so that Forget can take them
	// out of Invalid too.
	invalidBy map[string]int64
}

type personState struct {
	timeline timeline
	pending  []*sess          // new sessions before the timeline's end, not yet swept in (see place)
	byID     map[string]*sess // tracker sessions
	latest   int64
	// events, late and unknown are the person's share of the accumulator's counters, which
	// Forget subtracts.
	events, late int64
	unknown      map[profile.EventType]int64
}

// NewAccumulator returns an empty accumulator, or Validate's error (wrapping ErrConfig and
// naming the field) for a cfg out of range: a bad value is never replaced by a default.
func NewAccumulator(cfg Config) (*Accumulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	keys := map[profile.EventType]bool{profile.Purchase: true}
	if len(cfg.Engagement.KeyEvents) > 0 {
		keys = map[profile.EventType]bool{}
		for _, k := range cfg.Engagement.KeyEvents {
			keys[k] = true
		}
	}
	return &Accumulator{
		cfg: cfg, gap: cfg.Session.gap(), keys: keys,
		people: map[string]*personState{}, intern: map[string]string{},
		unknown: map[profile.EventType]int64{}, invalidBy: map[string]int64{},
	}, nil
}

// Config returns the accumulator's configuration.
func (a *Accumulator) Config() Config { return a.cfg }

func (a *Accumulator) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := a.intern[s]; ok {
		return v
	}
	a.intern[s] = s
	return s
}

var minNano, maxNano = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

// Add records one event. An event that fails profile's validation, whose time is outside
// the years 1678-2261, or whose price, quantity or amount exceeds MaxAmount, is counted as
// invalid and reported as an error wrapping ErrInvalidEvent, ErrTimeRange or ErrTooLarge; the
// accumulator is otherwise unchanged. Events of unknown types are kept:
// they extend sessions and are counted per type. A purchase event with a negative quantity is
// counted as a return. Times in the future are taken as they are, and events are not
// deduplicated: an event recorded twice counts twice (a purchase repeated with its order ID
// still makes one order, but twice the revenue).
func (a *Accumulator) Add(e *profile.Event) error {
	if err := e.Validate(); err != nil {
		return a.refuse(e, wrapCause(ErrInvalidEvent, "", err))
	}
	if e.Time.Before(minNano) || e.Time.After(maxNano) {
		return a.refuse(e, fmt.Errorf("%w: %s", ErrTimeRange, e.Time))
	}
	if err := cmp.Or(checkAmount("price", e.Price, e.Quantity), checkAmount("list price", e.ListPrice, e.Quantity)); err != nil {
		return a.refuse(e, err)
	}
	t := e.Time.UnixNano()
	who := personOf(a.cfg.Person, e)
	p := a.people[who]
	if p == nil {
		p = &personState{latest: t}
		a.people[who] = p
	}
	if t < p.latest {
		a.late++
		p.late++
	}
	p.latest = max(p.latest, t)
	a.events++
	p.events++

	var s *sess
	if a.cfg.Session.TrackerIDs && e.SessionID != "" {
		if p.byID == nil {
			p.byID = map[string]*sess{}
		}
		if s = p.byID[e.SessionID]; s == nil {
			s = &sess{start: t, end: t, id: a.str(e.SessionID)}
			p.byID[s.id] = s
		}
	} else {
		s = p.place(t, a.cfg.Session.dayOf(t), a.gap)
	}
	s.start, s.end = min(s.start, t), max(s.end, t)
	a.record(p, s, e, t)
	return nil
}

// refuse counts a refused event, under its person too when it names one, and returns err.
func (a *Accumulator) refuse(e *profile.Event, err error) error {
	a.invalid++
	if who := personOf(a.cfg.Person, e); who != "" {
		a.invalidBy[who]++
	}
	return err
}

func personOf(f func(*profile.Event) string, e *profile.Event) string {
	if f != nil {
		if p := f(e); p != "" {
			return p
		}
	}
	return e.Person()
}

func (a *Accumulator) record(p *personState, s *sess, e *profile.Event, t int64) {
	for i, v := range [3]string{e.Channel, e.Device, e.Region} {
		if c := (attribution{t, v}); c.better(s.attr[i]) {
			c.val = a.str(v)
			s.attr[i] = c
		}
	}
	k := kindOf(e.Type)
	if k == kPurchase && e.Quantity < 0 {
		k = kReturn // a negative purchase is a return (profile's convention for amounts)
	}
	s.counts[k]++
	s.events++
	if a.keys[e.Type] {
		s.keyEvents++
	}
	q := int64(e.Quantity)
	switch k {
	case kUnknown:
		typ := a.typeName(e.Type)
		a.unknown[typ]++
		if p.unknown == nil {
			p.unknown = map[profile.EventType]int64{}
		}
		p.unknown[typ]++
	case kPurchase:
		if e.OrderID == "" {
			s.looseOrd++
		} else {
			s.addOrder(a.str(e.OrderID))
		}
		list := e.ListPrice
		if list <= 0 {
			list = e.Price
		}
		s.units = satAdd(s.units, q)
		s.revenue += e.Price * float64(q)
		s.gross += list * float64(q)
		if e.ItemID != "" {
			s.addItem(a.str(e.ItemID), q)
		}
	case kReturn:
		q = max(q, -q)
		s.retUnits = satAdd(s.retUnits, q)
		s.retValue += e.Price * float64(q)
	}
}

func (a *Accumulator) typeName(t profile.EventType) profile.EventType {
	return profile.EventType(a.str(string(t)))
}

// AddAll records every event of seq, counting (not returning) invalid ones; see Invalid. It
// stops early with ctx's error when ctx is cancelled.
func (a *Accumulator) AddAll(ctx context.Context, seq iter.Seq[profile.Event]) error {
	return feed(ctx, seq, a.cfg.Progress, a.Add)
}

// progressEvery is how many records AddAll reads between two Progress calls, and checkEvery
// between two checks of its context: at about a microsecond per event, 4096 keep a
// cancellation honoured within a few milliseconds (every 65536 took over 600 ms under the race
// detector on a busy machine).
const (
	progressEvery = 1 << 16
	checkEvery    = 1 << 12
)

// feed passes every record of seq to add, ignoring add's error (the accumulators count what
// they refuse). Every checkEvery records it stops with ctx's error if ctx is done, and every
// progressEvery it reports progress with total 0, the module's convention for a stream of
// unknown length.
func feed[T any](ctx context.Context, seq iter.Seq[T], progress func(done, total int), add func(*T) error) error {
	n := 0
	for rec := range seq {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil && n > 0 && n%progressEvery == 0 {
				progress(n, 0)
			}
		}
		n++
		_ = add(&rec)
	}
	return ctx.Err()
}

// Merge adds everything o has accumulated to a. Both must have the same Session and
// Engagement configuration (else the result mixes two definitions). o must not be used
// afterwards: a may share its session summaries. Merging an accumulator into itself returns
// ErrSelfMerge and changes nothing.
func (a *Accumulator) Merge(o *Accumulator) error {
	if a == o {
		return ErrSelfMerge
	}
	for who, op := range o.people {
		p := a.people[who]
		if p == nil {
			a.people[who] = op
			continue
		}
		p.latest = max(p.latest, op.latest)
		p.events += op.events
		p.late += op.late
		for t, n := range op.unknown {
			if p.unknown == nil {
				p.unknown = map[profile.EventType]int64{}
			}
			p.unknown[a.typeName(t)] += n
		}
		p.flush(a.gap)
		op.flush(a.gap)
		p.timeline = mergeTimelines(p.timeline, op.timeline, a.gap)
		for id, s := range op.byID {
			if p.byID == nil {
				p.byID = map[string]*sess{}
			}
			if mine := p.byID[id]; mine != nil {
				mine.absorb(s)
			} else {
				p.byID[id] = s
			}
		}
	}
	for t, n := range o.unknown {
		a.unknown[a.typeName(t)] += n
	}
	for who, n := range o.invalidBy {
		a.invalidBy[who] += n
	}
	a.events += o.events
	a.late += o.late
	a.invalid += o.invalid
	return nil
}

// Events returns the number of valid events recorded.
func (a *Accumulator) Events() int64 { return a.events }

// Invalid returns the number of events refused by Add.
func (a *Accumulator) Invalid() int64 { return a.invalid }

// Unknown returns the number of events of each type profile does not know.
func (a *Accumulator) Unknown() map[profile.EventType]int64 { return maps.Clone(a.unknown) }

// Sessions yields every session, ordered by person and then start time (tracker-ID sessions
// of a person after its time-based ones, by ID).
func (a *Accumulator) Sessions() iter.Seq[Session] {
	return func(yield func(Session) bool) {
		for _, who := range slices.Sorted(maps.Keys(a.people)) {
			for s := range a.personSessions(who) {
				if !yield(s) {
					return
				}
			}
		}
	}
}

func (a *Accumulator) personSessions(who string) iter.Seq[Session] {
	return func(yield func(Session) bool) {
		p := a.people[who]
		p.flush(a.gap)
		for _, s := range p.timeline {
			if !yield(a.session(who, s)) {
				return
			}
		}
		for _, id := range slices.Sorted(maps.Keys(p.byID)) {
			if !yield(a.session(who, p.byID[id])) {
				return
			}
		}
	}
}

func (a *Accumulator) session(who string, s *sess) Session {
	c := &s.counts
	out := Session{
		Person: who, ID: s.id,
		Start: time.Unix(0, s.start).UTC(), End: time.Unix(0, s.end).UTC(),
		Channel: s.attr[0].val, Device: s.attr[1].val, Region: s.attr[2].val,
		Events:      int(s.events),
		PageViews:   int(c[kView] + c[kPageView]),
		Impressions: int(c[kImpression]), Clicks: int(c[kClick]), AddToCarts: int(c[kAddToCart]),
		Checkouts: int(c[kCheckout]), Purchases: int(c[kPurchase]), Returns: int(c[kReturn]),
		Unknown: int(c[kUnknown]), KeyEvents: int(s.keyEvents),
		Orders: len(s.orders) + int(s.looseOrd), Units: int(s.units),
		Revenue: s.revenue, Gross: s.gross,
		ReturnedUnits: int(s.retUnits), ReturnedValue: s.retValue,
		items: s.items,
	}
	eng := a.cfg.Engagement
	minDur := eng.MinDuration
	if minDur == 0 {
		minDur = 10 * time.Second
	}
	minPages := eng.MinPageViews
	if minPages == 0 {
		minPages = 2
	}
	out.Engaged = out.Duration() > minDur || out.KeyEvents > 0 || out.PageViews >= minPages
	return out
}

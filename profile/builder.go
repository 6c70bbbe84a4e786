package profile

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// ErrSelfMerge is returned by Builder.Merge and Stitcher.Merge for a store merged into itself
// (which would count everything twice).
var ErrSelfMerge = errors.New("profile: merge of a store into itself")

const maxFutureExamples = 10

// Builder accumulates orders and events into per-customer profiles in one pass. It is
// incremental (add more records at any time and take a new snapshot with Profiles) and
// mergeable (build shards in parallel with one Builder each, then Merge them): the profiles of
// a merged builder equal those of one builder fed every record, in any order: counts exactly,
// money sums to the rounding of floating-point addition in another order (relative 1e-15 of the
// gross amounts; at the 1e15 bound a net revenue can differ by an ulp of the gross, 0.125).
//
// Orders are counted by distinct ID per customer, so the lines of one order may arrive in
// several AddOrder calls or shards. Lines themselves are not deduplicated: add each line once.
//
// A Builder is not safe for concurrent use; use one per goroutine and Merge.
type Builder struct {
	cfg     Config
	keys    map[Identity]int32 // identities other than user IDs -> index in accs
	users   map[string]int32   // user IDs (the common case, hashed as one string) -> index
	accs    []*acc
	slab    []acc
	lastKey Identity // accFor's one-entry cache
	lastAcc *acc
	tabs    [numKinds]interner
	rep     Report // FutureExamples stays nil here: they are kept in future
	future  []futureExample
	maxTime int64
	hasTime bool
}

// futureExample is one of Report.FutureExamples with the identities of the record it
// describes, so that Forget can drop the examples that mention a forgotten customer.
type futureExample struct {
	text string
	who  []Identity
}

// NewBuilder returns an empty builder, or an error wrapping ErrConfig when cfg fails
// Validate.
func NewBuilder(cfg Config) (*Builder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Builder{cfg: cfg.withDefaults(), keys: make(map[Identity]int32), users: make(map[string]int32)}, nil
}

// Report returns the counts so far.
func (b *Builder) Report() Report {
	r := b.rep
	for _, ex := range b.future {
		r.FutureExamples = append(r.FutureExamples, ex.text)
	}
	return r
}

func (b *Builder) accFor(key Identity) *acc {
	// Streams usually come grouped by customer (a database cursor, the CDNOW files): the last
	// customer is the likeliest next one.
	if b.lastAcc != nil && key == b.lastKey {
		return b.lastAcc
	}
	if i, ok := b.lookup(key); ok {
		b.lastKey, b.lastAcc = key, b.accs[i]
		return b.accs[i]
	}
	// Accumulators come from slabs: one allocation per 256 customers instead of one each.
	if len(b.slab) == 0 {
		b.slab = make([]acc, 256)
	}
	a := &b.slab[0]
	b.slab = b.slab[1:]
	b.store(key, int32(len(b.accs)))
	b.accs = append(b.accs, a)
	b.lastKey, b.lastAcc = key, a
	return a
}

// isFuture reports whether a record at t is dated after Config.Now.
func (b *Builder) isFuture(t time.Time) bool { return !b.cfg.Now.IsZero() && t.After(b.cfg.Now) }

// countFuture counts a record dated after Config.Now and keeps the first few as examples;
// desc describes the record and who holds the identities it carries.
func (b *Builder) countFuture(t time.Time, desc string, who []Identity) {
	b.rep.Future++
	if len(b.future) < maxFutureExamples {
		b.future = append(b.future, futureExample{desc + " at " + t.UTC().Format(time.RFC3339), who})
	}
}

func (b *Builder) observeTime(t int64) {
	if !b.hasTime || t > b.maxTime {
		b.maxTime, b.hasTime = t, true
	}
}

// AddOrder adds one order. An invalid order is not added: AddOrder returns its validation
// error (wrapping a *FieldError, and naming the order ID) and counts it in Report.Invalid; so
// is an order dated outside the years 1678 to 2262 (ErrOutOfRange), which a Builder cannot
// hold. A guest order (no
// CustomerID) or an order dated after Config.Now is skipped, counted, and not an error.
func (b *Builder) AddOrder(o Order) error {
	b.rep.Orders++
	if !PlausibleOrder(&o) || o.Time.Before(minTime) || o.Time.After(maxTime) {
		err := o.Validate()
		if err == nil {
			if fe := checkNanos(o.Time); fe != nil {
				err = fe
			}
		}
		if err != nil {
			b.rep.Invalid++
			return invalidOrder(o, err)
		}
	}
	if o.CustomerID == "" {
		b.rep.GuestOrders++
		return nil
	}
	if b.isFuture(o.Time) {
		b.countFuture(o.Time, "order "+o.ID, []Identity{{IDUser, o.CustomerID}})
		return nil
	}
	t := o.Time.UnixNano()
	b.observeTime(t)
	a := b.accFor(Identity{IDUser, o.CustomerID})
	a.see(t)
	b.countSource(a, o.Channel, o.Device)
	purchase := false
	for i := range o.Lines {
		l := &o.Lines[i]
		if b.addLine(a, l.ItemID, l.Category, l.Brand, l.Quantity, l.UnitPrice, l.ListPrice) {
			purchase = true
		}
	}
	if purchase {
		a.orders = append(a.orders, orderRef{o.ID, t})
		a.purchaseAt(t)
	}
	return nil
}

// AddEvent adds one event: it counts for LastSeen, Channels, Devices and Events, feeds the
// Stitcher (if configured) its identifiers, and, with Config.EventPurchases, counts purchase
// and return events as order lines. An invalid event (or one dated outside the years 1678 to
// 2262) is not added, and its error returned, naming the person's ID and the time.
func (b *Builder) AddEvent(e Event) error {
	b.rep.Events++
	err := e.Validate()
	if fe := checkNanos(e.Time); err == nil && fe != nil {
		err = fe
	}
	if err != nil {
		b.rep.Invalid++
		return invalidEvent(e, err)
	}
	if b.isFuture(e.Time) {
		who := make([]Identity, 0, 2+len(e.Identities))
		if e.CustomerID != "" {
			who = append(who, Identity{IDUser, e.CustomerID})
		}
		if e.AnonymousID != "" {
			who = append(who, Identity{IDAnonymous, e.AnonymousID})
		}
		b.countFuture(e.Time, "event "+string(e.Type)+" of "+e.Person(), append(who, e.Identities...))
		return nil
	}
	if b.cfg.Stitcher != nil {
		b.cfg.Stitcher.ObserveEvent(e)
	}
	t := e.Time.UnixNano()
	b.observeTime(t)
	key := Identity{IDUser, e.CustomerID}
	if e.CustomerID == "" {
		key = Identity{IDAnonymous, e.AnonymousID}
	}
	a := b.accFor(key)
	a.see(t)
	b.countSource(a, e.Channel, e.Device)
	addCount(&a.events, b.tabs[kindEvent].id(string(e.Type)), 1)
	if b.cfg.EventPurchases && (e.Type == Purchase || e.Type == Return) {
		q := e.Quantity
		if e.Type == Return && q > 0 {
			q = -q
		}
		if b.addLine(a, e.ItemID, e.Category, e.Brand, q, e.Price, e.ListPrice) {
			id := e.OrderID
			if id == "" {
				id = "@" + e.Time.UTC().Format(time.RFC3339Nano)
			}
			a.orders = append(a.orders, orderRef{id, t})
			a.purchaseAt(t)
		}
	}
	return nil
}

func invalidOrder(o Order, err error) error {
	return fmt.Errorf("profile: order %q: %w", o.ID, err)
}

func invalidEvent(e Event, err error) error {
	return fmt.Errorf("profile: event of %q at %s: %w", e.Person(), e.Time.UTC().Format(time.RFC3339), err)
}

func (b *Builder) countSource(a *acc, channel, device string) {
	if channel != "" {
		addCount(&a.channels, b.tabs[kindChannel].id(channel), 1)
	}
	if device != "" {
		addCount(&a.devices, b.tabs[kindDevice].id(device), 1)
	}
}

// addLine adds one purchase (q > 0) or returned (q < 0) line and reports whether it was a
// purchase.
func (b *Builder) addLine(a *acc, item, category, brand string, q int, price, list float64) bool {
	it := a.item(b.tabs[kindItem].id(item))
	if q < 0 {
		it.returned += float64(-q) * price
		it.unitsRt = addUnits(it.unitsRt, -q)
		return false
	}
	amt := float64(q) * price
	a.lines++
	a.units = addUnits(a.units, q)
	a.gross += amt
	it.bought += amt
	it.unitsBought = addUnits(it.unitsBought, q)
	if list > 0 && price < list && 1-price/list >= b.cfg.DiscountDepth {
		a.discSpend += amt
		a.discLines++
	}
	c := a.cat(b.tabs[kindCat].id(category))
	c.spend += amt
	c.prices = append(c.prices, price)
	if brand != "" {
		addSpend(&a.brands, b.tabs[kindBrand].id(brand), amt)
	}
	return true
}

// Merge adds everything other has accumulated into b (other is left unchanged). Both builders
// should share one Config; b's is kept. Merging a builder into itself is ErrSelfMerge.
func (b *Builder) Merge(other *Builder) error {
	if b == other {
		return ErrSelfMerge
	}
	rm := newRemapper(&b.tabs, &other.tabs)
	for _, key := range other.allKeys() {
		i, _ := other.lookup(key)
		b.accFor(key).merge(other.accs[i], rm)
	}
	r := &b.rep
	o := other.rep
	r.Orders += o.Orders
	r.Events += o.Events
	r.GuestOrders += o.GuestOrders
	r.Invalid += o.Invalid
	r.Future += o.Future
	for _, ex := range other.future {
		if len(b.future) < maxFutureExamples {
			b.future = append(b.future, futureExample{ex.text, slices.Clone(ex.who)})
		}
	}
	if other.hasTime {
		b.observeTime(other.maxTime)
	}
	return nil
}

// addUnits adds a non-negative count of units to a non-negative total, saturating at
// math.MaxInt: accepted quantities reach 1e15 each, so about 9,200 of them could wrap an int64.
// Saturating addition of non-negative numbers is associative, so merged shards still agree.
func addUnits(total, q int) int {
	if s := total + q; s >= total {
		return s
	}
	return math.MaxInt
}

// Kinds of interned strings.
const (
	kindItem = iota
	kindCat
	kindBrand
	kindChannel
	kindDevice
	kindEvent
	numKinds
)

// interner maps strings to dense int32 indexes. It remembers the last string asked for:
// consecutive lines of an order usually share a category or brand.
type interner struct {
	idx      map[string]int32
	names    []string
	last     string
	lastID   int32
	haveLast bool
}

func (t *interner) id(s string) int32 {
	if t.haveLast && s == t.last {
		return t.lastID
	}
	i, ok := t.idx[s]
	if !ok {
		i = t.add(s)
	}
	t.last, t.lastID, t.haveLast = s, i, true
	return i
}

func (t *interner) add(s string) int32 {
	if t.idx == nil {
		t.idx = make(map[string]int32)
	}
	i := int32(len(t.names))
	t.idx[s] = i
	t.names = append(t.names, s)
	return i
}

// remapper translates another builder's indexes into this builder's, lazily.
type remapper struct {
	dst, src *[numKinds]interner
	maps     [numKinds][]int32
}

func newRemapper(dst, src *[numKinds]interner) *remapper {
	rm := &remapper{dst: dst, src: src}
	for k := range rm.maps {
		m := make([]int32, len(src[k].names))
		for i := range m {
			m[i] = -1
		}
		rm.maps[k] = m
	}
	return rm
}

func (rm *remapper) idx(kind int, i int32) int32 {
	if j := rm.maps[kind][i]; j >= 0 {
		return j
	}
	j := rm.dst[kind].id(rm.src[kind].names[i])
	rm.maps[kind][i] = j
	return j
}

func (b *Builder) lookup(id Identity) (int32, bool) {
	if id.Type == IDUser {
		i, ok := b.users[id.Value]
		return i, ok
	}
	i, ok := b.keys[id]
	return i, ok
}

func (b *Builder) store(id Identity, i int32) {
	if id.Type == IDUser {
		b.users[id.Value] = i
		return
	}
	b.keys[id] = i
}

func (b *Builder) remove(id Identity) {
	if id.Type == IDUser {
		delete(b.users, id.Value)
		return
	}
	delete(b.keys, id)
}

// allKeys returns every identity the builder holds an accumulator for, sorted.
func (b *Builder) allKeys() []Identity {
	keys := make([]Identity, 0, len(b.keys)+len(b.users))
	for u := range b.users {
		keys = append(keys, Identity{IDUser, u})
	}
	for k := range b.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareIdentity)
	return keys
}

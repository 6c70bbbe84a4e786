package segment

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// Activity is the per-customer order history that RFM values, cohorts, lifecycle stages,
// new-versus-returning counts, repeat statistics and advocates are all computed from: one pass
// over the orders feeds every analysis. It keeps, per customer, the orders and net revenue per
// UTC calendar day, the first, second and last order times, the last region and first channel
// seen, and the gross spend per category (lines without a category count as the category "",
// as profile counts them when it picks a customer's main category).
//
// Build one with NewActivity (or CollectActivity) and Add or AddAll, in any order of orders;
// build shards in parallel and combine them with Merge. Forget removes a customer exactly (the
// results equal those of an Activity built without them). Rules:
//   - The reference time is ActivityConfig.Now, the module's one rule: an order dated after it
//     is left out and counted in Future, so no recency is ever negative; a zero Now (and the
//     zero Activity) means the latest order added. Recency, tenure and gaps are fractional days
//     of 86400 s, as profile measures them, so RFM values, stages and segments from an Activity
//     and from profiles of the same orders agree.
//   - An order without a CustomerID (guest checkout) is counted in GuestOrders and skipped.
//   - An order whose lines all have negative quantities (a return) subtracts its value from the
//     customer's revenue on its day but is not an order and does not make the customer active.
//     An order mixing bought and returned lines counts as one order with its net total.
//   - Days are UTC calendar days.
//
// Memory: about 125 bytes per customer plus 24 bytes per order. The zero value is ready to
// use. An Activity is not safe for concurrent use (its query methods also reorganise it): give
// each goroutine its own and Merge them.
type Activity struct {
	index map[string]int32
	logs  []customerLog
	cats  map[string]int32
	catNm []string
	// fresh holds the (customer, day) records added since the last normalize, in blocks of
	// dayBlock so that growing never copies; normalize groups them with days by customer and
	// day, and then dayStart[i]..dayStart[i+1] is customer i's range of days.
	fresh    [][]dayEntry
	days     []dayEntry
	dayStart []int32
	grouped  bool
	last     int32 // the customer of the previous Add
	// GuestOrders counts orders skipped for having no customer ID.
	GuestOrders int
	// Returns counts orders that were returns (all lines negative).
	Returns int
	// Invalid counts orders CollectActivity skipped (with CollectConfig.SkipInvalid).
	Invalid int
	// Future counts orders left out for being dated after the reference time
	// (ActivityConfig.Now).
	Future   int
	now      time.Time      // ActivityConfig.Now
	futureBy map[string]int // Future by customer, for Forget
}

// ActivityConfig configures an Activity. The zero value keeps every order and measures recency
// up to the latest one.
type ActivityConfig struct {
	// Now is the reference time of every analysis (recency, tenure, lifecycle, advocates):
	// orders dated after it are left out and counted in Activity.Future. Zero means the time
	// of the latest order added. Otherwise it must lie in the years 1 to 9999.
	Now time.Time
}

// Validate reports a Now outside the years 1 to 9999 as ErrBadConfig.
func (c ActivityConfig) Validate() error { return checkNow("ActivityConfig", c.Now) }

// NewActivity returns an empty Activity with the reference time cfg.Now, or an error wrapping
// ErrBadConfig when cfg fails Validate.
func NewActivity(cfg ActivityConfig) (*Activity, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Activity{now: cfg.Now}, nil
}

// Now returns the reference time: ActivityConfig.Now, or, when that was zero, the time of the
// latest order added (zero when there is none).
func (a *Activity) Now() time.Time {
	if !a.now.IsZero() {
		return a.now
	}
	return a.latest()
}

// noTime marks an unset time in customerLog.
const noTime = math.MaxInt64

// customerLog is one customer's summary.
type customerLog struct {
	id                  string
	orders, returns     int
	revenue             float64
	first, second, last stamp // first and second earliest and the latest order time
	// uncategorized is the gross spend on bought lines without a category, or -1 when there
	// was none: profile lets such lines compete as the category "" for the main category.
	uncategorized float64
	extra         *logExtra
}

// stamp is an order time to the nanosecond over the years 1 to 9999 (Unix nanoseconds cover
// only 1678 to 2262), so that recency and tenure are profile's to the last bit.
type stamp struct {
	sec int64
	ns  int32
}

// The unset first/second and last order times.
var (
	noStamp  = stamp{sec: math.MaxInt64}
	minStamp = stamp{sec: math.MinInt64}
)

func stampOf(t time.Time) stamp { return stamp{t.Unix(), int32(t.Nanosecond())} }

func (x stamp) before(y stamp) bool { return x.sec < y.sec || x.sec == y.sec && x.ns < y.ns }

func (x stamp) time() time.Time { return time.Unix(x.sec, int64(x.ns)).UTC() }

// daysBetween is (to - from) in fractional days of 86400 s, computed as profile computes it
// (nanoseconds over 8.64e13) whenever the difference fits in an int64 of nanoseconds.
func daysBetween(to, from stamp) float64 {
	const nanosPerDay = 86400e9
	d := to.sec - from.sec
	if d > -9e9 && d < 9e9 {
		return float64(d*1e9+int64(to.ns-from.ns)) / nanosPerDay
	}
	return float64(d)/secondsPerDay + float64(to.ns-from.ns)/nanosPerDay
}

// logExtra holds what only some sources record, allocated on first use.
type logExtra struct {
	region, channel     string
	regionAt, channelAt int64
	cats                []catSpend
	// catIdx indexes cats by category once there are more than smallCats of them: a scan each
	// made a customer of many categories quadratic.
	catIdx map[int32]int
}

// smallCats is how many categories of a customer are looked up by a linear scan.
const smallCats = 16

// catSpend is a customer's gross spend in one category.
type catSpend struct {
	id    int32
	spend float64
}

// dayEntry is one customer's activity on one UTC day (days since 1970-01-01).
type dayEntry struct {
	cust    int32
	day     int32
	orders  int32
	revenue float64
}

const secondsPerDay = 86400

func dayOf(unix int64) int32 { return int32(floorDiv(unix, secondsPerDay)) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// minOrderTime and maxOrderTime bound the order times Add accepts: the years 1 to 9999, which
// every day count here (int32 days since 1970) and every time encoding (RFC 3339, JSON) holds.
var (
	minOrderTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxOrderTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// inRange is the allocation-free form of checkRange: Add calls checkRange for the error only
// when profile.PlausibleOrder or this fails.
func inRange(o *profile.Order) bool {
	if o.Time.Before(minOrderTime) || !o.Time.Before(maxOrderTime) {
		return false
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		if math.Abs(float64(l.Quantity))*l.UnitPrice > textio.MaxMagnitude {
			return false
		}
	}
	return true
}

// checkRange reports, as ErrOutOfRange naming the field, an order time outside the years 1 to
// 9999 or a line whose price, list price, quantity or amount (quantity times price) is beyond
// textio.MaxMagnitude: bounded so that every revenue sum stays finite.
func checkRange(o *profile.Order) error {
	if o.Time.Before(minOrderTime) || !o.Time.Before(maxOrderTime) {
		return fmt.Errorf("Time: year %d outside 1..9999: %w", o.Time.Year(), ErrOutOfRange)
	}
	for i, l := range o.Lines {
		q := math.Abs(float64(l.Quantity))
		for _, f := range [...]struct {
			name string
			v    float64
		}{{"UnitPrice", l.UnitPrice}, {"ListPrice", l.ListPrice}, {"Quantity", q}, {"Amount", q * l.UnitPrice}} {
			if f.v > textio.MaxMagnitude {
				return fmt.Errorf("Lines[%d].%s = %g beyond %g: %w", i, f.name, f.v, textio.MaxMagnitude, ErrOutOfRange)
			}
		}
	}
	return nil
}

// Add records one order. It returns an error, naming the order, when the order fails
// profile's validation (a missing ID or time, no lines, a zero quantity, a bad price), and
// ErrOutOfRange when a price, quantity or amount is beyond textio.MaxMagnitude or the time is
// outside the years 1 to 9999; the Activity is then unchanged. An order dated after the
// reference time (ActivityConfig.Now) is counted in Future and left out, and is not an error.
// Orders are not deduplicated: an order added twice counts twice.
func (a *Activity) Add(order profile.Order) error {
	o := &order
	if !profile.PlausibleOrder(o) || !inRange(o) {
		if err := o.Validate(); err != nil {
			return orderError(o.ID, err)
		}
		if err := checkRange(o); err != nil {
			return orderError(o.ID, err)
		}
	}
	if o.CustomerID == "" {
		a.GuestOrders++
		return nil
	}
	if !a.now.IsZero() && o.Time.After(a.now) {
		a.Future++
		if a.futureBy == nil {
			a.futureBy = make(map[string]int)
		}
		a.futureBy[o.CustomerID]++
		return nil
	}
	i := a.customer(o.CustomerID)
	c := &a.logs[i]
	t := o.Time.Unix()
	total := o.Total()
	c.revenue += total
	n := int32(1)
	if o.IsReturn() {
		a.Returns++
		c.returns++
		n = 0
	} else {
		c.orders++
		c.noteOrderTime(stampOf(o.Time))
		if o.Region != "" || o.Channel != "" {
			x := c.extraInfo()
			if o.Region != "" && t >= x.regionAt {
				x.region, x.regionAt = o.Region, t
			}
			if o.Channel != "" && t < x.channelAt {
				x.channel, x.channelAt = o.Channel, t
			}
		}
		for _, l := range o.Lines {
			switch {
			case l.Quantity <= 0:
			case l.Category == "":
				c.uncategorized = max(c.uncategorized, 0) + l.Amount()
			default:
				c.extraInfo().addCategory(a.category(l.Category), l.Amount())
			}
		}
	}
	a.record(dayEntry{cust: i, day: dayOf(t), orders: n, revenue: total})
	return nil
}

// wrapped is an error that prints its own text and unwraps to err.
type wrapped struct {
	text string
	err  error
}

func (e *wrapped) Error() string { return e.text }
func (e *wrapped) Unwrap() error { return e.err }

// orderError names the order in its validation error, which errors.As and errors.Is still
// reach (a *profile.FieldError and its sentinel), without repeating profile's prefix after
// segment's: `segment: order "o1": field "Lines[0].Quantity" = "0": zero quantity`.
func orderError(id string, err error) error {
	return &wrapped{fmt.Sprintf("segment: order %q: %s", id, strings.TrimPrefix(err.Error(), "profile: ")), err}
}

// dayBlock is the number of day records per block of Activity.fresh.
const dayBlock = 1 << 14

func (a *Activity) record(d dayEntry) {
	k := len(a.fresh)
	if k == 0 || len(a.fresh[k-1]) == dayBlock {
		a.fresh = append(a.fresh, make([]dayEntry, 0, dayBlock))
		k++
	}
	a.fresh[k-1] = append(a.fresh[k-1], d)
	a.grouped = false
}

func (a *Activity) customer(id string) int32 {
	// Streams are often grouped by customer (a shop's export, the synthetic shop): skip the
	// map when the customer is the previous one.
	if len(a.logs) > 0 && a.logs[a.last].id == id {
		return a.last
	}
	if a.index == nil {
		a.index = make(map[string]int32)
	}
	i, ok := a.index[id]
	if !ok {
		i = int32(len(a.logs))
		a.index[id] = i
		a.logs = append(a.logs, customerLog{id: id, first: noStamp, second: noStamp, last: minStamp, uncategorized: -1})
	}
	a.last = i
	return i
}

func (c *customerLog) extraInfo() *logExtra {
	if c.extra == nil {
		c.extra = &logExtra{regionAt: math.MinInt64, channelAt: noTime}
	}
	return c.extra
}

func (c *customerLog) noteOrderTime(t stamp) {
	switch {
	case t.before(c.first):
		c.first, c.second = t, c.first
	case t.before(c.second):
		c.second = t
	}
	if c.last.before(t) {
		c.last = t
	}
}

func (x *logExtra) addCategory(id int32, spend float64) {
	if len(x.cats) < smallCats {
		for i := range x.cats {
			if x.cats[i].id == id {
				x.cats[i].spend += spend
				return
			}
		}
		x.cats = append(x.cats, catSpend{id, spend})
		return
	}
	if x.catIdx == nil {
		x.catIdx = make(map[int32]int, 2*len(x.cats))
		for i, cs := range x.cats {
			x.catIdx[cs.id] = i
		}
	}
	if i, ok := x.catIdx[id]; ok {
		x.cats[i].spend += spend
		return
	}
	x.catIdx[id] = len(x.cats)
	x.cats = append(x.cats, catSpend{id, spend})
}

// mainCategory is the customer's main category by profile's rule (profile.MainCategory), the
// category whose activity window applies. Lines without a category compete as the category "",
// as profile counts them; a customer with no categorised spend recorded has the main category "".
func (a *Activity) mainCategory(c *customerLog) profile.MainCategory {
	var m profile.MainCategory
	if c.uncategorized >= 0 || c.extra == nil {
		m.Offer("", max(c.uncategorized, 0))
	}
	if c.extra != nil {
		for _, cs := range c.extra.cats {
			m.Offer(a.catNm[cs.id], cs.spend)
		}
	}
	return m
}

func (a *Activity) category(name string) int32 {
	if a.cats == nil {
		a.cats = make(map[string]int32)
	}
	id, ok := a.cats[name]
	if !ok {
		id = int32(len(a.catNm))
		a.cats[name] = id
		a.catNm = append(a.catNm, name)
	}
	return id
}

// CollectConfig configures CollectActivity. The zero value stops at the first invalid order
// and reports no progress.
type CollectConfig struct {
	// Now is the Activity's reference time (ActivityConfig.Now): orders after it are left out
	// and counted in Activity.Future. Zero means the latest order.
	Now time.Time
	// SkipInvalid counts orders that fail validation in Activity.Invalid and goes on, instead
	// of returning the first one's error.
	SkipInvalid bool
	// Progress, if set, is called every 65536 orders with the number read so far (total is 0:
	// a stream's length is unknown).
	Progress func(done, total int)
}

// Validate reports a Now outside the years 1 to 9999 as ErrBadConfig.
func (c CollectConfig) Validate() error { return checkNow("CollectConfig", c.Now) }

// CollectActivity adds every order of the sequence (a database cursor, a file reader's
// orders, a slice's values). It stops at the first invalid order unless cfg.SkipInvalid, and
// returns an error wrapping ctx.Err() when ctx is done (checked every 4096 orders).
func CollectActivity(ctx context.Context, orders iter.Seq[profile.Order], cfg CollectConfig) (*Activity, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Activity{now: cfg.Now}
	n := 0
	for o := range orders {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("segment: CollectActivity: %w", err)
			}
			if cfg.Progress != nil && n%65536 == 0 {
				cfg.Progress(n, 0)
			}
		}
		if err := a.Add(o); err != nil {
			if !cfg.SkipInvalid {
				return nil, err
			}
			a.Invalid++
		}
	}
	return a, nil
}

// Merge adds b's history to a. Merging shards gives the same result as adding all their orders
// to one Activity (revenue sums may differ in the last bits, as floating-point addition is not
// associative). b is not modified. a.Merge(a) returns ErrSelfMerge and changes nothing (it
// used to count every order twice). Activities with different reference times
// (ActivityConfig.Now) do not merge: ErrBadConfig.
func (a *Activity) Merge(b *Activity) error {
	if a == b {
		return fmt.Errorf("segment: Activity.Merge: %w", ErrSelfMerge)
	}
	if !a.now.Equal(b.now) {
		return fmt.Errorf("segment: Activity.Merge: reference times %s and %s differ: %w",
			a.now.Format(time.RFC3339Nano), b.now.Format(time.RFC3339Nano), ErrBadConfig)
	}
	a.GuestOrders += b.GuestOrders
	a.Future += b.Future
	for id, n := range b.futureBy {
		if a.futureBy == nil {
			a.futureBy = make(map[string]int)
		}
		a.futureBy[id] += n
	}
	a.Returns += b.Returns
	a.Invalid += b.Invalid
	remap := make([]int32, len(b.logs))
	for j := range b.logs {
		bc := &b.logs[j]
		i := a.customer(bc.id)
		remap[j] = i
		c := &a.logs[i]
		c.orders += bc.orders
		c.returns += bc.returns
		c.revenue += bc.revenue
		if bc.uncategorized >= 0 {
			c.uncategorized = max(c.uncategorized, 0) + bc.uncategorized
		}
		for _, t := range []stamp{bc.first, bc.second} {
			if t != noStamp {
				c.noteOrderTime(t)
			}
		}
		if c.last.before(bc.last) {
			c.last = bc.last
		}
		if bx := bc.extra; bx != nil {
			x := c.extraInfo()
			if bx.region != "" && bx.regionAt >= x.regionAt {
				x.region, x.regionAt = bx.region, bx.regionAt
			}
			if bx.channel != "" && bx.channelAt < x.channelAt {
				x.channel, x.channelAt = bx.channel, bx.channelAt
			}
			for _, cs := range bx.cats {
				x.addCategory(a.category(b.catNm[cs.id]), cs.spend)
			}
		}
	}
	for _, src := range append([][]dayEntry{b.days}, b.fresh...) {
		for _, d := range src {
			d.cust = remap[d.cust]
			a.record(d)
		}
	}
	return nil
}

// Len returns the number of customers (including those with only returns).
func (a *Activity) Len() int { return len(a.logs) }

// normalize groups the day records by customer (a counting sort), sorts each customer's by
// day and merges records of the same day. It runs once after a batch of Adds or Merges.
func (a *Activity) normalize() {
	if a.grouped {
		return
	}
	n := len(a.logs)
	sources := append([][]dayEntry{a.days}, a.fresh...)
	start := make([]int32, n+1)
	total := 0
	for _, src := range sources {
		total += len(src)
		for _, d := range src {
			start[d.cust+1]++
		}
	}
	for i := range n {
		start[i+1] += start[i]
	}
	sorted := make([]dayEntry, total)
	next := slices.Clone(start[:n])
	for _, src := range sources {
		for _, d := range src {
			sorted[next[d.cust]] = d
			next[d.cust]++
		}
	}
	a.fresh = nil
	// Sort each range by day and merge equal days, compacting in place.
	w := int32(0)
	for i := range n {
		lo, hi := start[i], start[i+1]
		r := sorted[lo:hi]
		if !slices.IsSortedFunc(r, byDay) {
			slices.SortStableFunc(r, byDay)
		}
		start[i] = w
		for _, d := range r {
			if w > start[i] && sorted[w-1].day == d.day {
				sorted[w-1].orders += d.orders
				sorted[w-1].revenue += d.revenue
			} else {
				sorted[w] = d
				w++
			}
		}
	}
	start[n] = w
	a.days = slices.Clip(sorted[:w])
	a.dayStart = start
	a.grouped = true
}

func byDay(x, y dayEntry) int { return cmp.Compare(x.day, y.day) }

// daysOf returns customer i's day records, sorted by day; call normalize first.
func (a *Activity) daysOf(i int) []dayEntry { return a.days[a.dayStart[i]:a.dayStart[i+1]] }

// byID returns the customers' indexes sorted by ID, the order every result is given in.
func (a *Activity) byID() []int32 {
	idx := make([]int32, len(a.logs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int { return cmp.Compare(a.logs[x].id, a.logs[y].id) })
	return idx
}

// latest returns the time of the latest order of any customer (zero when there is none).
func (a *Activity) latest() time.Time {
	last := minStamp
	for i := range a.logs {
		if last.before(a.logs[i].last) {
			last = a.logs[i].last
		}
	}
	if last == minStamp {
		return time.Time{}
	}
	return last.time()
}

// purchaseDays counts customer i's days with at least one order; call normalize first.
func (a *Activity) purchaseDays(i int) int {
	n := 0
	for _, d := range a.daysOf(i) {
		if d.orders > 0 {
			n++
		}
	}
	return n
}

func unixUTC(s int64) time.Time { return time.Unix(s, 0).UTC() }

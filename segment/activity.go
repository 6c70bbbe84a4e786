package segment

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
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
// Build one with Add (or CollectActivity), in any order of orders; build shards in parallel and
// combine them with Merge. Rules:
//   - An order without a CustomerID (guest checkout) is counted in GuestOrders and skipped.
//   - An order whose lines all have negative quantities (a return) subtracts its value from the
//     customer's revenue on its day but is not an order and does not make the customer active.
//     An order mixing bought and returned lines counts as one order with its net total.
//   - Days are UTC calendar days.
//
// Memory: about 100 bytes per customer plus 24 bytes per order. The zero value is ready to
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
}

// noTime marks an unset time in customerLog.
const noTime = math.MaxInt64

// customerLog is one customer's summary. Times are Unix seconds.
type customerLog struct {
	id                  string
	orders              int
	revenue             float64
	first, second, last int64 // first and second earliest and the latest order time
	// uncategorized is the gross spend on bought lines without a category, or -1 when there
	// was none: profile lets such lines compete as the category "" for the main category.
	uncategorized float64
	extra         *logExtra
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

// valid is a quick check of what Order.Validate and checkRange check, without their
// allocations; Add calls them for the error only when this fails.
func valid(o *profile.Order) bool {
	if o.ID == "" || o.Time.IsZero() || len(o.Lines) == 0 || o.Time.Before(minOrderTime) || !o.Time.Before(maxOrderTime) {
		return false
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		q := math.Abs(float64(l.Quantity))
		if l.Quantity == 0 || !(l.UnitPrice >= 0) || !(l.ListPrice >= 0) || l.UnitPrice > textio.MaxMagnitude ||
			l.ListPrice > textio.MaxMagnitude || q > textio.MaxMagnitude || q*l.UnitPrice > textio.MaxMagnitude {
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
// outside the years 1 to 9999; the Activity is then unchanged. Orders are not deduplicated:
// an order added twice counts twice.
func (a *Activity) Add(o *profile.Order) error {
	if !valid(o) {
		if err := o.Validate(); err != nil {
			return fmt.Errorf("segment: order %q: %w", o.ID, err)
		}
		if err := checkRange(o); err != nil {
			return fmt.Errorf("segment: order %q: %w", o.ID, err)
		}
	}
	if o.CustomerID == "" {
		a.GuestOrders++
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
		n = 0
	} else {
		c.orders++
		c.noteOrderTime(t)
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
		a.logs = append(a.logs, customerLog{id: id, first: noTime, second: noTime, last: math.MinInt64, uncategorized: -1})
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

func (c *customerLog) noteOrderTime(t int64) {
	switch {
	case t < c.first:
		c.first, c.second = t, c.first
	case t < c.second:
		c.second = t
	}
	if t > c.last {
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

// mainCategory is the category with the largest gross spend (ties by name), as profile
// chooses the category whose activity window applies. Lines without a category compete as the
// category "" (which wins ties, as profile's name order has it); "" also when no line named one.
func (a *Activity) mainCategory(c *customerLog) string {
	if c.extra == nil {
		return ""
	}
	best, bestSpend := "", math.Inf(-1)
	if c.uncategorized >= 0 {
		bestSpend = c.uncategorized
	}
	for _, cs := range c.extra.cats {
		name := a.catNm[cs.id]
		if math.IsInf(bestSpend, -1) || beatsMain(cs.spend, name, bestSpend, best) {
			best, bestSpend = name, cs.spend
		}
	}
	return best
}

// beatsMain reports whether a category with the given spend and name takes the place of the
// main category so far: more spend wins, and spends equal to within a relative 1e-9 are a tie
// broken by name, so that the choice does not depend on the order in which lines were summed
// (merged shards agree with one pass). It is the rule of profile's main category.
func beatsMain(spend float64, name string, bestSpend float64, bestName string) bool {
	tol := 1e-9 * math.Max(math.Abs(spend), math.Abs(bestSpend))
	switch {
	case spend > bestSpend+tol:
		return true
	case spend < bestSpend-tol:
		return false
	}
	return name < bestName
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
	// SkipInvalid counts orders that fail validation in Activity.Invalid and goes on, instead
	// of returning the first one's error.
	SkipInvalid bool
	// Progress, if set, is called every 65536 orders with the number read so far (total is 0:
	// a stream's length is unknown).
	Progress func(done, total int)
}

// CollectActivity adds every order of the sequence (a database cursor, a file reader's
// orders, a slice's values). It stops at the first invalid order unless cfg.SkipInvalid, and
// returns ctx.Err() when ctx is done (checked every 4096 orders).
func CollectActivity(ctx context.Context, orders iter.Seq[profile.Order], cfg CollectConfig) (*Activity, error) {
	a := &Activity{}
	n := 0
	for o := range orders {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if cfg.Progress != nil && n%65536 == 0 {
				cfg.Progress(n, 0)
			}
		}
		if err := a.Add(&o); err != nil {
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
// used to count every order twice).
func (a *Activity) Merge(b *Activity) error {
	if a == b {
		return fmt.Errorf("segment: Activity.Merge: %w", ErrSelfMerge)
	}
	a.GuestOrders += b.GuestOrders
	a.Returns += b.Returns
	a.Invalid += b.Invalid
	remap := make([]int32, len(b.logs))
	for j := range b.logs {
		bc := &b.logs[j]
		i := a.customer(bc.id)
		remap[j] = i
		c := &a.logs[i]
		c.orders += bc.orders
		c.revenue += bc.revenue
		if bc.uncategorized >= 0 {
			c.uncategorized = max(c.uncategorized, 0) + bc.uncategorized
		}
		for _, t := range []int64{bc.first, bc.second} {
			if t != noTime {
				c.noteOrderTime(t)
			}
		}
		if bc.last > c.last {
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
	var last int64 = math.MinInt64
	for i := range a.logs {
		last = max(last, a.logs[i].last)
	}
	if last == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(last, 0).UTC()
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

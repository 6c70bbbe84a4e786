package shopsim

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tailorkit/tailor/internal/wsample"
	"github.com/tailorkit/tailor/profile"
)

// Events yields every simulated event, ordered by customer and, within a customer, by time.
// Purchase events carry OrderID, the price paid and the list price; return events carry the
// OrderID of the purchase and a positive Quantity of returned units. A customer's first session,
// and some sessions on a second device, start anonymous (AnonymousID only) and log in later; the
// login event carries hashed e-mail and device identifiers in Identities.
func (s *Shop) Events() iter.Seq[profile.Event] {
	return func(yield func(profile.Event) bool) {
		var buf []profile.Event
		for i := range s.customers {
			buf = s.simulate(i, buf[:0])
			for _, e := range buf {
				if !yield(e) {
					return
				}
			}
		}
	}
}

// Orders yields the purchases of Events grouped into orders, in the same order. Each return
// becomes an order of its own with negative quantities, ID "<order>-R<n>" and ReturnOf set.
func (s *Shop) Orders() iter.Seq[profile.Order] {
	return func(yield func(profile.Order) bool) {
		var buf []profile.Event
		for i := range s.customers {
			buf = s.simulate(i, buf[:0])
			for j := 0; j < len(buf); {
				e := &buf[j]
				if e.Type != profile.Purchase && e.Type != profile.Return {
					j++
					continue
				}
				o := profile.Order{
					ID: e.OrderID, CustomerID: e.CustomerID, Time: e.Time,
					Channel: e.Channel, Device: e.Device, Region: e.Region,
				}
				if e.Type == profile.Return {
					o.ID, o.ReturnOf = fmt.Sprintf("%s-R%d", e.OrderID, e.Time.Unix()%100000), e.OrderID
				}
				k := j
				for ; k < len(buf) && buf[k].Type == e.Type && buf[k].OrderID == e.OrderID && buf[k].Time.Equal(e.Time); k++ {
					q := buf[k].Quantity
					if e.Type == profile.Return {
						q = -q
					}
					o.Lines = append(o.Lines, profile.Line{
						ItemID: buf[k].ItemID, Category: buf[k].Category, Brand: buf[k].Brand,
						Quantity: q, UnitPrice: buf[k].Price, ListPrice: buf[k].ListPrice,
					})
				}
				j = k
				if !yield(o) {
					return
				}
			}
		}
	}
}

// laterChannels is the mix of traffic sources for a returning customer's visits, besides the
// acquisition channel itself.
var laterChannels = wsample.New([]float64{0.2, 0.08, 0.25, 0.3, 0.03, 0.09, 0.05})

// visit holds the state of one simulated customer across sessions.
type visit struct {
	s        *Shop
	r        *rand.Rand
	i        int
	t        *customerTraits
	c        *Customer
	out      []profile.Event
	loggedIn bool
	// lastEvent is the time of the latest session event (returns, which fall due days later,
	// do not count): the next visit starts at least 31 minutes after it.
	lastEvent time.Time
	orders    int
	sessions  int
	// dropped is set when the customer left for good after a visit before the history ended;
	// lastVisit is the start of the customer's last visit.
	dropped   bool
	lastVisit time.Time
}

// simulate appends customer i's events to buf in time order. It uses only the customer's own
// random source, so the result does not depend on which customers were simulated before.
func (s *Shop) simulate(i int, buf []profile.Event) []profile.Event {
	return s.run(i, buf).out
}

// run simulates customer i and returns the whole visit state, the planted truth included.
func (s *Shop) run(i int, buf []profile.Event) *visit {
	t := &s.traits[i]
	v := &visit{s: s, r: rand.New(rand.NewPCG(t.rng[0], t.rng[1])), i: i, t: t, c: &s.customers[i], out: buf}
	days := float64(s.cfg.Days)
	end := s.End()
	for day := t.signUpDays; day < days; day += v.r.ExpFloat64() / t.visitRate {
		start := s.cfg.Start.Add(time.Duration(day * float64(24*time.Hour))).Truncate(time.Second)
		// A visit starts at least 31 minutes after the previous one ended, so that a 30-minute
		// sessionizer recovers the simulated sessions.
		if !v.lastEvent.IsZero() {
			if earliest := v.lastEvent.Add(31 * time.Minute); start.Before(earliest) {
				start = earliest
				day = start.Sub(s.cfg.Start).Hours() / 24
			}
		}
		if !start.Before(end.Add(-time.Hour)) {
			break
		}
		v.session(start, int(day))
		v.lastVisit = start
		if v.r.Float64() < t.dropout {
			v.dropped = true
			break
		}
	}
	// Returns were appended when their purchase happened but fall due days later; a stable sort
	// by time puts them in place without disturbing the order of events that share a second.
	slices.SortStableFunc(v.out[len(buf):], func(a, b profile.Event) int { return a.Time.Compare(b.Time) })
	return v
}

// Fate reports the simulation's hidden decision for customer i (an index into Customers):
// whether the customer dropped out, that is left for good after a visit before the history
// ended, and the start of the customer's last visit (zero if the customer never visited). A
// customer who did not drop out was still alive at End, whatever their recency.
func (s *Shop) Fate(i int) (dropped bool, lastVisit time.Time) {
	v := s.run(i, nil)
	return v.dropped, v.lastVisit
}

// TasteGroup returns the taste cluster of a catalog item, "<category>/<family>": each customer
// prefers one brand family per category of interest, so items of one group are bought by the
// same customers and co-occur far more often than items of different groups.
func TasteGroup(it Item) string {
	return fmt.Sprintf("%s/%d", it.Category, familyOf(it.Brand))
}

// session simulates one visit starting at start: a bounce, or a browse through a few items with
// impressions, clicks and cart changes that may end in a checkout and a purchase.
func (v *visit) session(start time.Time, day int) {
	r, t, s := v.r, v.t, v.s
	v.sessions++
	ch := t.acq
	if v.sessions > 1 && r.Float64() >= 0.35 {
		ch = laterChannels.Draw(r)
	}
	device := devices[t.device].name
	if channels[ch].name == "app" {
		device = "app"
	} else if r.Float64() < 0.15 {
		device = devices[r.IntN(len(devices))].name
	}
	// A session on the second device starts anonymous and logs in at the first add-to-cart.
	cookie, deviceID := t.cookie, "dev-"+t.cookie[5:]
	logged := v.loggedIn
	if t.multiDev && v.sessions > 1 && r.Float64() < 0.3 {
		cookie, deviceID, logged = t.cookie+"-2", "dev2-"+t.cookie[5:], false
	}
	sid := fmt.Sprintf("s%06d-%04d", v.i, v.sessions)
	now := start
	emit := func(typ profile.EventType, item int, qty int) *profile.Event {
		e := profile.Event{
			AnonymousID: cookie, Time: now, Type: typ, Channel: channels[ch].name,
			Device: device, Region: v.c.Region, SessionID: sid, Quantity: qty,
		}
		if logged {
			e.CustomerID = v.c.ID
		}
		if item >= 0 {
			it := &s.items[item]
			e.ItemID, e.Category, e.Brand, e.ListPrice = it.ID, it.Category, it.Brand, it.Price
			e.Price = it.Price
			if s.onSale(catIndex(it.Category), day) {
				e.Price = math.Round(it.Price*80) / 100
			}
		}
		v.out = append(v.out, e)
		v.lastEvent = now
		return &v.out[len(v.out)-1]
	}
	login := func() {
		if logged {
			return
		}
		logged, v.loggedIn = true, v.loggedIn || cookie == t.cookie
		e := emit("login", -1, 0)
		e.Identities = []profile.Identity{{Type: "email_hash", Value: t.emailHash}, {Type: "device_id", Value: deviceID}}
	}
	step := func(mean float64) { now = now.Add(time.Duration((1 + r.ExpFloat64()*mean) * float64(time.Second))) }

	if r.Float64() < channels[ch].bounce {
		emit(profile.View, v.pickItem(), 0)
		return
	}
	emit(profile.PageView, -1, 0)
	views := 1 + int(math.Min(14, r.ExpFloat64()*3.5))
	var cart []profile.Event
	for range views {
		step(30)
		if r.Float64() < 0.3 { // a recommendation widget shows items; some are clicked
			shown := v.pickItem()
			emit(profile.Impression, shown, 0)
			if r.Float64() < 0.35 {
				step(5)
				emit(profile.Click, shown, 0)
				step(2)
				v.viewAndMaybeAdd(emit, shown, day, &cart, login, step)
				continue
			}
		}
		v.viewAndMaybeAdd(emit, v.pickItem(), day, &cart, login, step)
	}
	if len(cart) == 0 || r.Float64() >= 0.65 {
		return
	}
	step(40)
	login()
	emit(profile.Checkout, -1, 0)
	p := channels[ch].purchase
	if t.treatment {
		p *= 1 + s.cfg.Lift
	}
	if r.Float64() >= math.Min(p, 1) {
		return
	}
	step(60)
	v.orders++
	oid := fmt.Sprintf("o%06d-%03d", v.i, v.orders)
	for _, line := range cart {
		e := emit(profile.Purchase, -1, line.Quantity)
		e.ItemID, e.Category, e.Brand, e.Price, e.ListPrice = line.ItemID, line.Category, line.Brand, line.Price, line.ListPrice
		e.OrderID = oid
		if r.Float64() < categories[catIndex(line.Category)].returnRate {
			ret := *e
			ret.Type, ret.SessionID = profile.Return, ""
			ret.Time = now.Add(time.Duration(3+r.IntN(18)) * 24 * time.Hour)
			ret.Quantity = 1 + r.IntN(line.Quantity)
			ret.Identities = nil
			if ret.Time.Before(s.End()) {
				v.out = append(v.out, ret)
			}
		}
	}
}

// viewAndMaybeAdd emits a product view and perhaps an add-to-cart (more likely for the
// customer's own brand family and, for discount seekers, during a sale), and now and then a
// removal of something added earlier.
func (v *visit) viewAndMaybeAdd(emit func(profile.EventType, int, int) *profile.Event, item, day int,
	cart *[]profile.Event, login func(), step func(float64)) {
	r := v.r
	e := emit(profile.View, item, 0)
	p := 0.08
	c := catIndex(e.Category)
	for j, ic := range v.t.interests {
		if ic == c && familyOf(e.Brand) == v.t.family[j] {
			p += 0.10
		}
	}
	if e.Price < e.ListPrice {
		p += 0.3 * v.t.seeker
	}
	if r.Float64() >= p {
		return
	}
	step(20)
	if v.t.multiDev {
		login()
	}
	qty := 1 + r.IntN(categories[c].maxQty)
	added := *emit(profile.AddToCart, item, qty)
	if len(*cart) > 0 && r.Float64() < 0.12 {
		step(10)
		k := r.IntN(len(*cart))
		old := (*cart)[k]
		rm := emit(profile.RemoveFromCart, -1, old.Quantity)
		rm.ItemID, rm.Category, rm.Brand, rm.Price, rm.ListPrice = old.ItemID, old.Category, old.Brand, old.Price, old.ListPrice
		*cart = slices.Delete(*cart, k, k+1)
	}
	*cart = append(*cart, added)
}

// pickItem draws an item the customer looks at: mostly from their interests and brand family,
// sometimes anything in the shop, by popularity.
func (v *visit) pickItem() int {
	r, t, s := v.r, v.t, v.s
	if r.Float64() < 0.8 {
		j := r.IntN(len(t.interests))
		c := t.interests[j]
		if fs := s.pick[c][t.family[j]]; r.Float64() < 0.75 && !fs.Empty() {
			return fs.Draw(r)
		}
		return s.pickCat[c].Draw(r)
	}
	return s.pickCat[r.IntN(len(categories))].Draw(r)
}

func catIndex(name string) int {
	for i, c := range categories {
		if c.name == name {
			return i
		}
	}
	return 0
}

// familyOf recovers the brand family from a brand name "<category>-<n>": brands 2f and 2f+1
// belong to family f (n is a single digit since families*2 <= 10).
func familyOf(brand string) int {
	if brand == "" {
		return -1
	}
	return int(brand[len(brand)-1]-'0') / 2
}

package profile

import "slices"

// The per-customer accumulator. It holds sums and small per-item, per-category and per-brand
// lists keyed by the builder's interned indexes, so adding a line costs a few slice scans and
// no allocation in the common case. Everything in it merges exactly (sums, min/max, unions),
// which is what makes Builder.Merge and stitching merges order-independent.

type orderRef struct {
	id string
	t  int64 // unix nanoseconds
}

type itemAcc struct {
	item                 int32
	bought, returned     float64 // gross value bought and returned
	unitsBought, unitsRt int
}

type catAcc struct {
	cat    int32
	spend  float64
	prices []float64 // unit prices paid, one per purchase line
}

type spendAcc struct {
	idx   int32
	spend float64
}

type countAcc struct {
	idx int32
	n   int
}

type acc struct {
	first, last int64 // purchase times; first == 0 && !bought when no purchase
	bought      bool
	lastSeen    int64
	seen        bool
	orders      []orderRef
	lines       int
	units       int
	gross       float64
	discSpend   float64
	discLines   int
	items       keyed[itemAcc]
	cats        keyed[catAcc]
	brands      keyed[spendAcc]
	channels    keyed[countAcc]
	devices     keyed[countAcc]
	events      keyed[countAcc]
}

func (e itemAcc) key() int32  { return e.item }
func (e catAcc) key() int32   { return e.cat }
func (e spendAcc) key() int32 { return e.idx }
func (e countAcc) key() int32 { return e.idx }

// keyed is a customer's list of entries keyed by an interned index. It is scanned while short
// (the common case: a few brands, channels, categories) and indexed by a map once it grows past
// indexAt entries, so that a customer with tens of thousands of distinct items, brands or event
// types costs a map lookup per line, not a scan of all of them.
type keyed[T interface{ key() int32 }] struct {
	list  []T
	index map[int32]int32
}

const indexAt = 32

// at returns the entry for key, appending fresh when there is none.
func (k *keyed[T]) at(key int32, fresh T) *T {
	if k.index != nil {
		if i, ok := k.index[key]; ok {
			return &k.list[i]
		}
	} else {
		for i := range k.list {
			if k.list[i].key() == key {
				return &k.list[i]
			}
		}
	}
	k.list = append(k.list, fresh)
	n := len(k.list) - 1
	if k.index != nil {
		k.index[key] = int32(n)
	} else if len(k.list) > indexAt {
		k.index = make(map[int32]int32, 2*len(k.list))
		for i := range k.list {
			k.index[k.list[i].key()] = int32(i)
		}
	}
	return &k.list[n]
}

func (a *acc) see(t int64) {
	if !a.seen || t > a.lastSeen {
		a.lastSeen, a.seen = t, true
	}
}

func (a *acc) purchaseAt(t int64) {
	if !a.bought {
		a.first, a.last, a.bought = t, t, true
		return
	}
	a.first = min(a.first, t)
	a.last = max(a.last, t)
}

func (a *acc) item(idx int32) *itemAcc { return a.items.at(idx, itemAcc{item: idx}) }

func (a *acc) cat(idx int32) *catAcc { return a.cats.at(idx, catAcc{cat: idx}) }

func addSpend(list *keyed[spendAcc], idx int32, v float64) {
	list.at(idx, spendAcc{idx: idx}).spend += v
}

func addCount(list *keyed[countAcc], idx int32, n int) {
	list.at(idx, countAcc{idx: idx}).n += n
}

// merge adds b into a. remap translates b's interned indexes into a's (nil when both use the
// same tables).
func (a *acc) merge(b *acc, remap *remapper) {
	r := func(kind int, i int32) int32 {
		if remap == nil {
			return i
		}
		return remap.idx(kind, i)
	}
	if b.bought {
		a.purchaseAt(b.first)
		a.purchaseAt(b.last)
	}
	if b.seen {
		a.see(b.lastSeen)
	}
	a.orders = append(a.orders, b.orders...)
	a.lines += b.lines
	a.units = addUnits(a.units, b.units)
	a.gross += b.gross
	a.discSpend += b.discSpend
	a.discLines += b.discLines
	for _, it := range b.items.list {
		d := a.item(r(kindItem, it.item))
		d.bought += it.bought
		d.returned += it.returned
		d.unitsBought = addUnits(d.unitsBought, it.unitsBought)
		d.unitsRt = addUnits(d.unitsRt, it.unitsRt)
	}
	for _, c := range b.cats.list {
		d := a.cat(r(kindCat, c.cat))
		d.spend += c.spend
		d.prices = append(d.prices, c.prices...)
	}
	for _, s := range b.brands.list {
		addSpend(&a.brands, r(kindBrand, s.idx), s.spend)
	}
	for _, c := range b.channels.list {
		addCount(&a.channels, r(kindChannel, c.idx), c.n)
	}
	for _, c := range b.devices.list {
		addCount(&a.devices, r(kindDevice, c.idx), c.n)
	}
	for _, c := range b.events.list {
		addCount(&a.events, r(kindEvent, c.idx), c.n)
	}
}

// clone returns a deep copy (so that grouping for stitching never aliases a builder's state).
func (a *acc) clone() *acc {
	c := &acc{}
	c.merge(a, nil)
	return c
}

// distinctOrders returns the purchase orders deduplicated by ID (earliest time kept), sorted
// by time then ID.
func (a *acc) distinctOrders() []orderRef {
	o := slices.Clone(a.orders)
	slices.SortFunc(o, func(x, y orderRef) int {
		if x.id != y.id {
			if x.id < y.id {
				return -1
			}
			return 1
		}
		return int(sign(x.t - y.t))
	})
	o = slices.CompactFunc(o, func(x, y orderRef) bool { return x.id == y.id })
	slices.SortFunc(o, func(x, y orderRef) int {
		if x.t != y.t {
			return int(sign(x.t - y.t))
		}
		if x.id < y.id {
			return -1
		}
		if x.id > y.id {
			return 1
		}
		return 0
	})
	return o
}

func sign(v int64) int64 {
	switch {
	case v < 0:
		return -1
	case v > 0:
		return 1
	}
	return 0
}

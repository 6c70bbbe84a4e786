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
	items       []itemAcc
	itemIndex   map[int32]int // built once items grows past itemIndexAt
	cats        []catAcc
	brands      []spendAcc
	channels    []countAcc
	devices     []countAcc
	events      []countAcc
}

const itemIndexAt = 32

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

func (a *acc) item(idx int32) *itemAcc {
	if a.itemIndex != nil {
		if i, ok := a.itemIndex[idx]; ok {
			return &a.items[i]
		}
	} else {
		for i := range a.items {
			if a.items[i].item == idx {
				return &a.items[i]
			}
		}
	}
	a.items = append(a.items, itemAcc{item: idx})
	n := len(a.items) - 1
	if a.itemIndex != nil {
		a.itemIndex[idx] = n
	} else if len(a.items) > itemIndexAt {
		a.itemIndex = make(map[int32]int, 2*len(a.items))
		for i := range a.items {
			a.itemIndex[a.items[i].item] = i
		}
	}
	return &a.items[n]
}

func (a *acc) cat(idx int32) *catAcc {
	for i := range a.cats {
		if a.cats[i].cat == idx {
			return &a.cats[i]
		}
	}
	a.cats = append(a.cats, catAcc{cat: idx})
	return &a.cats[len(a.cats)-1]
}

func addSpend(list []spendAcc, idx int32, v float64) []spendAcc {
	for i := range list {
		if list[i].idx == idx {
			list[i].spend += v
			return list
		}
	}
	return append(list, spendAcc{idx, v})
}

func addCount(list []countAcc, idx int32, n int) []countAcc {
	for i := range list {
		if list[i].idx == idx {
			list[i].n += n
			return list
		}
	}
	return append(list, countAcc{idx, n})
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
	for _, it := range b.items {
		d := a.item(r(kindItem, it.item))
		d.bought += it.bought
		d.returned += it.returned
		d.unitsBought = addUnits(d.unitsBought, it.unitsBought)
		d.unitsRt = addUnits(d.unitsRt, it.unitsRt)
	}
	for _, c := range b.cats {
		d := a.cat(r(kindCat, c.cat))
		d.spend += c.spend
		d.prices = append(d.prices, c.prices...)
	}
	for _, s := range b.brands {
		a.brands = addSpend(a.brands, r(kindBrand, s.idx), s.spend)
	}
	for _, c := range b.channels {
		a.channels = addCount(a.channels, r(kindChannel, c.idx), c.n)
	}
	for _, c := range b.devices {
		a.devices = addCount(a.devices, r(kindDevice, c.idx), c.n)
	}
	for _, c := range b.events {
		a.events = addCount(a.events, r(kindEvent, c.idx), c.n)
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

package profile

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"
)

const nanosPerDay = float64(24 * time.Hour)

// CanonicalID formats an identity as a customer ID: a user ID is its own value, any other
// identity is "type:value" (so an anonymous visitor "abc" is "anonymous_id:abc" and can never
// collide with a customer "abc").
func CanonicalID(id Identity) string {
	if id.Type == IDUser {
		return id.Value
	}
	return id.Type + ":" + id.Value
}

type group struct {
	id     string
	keys   []Identity // every identity of the customer, sorted
	acc    *acc
	owned  bool       // acc is a private merge, not a builder's accumulator
	orders []orderRef // acc.distinctOrders(), computed once
}

// Profiles computes a snapshot of every customer's profile from what has been added so far.
// The builder is unchanged and can keep accumulating.
func (b *Builder) Profiles() *Profiles { return b.snapshot(true) }

func (b *Builder) snapshot(checkConsent bool) *Profiles {
	rep := b.Report()
	now := b.cfg.Now
	if now.IsZero() && b.hasTime {
		now = time.Unix(0, b.maxTime).UTC()
	}
	groups := b.groups()
	parallelChunks(len(groups), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			groups[i].orders = groups[i].acc.distinctOrders()
		}
	})

	// Shop-wide figures that individual profiles are smoothed toward or measured against.
	brandSpend := make(map[int32]float64)
	var brandTotal, revenue float64
	orders := 0
	catalog := make(map[int32]bool)
	for _, g := range groups {
		for _, s := range g.acc.brands.list {
			brandSpend[s.idx] += s.spend
			brandTotal += s.spend
		}
		for _, c := range g.acc.cats.list {
			if b.tabs[kindCat].names[c.cat] != "" && len(c.prices) > 0 {
				catalog[c.cat] = true
			}
		}
		revenue += g.acc.gross
		orders += len(g.orders)
	}
	sw := shopWide{brandSpend: brandSpend, brandTotal: brandTotal, catalog: len(catalog)}
	if b.cfg.CatalogCategories > 0 {
		sw.catalog = b.cfg.CatalogCategories
	}
	sw.prior = b.cfg.BrandPrior
	if sw.prior == 0 && orders > 0 {
		sw.prior = revenue / float64(orders)
	}
	if sw.prior < 0 {
		sw.prior = 0
	}

	// Customers are finalized independently (each group owns its accumulator; the shop-wide
	// figures and the interned names are only read), in parallel over contiguous chunks whose
	// results land at fixed positions, so the snapshot does not depend on scheduling.
	out := make([]Profile, len(groups))
	keep := make([]bool, len(groups))
	unmatched := make([]float64, len(groups))
	parallelChunks(len(groups), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g := groups[i]
			if checkConsent && b.cfg.Consents != nil && !b.cfg.Consents.allowedAny(g.id, g.keys, b.cfg.Purpose, now) {
				continue
			}
			out[i], unmatched[i] = b.finalize(g, now, &sw)
			keep[i] = true
		}
	})
	list := out[:0]
	for i := range out {
		if !keep[i] {
			rep.NoConsent++
			continue
		}
		rep.UnmatchedReturnValue += unmatched[i]
		list = append(list, out[i])
	}
	return newProfiles(list, rep)
}

// groups gathers the accumulators by canonical customer, merging those of stitched identities.
// Keys are visited in sorted order so that floating-point sums are always added in the same
// order: the same records give bit-identical profiles.
func (b *Builder) groups() []group {
	keys := b.allKeys()
	byID := make(map[string]int, len(keys))
	var gs []group
	for _, key := range keys {
		i, _ := b.lookup(key)
		a := b.accs[i]
		id := CanonicalID(key)
		if b.cfg.Stitcher != nil {
			id = b.cfg.Stitcher.Canonical(key)
		}
		gi, ok := byID[id]
		if !ok {
			// The members are asked for once per customer: a customer with thousands of
			// identifiers must not cost thousands of copies of them.
			var members []Identity
			if b.cfg.Stitcher != nil {
				members = b.cfg.Stitcher.Identities(id)
			}
			if members == nil {
				members = []Identity{key}
			}
			byID[id] = len(gs)
			gs = append(gs, group{id: id, keys: members, acc: a})
			continue
		}
		g := &gs[gi]
		if !g.owned {
			g.acc, g.owned = g.acc.clone(), true
		}
		g.acc.merge(a, nil)
	}
	return gs
}

func compareIdentity(x, y Identity) int {
	if c := cmp.Compare(x.Type, y.Type); c != 0 {
		return c
	}
	return cmp.Compare(x.Value, y.Value)
}

// days is (to - from) in days. The difference of two valid times can exceed an int64 of
// nanoseconds (1678 to 2262 spans 584 years, the range 292): then it is taken in float64.
func days(to, from int64) float64 {
	if d := to - from; (d >= 0) == (to >= from) {
		return float64(d) / nanosPerDay
	}
	return (float64(to) - float64(from)) / nanosPerDay
}

type shopWide struct {
	brandSpend map[int32]float64
	brandTotal float64
	catalog    int
	prior      float64
}

func ratio(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}

// finalize turns one customer's accumulator into a Profile and returns the returned value
// that found nothing to net against.
func (b *Builder) finalize(g group, now time.Time, sw *shopWide) (Profile, float64) {
	a := g.acc
	p := Profile{CustomerID: g.id, Identities: slices.Clone(g.keys)}
	if a.seen {
		p.LastSeen = time.Unix(0, a.lastSeen).UTC()
	}
	orders := g.orders
	p.Orders = len(orders)
	p.Lines = a.lines
	p.Units = a.units
	p.GrossRevenue = a.gross
	var unmatched float64
	for _, it := range a.items.list {
		p.ReturnedRevenue += math.Min(it.bought, it.returned)
		p.ReturnedUnits = addUnits(p.ReturnedUnits, min(it.unitsBought, it.unitsRt))
		unmatched += math.Max(0, it.returned-it.bought)
	}
	// The per-item sum can exceed the gross total by a rounding error when everything was
	// returned; the shares must stay within [0, 1].
	p.ReturnedRevenue = math.Min(p.ReturnedRevenue, p.GrossRevenue)
	p.Revenue = math.Max(0, p.GrossRevenue-p.ReturnedRevenue)
	p.AOV = ratio(p.Revenue, float64(p.Orders))
	p.ReturnRate = ratio(p.ReturnedRevenue, p.GrossRevenue)
	p.Frequency = p.Orders
	p.Monetary = p.Revenue
	p.RecencyDays, p.TenureDays = -1, -1
	if a.bought {
		p.FirstPurchase = time.Unix(0, a.first).UTC()
		p.LastPurchase = time.Unix(0, a.last).UTC()
		p.RecencyDays = days(now.UnixNano(), a.last)
		p.TenureDays = days(now.UnixNano(), a.first)
	}
	p.DiscountSpendShare = ratio(a.discSpend, a.gross)
	p.DiscountLineShare = ratio(float64(a.discLines), float64(a.lines))

	p.Brands = b.brandAffinities(a, sw)

	var main MainCategory
	for _, c := range a.cats.list {
		if len(c.prices) == 0 {
			continue
		}
		name := b.tabs[kindCat].names[c.cat]
		if p.PriceBands == nil {
			p.PriceBands = make(map[string]PriceBand, len(a.cats.list))
		}
		p.PriceBands[name] = priceBand(c.prices)
		if name != "" {
			p.Categories++
		}
		main.Offer(name, c.spend)
	}
	p.CategoryShare = ratio(float64(p.Categories), float64(sw.catalog))

	if len(orders) > 1 {
		gaps := make([]float64, len(orders)-1)
		for i := 1; i < len(orders); i++ {
			gaps[i-1] = days(orders[i].t, orders[i-1].t)
		}
		var sum float64
		for _, d := range gaps {
			sum += d
		}
		p.RepeatIntervalMeanDays = sum / float64(len(gaps))
		slices.Sort(gaps)
		p.RepeatIntervalMedianDays = quantile7(gaps, 0.5)
	}

	p.Channels = b.countMap(kindChannel, a.channels.list)
	p.Devices = b.countMap(kindDevice, a.devices.list)
	if len(a.events.list) > 0 {
		p.Events = make(map[EventType]int, len(a.events.list))
		for _, c := range a.events.list {
			p.Events[EventType(b.tabs[kindEvent].names[c.idx])] += c.n
		}
	}

	lc := Lifecycle{Window: b.cfg.Window, Windows: b.cfg.Windows, ChurnFactor: b.cfg.ChurnFactor}
	p.WindowDays = lc.WindowDays(main)
	p.Stage = lc.Stage(p.RecencyDays, p.TenureDays, p.WindowDays)
	return p, unmatched
}

func (b *Builder) brandAffinities(a *acc, sw *shopWide) []BrandAffinity {
	if len(a.brands.list) == 0 {
		return nil
	}
	var total float64
	for _, s := range a.brands.list {
		total += s.spend
	}
	out := make([]BrandAffinity, 0, len(a.brands.list))
	for _, s := range a.brands.list {
		shop := ratio(sw.brandSpend[s.idx], sw.brandTotal)
		out = append(out, BrandAffinity{
			Brand:    b.tabs[kindBrand].names[s.idx],
			Spend:    s.spend,
			Share:    ratio(s.spend, total),
			Affinity: ratio(s.spend+sw.prior*shop, total+sw.prior),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Affinity != out[j].Affinity {
			return out[i].Affinity > out[j].Affinity
		}
		return out[i].Brand < out[j].Brand
	})
	if n := b.cfg.TopBrands; n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func (b *Builder) countMap(kind int, list []countAcc) map[string]int {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]int, len(list))
	for _, c := range list {
		m[b.tabs[kind].names[c.idx]] += c.n
	}
	return m
}

func priceBand(prices []float64) PriceBand {
	slices.Sort(prices)
	return PriceBand{
		Lines:  len(prices),
		Min:    prices[0],
		Q1:     quantile7(prices, 0.25),
		Median: quantile7(prices, 0.5),
		Q3:     quantile7(prices, 0.75),
		Max:    prices[len(prices)-1],
	}
}

// quantile7 is the R type-7 quantile of sorted x: x[h] + (h-floor(h))*(x[h+1]-x[h]), h=(n-1)p.
func quantile7(x []float64, p float64) float64 {
	h := float64(len(x)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(x) {
		return x[lo]
	}
	return x[lo] + (h-float64(lo))*(x[lo+1]-x[lo])
}

// parallelChunks runs fn over [0, n) split into contiguous chunks, one goroutine per core when
// n is large enough to be worth it.
func parallelChunks(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers < 2 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	size := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

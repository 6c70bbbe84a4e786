package metrics

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
)

// KPIs is the set of figures tailor computes for a group of sessions (one row of a Report).
// Visitors are people (Session.Person) with at least one session in the group; a visitor whose
// sessions fall in several groups counts in each.
type KPIs struct {
	// Sessions, Visitors and Events count the group's sessions, distinct people and events.
	Sessions int64 `json:"sessions"`
	Visitors int64 `json:"visitors"`
	Events   int64 `json:"events"`
	// Engagement is engaged sessions / sessions (GA4's engagement rate).
	Engagement Rate `json:"engagement"`
	// Bounce is sessions not engaged / sessions: GA4's bounce rate, 1 − Engagement.
	Bounce Rate `json:"bounce"`
	// TimeOnSite is the mean session duration in seconds, Σ duration / sessions, with a
	// delta-method interval over visitors (see RatioMoments).
	TimeOnSite Estimate `json:"time_on_site"`
	// PagesPerSession is page views / sessions, with a delta-method interval over visitors.
	PagesPerSession Estimate `json:"pages_per_session"`
	// SessionConversion is sessions with a purchase / sessions.
	SessionConversion Rate `json:"session_conversion"`
	// VisitorConversion is visitors with a purchase in a session of the group / visitors.
	VisitorConversion Rate `json:"visitor_conversion"`
	// CTR is click events / impression events. More clicks than impressions (a tracker that
	// drops impressions) make it undefined rather than above 100%.
	CTR Rate `json:"ctr"`
	// AddToCart is sessions with an add-to-cart / sessions.
	AddToCart Rate `json:"add_to_cart"`
	// CartAbandonment is sessions with an add-to-cart but no purchase / sessions with an
	// add-to-cart (a session is the cart's lifetime here).
	CartAbandonment Rate `json:"cart_abandonment"`
	// CheckoutAbandonment is sessions with a checkout but no purchase / sessions with a
	// checkout.
	CheckoutAbandonment Rate `json:"checkout_abandonment"`
	// Orders counts distinct orders (Session.Orders summed), Units the units bought.
	Orders int64 `json:"orders"`
	Units  int64 `json:"units"`
	// Revenue is the amount paid: gross sales minus discounts, before returns.
	Revenue float64 `json:"revenue"`
	// Discounts is gross sales at list price minus Revenue.
	Discounts float64 `json:"discounts"`
	// Returned is the value of returned items (return events' Price·|Quantity|).
	Returned float64 `json:"returned"`
	// NetRevenue is Revenue − Returned.
	NetRevenue float64 `json:"net_revenue"`
	// AOV is average order value: Revenue / Orders, that is (gross − discounts) / orders as
	// Shopify defines it. Returns are not subtracted: an order's value is what was paid when it
	// was placed, and returns show in ReturnRate and NetRevenue. The interval is the delta
	// method over visitors, since one visitor's orders are not independent.
	AOV Estimate `json:"aov"`
	// RevenuePerVisitor is Revenue / Visitors, with the interval of a mean over visitors.
	RevenuePerVisitor Estimate `json:"revenue_per_visitor"`
	// ReturnRate is returned units / units bought in the group's sessions. Returns are counted
	// in the session where they happen, so for a group (or a short period) the ratio can exceed
	// 1 and is then undefined; the order-based CustomerReport.ReturnRate ties returns to sales.
	ReturnRate Rate `json:"return_rate"`
	// RepeatPurchase is visitors with two or more orders in the group / visitors with at
	// least one (see CustomerReport for the period-based and Shopify definitions).
	RepeatPurchase Rate `json:"repeat_purchase"`
	// TopItem is the item with the most units bought (ties to the smallest ID), "" when the
	// group has no purchases; TopItemUnits its units.
	TopItem      string `json:"top_item"`
	TopItemUnits int64  `json:"top_item_units"`
	// Unknown counts events of types profile does not know.
	Unknown int64 `json:"unknown"`
	// NewCustomers counts people whose first purchase session (in the accumulated data) falls in
	// the group: the denominator of CAC.
	NewCustomers int64 `json:"new_customers"`

	// Spend and the figures below are set by Report.ApplySpend; otherwise zero and undefined.
	Spend float64 `json:"spend"`
	// ROAS is Revenue / Spend, with Revenue's interval (Visitors × RevenuePerVisitor) scaled
	// by 1/Spend.
	ROAS Estimate `json:"roas"`
	// ROI is (Margin·Revenue − Spend) / Spend, with ROAS's interval scaled by Margin.
	ROI Estimate `json:"roi"`
	// CAC is Spend / NewCustomers, without an interval.
	CAC Estimate `json:"cac"`
}

// groupAcc accumulates KPIs for one group during a report pass.
type groupAcc struct {
	k                                   KPIs
	engaged, converted, visConv, repeat int64
	impressions, clicks, atc, atcBought int64
	checkout, checkoutBought, retUnits  int64
	gross                               float64
	time, pages, aov, rpv               RatioMoments
	items                               map[string]int64
}

// visitorAcc collects one visitor's sessions in one group.
type visitorAcc struct {
	key                     string
	sessions, pages, orders float64
	seconds, revenue        float64
	converted               bool
}

func (g *groupAcc) addSession(s *Session) {
	k := &g.k
	k.Sessions++
	k.Events += int64(s.Events)
	k.Unknown += int64(s.Unknown)
	if s.Engaged {
		g.engaged++
	}
	bought := s.Purchases > 0
	if bought {
		g.converted++
	}
	g.impressions += int64(s.Impressions)
	g.clicks += int64(s.Clicks)
	if s.AddToCarts > 0 {
		g.atc++
		if bought {
			g.atcBought++
		}
	}
	if s.Checkouts > 0 {
		g.checkout++
		if bought {
			g.checkoutBought++
		}
	}
	k.Orders += int64(s.Orders)
	k.Units = satAdd(k.Units, int64(s.Units))
	k.Revenue += s.Revenue
	g.gross += s.Gross
	k.Returned += s.ReturnedValue
	g.retUnits = satAdd(g.retUnits, int64(s.ReturnedUnits))
	for _, iu := range s.items {
		if g.items == nil {
			g.items = map[string]int64{}
		}
		g.items[iu.item] = satAdd(g.items[iu.item], iu.units)
	}
}

func (g *groupAcc) addVisitor(v *visitorAcc) {
	g.k.Visitors++
	if v.converted {
		g.visConv++
	}
	if v.orders >= 2 {
		g.repeat++
	}
	g.time.Add(v.seconds, v.sessions)
	g.pages.Add(v.pages, v.sessions)
	g.aov.Add(v.revenue, v.orders)
	g.rpv.Add(v.revenue, 1)
}

func (g *groupAcc) kpis() KPIs {
	k := g.k
	k.Engagement = NewRate(g.engaged, k.Sessions)
	k.Bounce = k.Engagement.Complement()
	k.TimeOnSite = EstimateRatio(g.time)
	k.PagesPerSession = EstimateRatio(g.pages)
	k.SessionConversion = NewRate(g.converted, k.Sessions)
	k.VisitorConversion = NewRate(g.visConv, k.Visitors)
	k.CTR = NewRate(g.clicks, g.impressions)
	k.AddToCart = NewRate(g.atc, k.Sessions)
	k.CartAbandonment = NewRate(g.atc-g.atcBought, g.atc)
	k.CheckoutAbandonment = NewRate(g.checkout-g.checkoutBought, g.checkout)
	k.Discounts = g.gross - k.Revenue
	k.NetRevenue = k.Revenue - k.Returned
	k.AOV = EstimateRatio(g.aov)
	k.RevenuePerVisitor = EstimateRatio(g.rpv)
	k.ReturnRate = NewRate(g.retUnits, k.Units)
	k.RepeatPurchase = NewRate(g.repeat, g.visConv)
	for _, item := range slices.Sorted(maps.Keys(g.items)) {
		if u := g.items[item]; u > k.TopItemUnits {
			k.TopItem, k.TopItemUnits = item, u
		}
	}
	k.ROAS, k.ROI, k.CAC = undefined(0), undefined(0), undefined(0)
	return k
}

// Dimension names a way of grouping sessions: Key returns a session's group, "" meaning
// "(none)". The Person of the session lets a dimension look up per-person data (segment,
// experiment variant).
type Dimension struct {
	// Name heads the dimension's column ("channel").
	Name string
	// Key returns the group of s.
	Key func(s *Session) string
}

// The dimensions that events carry, as functions so that no importer can change what another
// gets. Segments and variants are per person: see BySegment and ByVariant.

// ByChannel groups sessions by their channel ("channel").
func ByChannel() Dimension {
	return Dimension{Name: "channel", Key: func(s *Session) string { return s.Channel }}
}

// ByDevice groups sessions by their device ("device").
func ByDevice() Dimension {
	return Dimension{Name: "device", Key: func(s *Session) string { return s.Device }}
}

// ByRegion groups sessions by their region ("region").
func ByRegion() Dimension {
	return Dimension{Name: "region", Key: func(s *Session) string { return s.Region }}
}

// Overall puts every session in one group, "all".
func Overall() Dimension { return Dimension{Name: "all", Key: func(*Session) string { return "all" }} }

// BySegment groups sessions by the segment of their person, as segmentOf tells (a
// segment.Segmenter's answer, an RFM label, ...).
func BySegment(segmentOf func(person string) string) Dimension {
	return Dimension{Name: "segment", Key: func(s *Session) string { return segmentOf(s.Person) }}
}

// ByVariant groups sessions by the experiment variant of their person.
func ByVariant(variantOf func(person string) string) Dimension {
	return Dimension{Name: "variant", Key: func(s *Session) string { return variantOf(s.Person) }}
}

// NoneKey is the group of sessions whose dimension value is empty.
const NoneKey = "(none)"

// Report computes the KPIs of every group of dim, and of all sessions together, in one pass
// over the accumulated sessions. Rows are sorted by key.
func (a *Accumulator) Report(dim Dimension) *Report {
	groups := map[string]*groupAcc{}
	var total groupAcc
	var vis []visitorAcc
	newCust := map[string]int64{}
	for _, who := range slices.Sorted(maps.Keys(a.people)) {
		vis = vis[:0]
		var all visitorAcc
		first, firstKey := int64(0), ""
		for s := range a.personSessions(who) {
			key := dim.Key(&s)
			if key == "" {
				key = NoneKey
			}
			g := groups[key]
			if g == nil {
				g = &groupAcc{}
				groups[key] = g
			}
			g.addSession(&s)
			total.addSession(&s)
			i := slices.IndexFunc(vis, func(v visitorAcc) bool { return v.key == key })
			if i < 0 {
				vis = append(vis, visitorAcc{key: key})
				i = len(vis) - 1
			}
			vis[i].add(&s)
			all.add(&s)
			if s.Purchases > 0 && (firstKey == "" || s.Start.UnixNano() < first) {
				first, firstKey = s.Start.UnixNano(), key
			}
		}
		for i := range vis {
			groups[vis[i].key].addVisitor(&vis[i])
		}
		total.addVisitor(&all)
		if firstKey != "" {
			newCust[firstKey]++
		}
	}
	r := &Report{Dimension: dim.Name, Interval: a.cfg.Interval}
	var nc int64
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		k := groups[key].kpis()
		k.NewCustomers = newCust[key]
		nc += k.NewCustomers
		r.Rows = append(r.Rows, Row{Key: key, KPIs: k})
	}
	r.Total = Row{Key: "total", KPIs: total.kpis()}
	r.Total.NewCustomers = nc
	return r
}

func (v *visitorAcc) add(s *Session) {
	v.sessions++
	v.pages += float64(s.PageViews)
	v.seconds += s.Duration().Seconds()
	v.orders += float64(s.Orders)
	v.revenue += s.Revenue
	v.converted = v.converted || s.Purchases > 0
}

// Report is a KPI table: one Row per value of a dimension and a Total row over all sessions.
// A Report is a plain value; render it with WriteCSV or WriteMarkdown, or encode it as JSON.
type Report struct {
	// Dimension is the name of the grouping ("channel").
	Dimension string `json:"dimension"`
	// Rows are the groups, sorted by Key.
	Rows []Row `json:"rows"`
	// Total covers all sessions.
	Total Row `json:"total"`
	// Interval is how intervals are rendered.
	Interval IntervalConfig `json:"interval"`
}

// Row is one group of a Report.
type Row struct {
	// Key is the group's dimension value (NoneKey for sessions without one; "total" for the
	// total row).
	Key string `json:"key"`
	// KPIs are the group's figures; in JSON their fields sit beside "key".
	KPIs
}

// Row returns the row with the given key and true, or false when there is none.
func (r *Report) Row(key string) (Row, bool) {
	i, ok := slices.BinarySearchFunc(r.Rows, key, func(row Row, k string) int { return cmp.Compare(row.Key, k) })
	if !ok {
		return Row{}, false
	}
	return r.Rows[i], true
}

// Rates returns one rate KPI of every row, by row key (the total row left out): with a
// ByVariant report, Rates("SessionConversion") is the experiment's arms as abtest reads them,
// since both packages share the one Rate type (successes out of trials). kpi names a rate field
// of KPIs (SessionConversion, VisitorConversion, CTR, Bounce, ...); any other name is an error
// wrapping ErrConfig.
func (r *Report) Rates(kpi string) (map[string]Rate, error) {
	c, ok := columns[kpi]
	if !ok || c.rate == nil {
		return nil, fmt.Errorf("%w: %q is not a rate KPI", ErrConfig, kpi)
	}
	out := make(map[string]Rate, len(r.Rows))
	for i := range r.Rows {
		out[r.Rows[i].Key] = c.rate(&r.Rows[i].KPIs)
	}
	return out, nil
}

package profile

import (
	"iter"
	"sort"
	"time"
)

// Stage is where a customer is in their lifecycle, judged from recency against the customer's
// activity window (see Config.Windows and Profile.WindowDays).
type Stage string

// The lifecycle stages. With r = Now - LastPurchase and w = the customer's activity window:
//
//	Prospect  no purchase at all (only events were seen)
//	New       r <= w and Now - FirstPurchase <= w (the first purchase is itself recent)
//	Active    r <= w, customer for longer than w
//	Lapsed    w < r <= Config.ChurnFactor * w
//	Churned   r > Config.ChurnFactor * w
const (
	Prospect Stage = "prospect"
	New      Stage = "new"
	Active   Stage = "active"
	Lapsed   Stage = "lapsed"
	Churned  Stage = "churned"
)

// Profile is what the builder knows about one customer at the build's reference time Now.
// Money is in the shop's currency, durations in days (float64, 86400 s per day).
//
// Purchases come from orders (and from purchase events when Config.EventPurchases is set);
// returns are lines with negative quantities. A returned line reduces the revenue of the same
// item (ItemID, "" for lines without one) bought by the same customer, never below zero: per
// item, net = max(0, bought - returned). All shares are in [0, 1] and 0 when their denominator
// is 0.
type Profile struct {
	// CustomerID is the customer's canonical ID: the shop's customer ID, or, with a Stitcher,
	// the canonical ID of the stitched identity (see Stitcher.Canonical).
	CustomerID string `json:"customer_id"`
	// Identities are the identifiers merged into this profile (sorted by type, then value).
	Identities []Identity `json:"identities,omitempty"`

	// FirstPurchase and LastPurchase are the times of the earliest and latest purchase order;
	// zero for a prospect.
	FirstPurchase time.Time `json:"first_purchase,omitzero"`
	LastPurchase  time.Time `json:"last_purchase,omitzero"`
	// LastSeen is the latest time of any order or event.
	LastSeen time.Time `json:"last_seen,omitzero"`

	// Orders is the number of distinct purchase orders (by order ID); return-only orders do not
	// count.
	Orders int `json:"orders"`
	// Lines is the number of purchase lines (positive quantity).
	Lines int `json:"lines"`
	// Units is the number of units bought (sum of positive quantities).
	Units int `json:"units"`
	// ReturnedUnits is the number of units returned, capped per item at the units bought.
	ReturnedUnits int `json:"returned_units"`
	// GrossRevenue is the sum of Quantity*UnitPrice over purchase lines.
	GrossRevenue float64 `json:"gross_revenue"`
	// ReturnedRevenue is the value of returned lines that could be netted:
	// sum over items of min(bought, returned).
	ReturnedRevenue float64 `json:"returned_revenue"`
	// Revenue is GrossRevenue - ReturnedRevenue, never negative.
	Revenue float64 `json:"revenue"`
	// AOV is the average order value net of returns: Revenue / Orders.
	AOV float64 `json:"aov"`
	// ReturnRate is ReturnedRevenue / GrossRevenue.
	ReturnRate float64 `json:"return_rate"`

	// RecencyDays is (Now - LastPurchase) in days; -1 for a prospect.
	RecencyDays float64 `json:"recency_days"`
	// Frequency is Orders (the raw F of RFM).
	Frequency int `json:"frequency"`
	// Monetary is Revenue (the raw M of RFM).
	Monetary float64 `json:"monetary"`
	// TenureDays is (Now - FirstPurchase) in days; -1 for a prospect.
	TenureDays float64 `json:"tenure_days"`

	// DiscountSpendShare is the share of GrossRevenue bought at a discount of at least
	// Config.DiscountDepth (Line.Discount() >= depth).
	DiscountSpendShare float64 `json:"discount_spend_share"`
	// DiscountLineShare is the share of purchase lines bought at such a discount.
	DiscountLineShare float64 `json:"discount_line_share"`

	// Brands is the customer's brand affinity for every brand bought, highest affinity first
	// (ties by brand name); at most Config.TopBrands entries are kept.
	Brands []BrandAffinity `json:"brands,omitempty"`

	// PriceBands holds, per category bought, the distribution of unit prices paid.
	PriceBands map[string]PriceBand `json:"price_bands,omitempty"`
	// Categories is the number of distinct non-empty categories bought. (PriceBands also
	// holds "" for lines without a category.)
	Categories int `json:"categories"`
	// CategoryShare is Categories divided by the number of categories in the catalog
	// (Config.CatalogCategories, or else the distinct categories bought by anyone in the build).
	CategoryShare float64 `json:"category_share"`

	// RepeatIntervalMeanDays and RepeatIntervalMedianDays summarise the gaps in days between
	// consecutive purchase orders (sorted by time); 0 with fewer than two orders.
	RepeatIntervalMeanDays   float64 `json:"repeat_interval_mean_days"`
	RepeatIntervalMedianDays float64 `json:"repeat_interval_median_days"`

	// Channels and Devices count the orders and events seen per channel and device (records
	// without one are not counted). Use Mix for shares.
	Channels map[string]int `json:"channels,omitempty"`
	Devices  map[string]int `json:"devices,omitempty"`
	// Events counts the events seen per event type.
	Events map[EventType]int `json:"events,omitempty"`

	// WindowDays is the activity window used for Stage: the window of the customer's main
	// category (largest gross spend, ties by name) from Config.Windows, else Config.Window.
	WindowDays float64 `json:"window_days"`
	// Stage is the lifecycle stage (see the Stage constants for the rules).
	Stage Stage `json:"stage"`
}

// BrandAffinity is a customer's affinity for one brand. With s_b the customer's gross spend
// on brand b, S their total gross spend on lines with a brand, p_b the shop-wide share of spend
// on b and k = Config.BrandPrior (default: the shop-wide average order value):
//
//	Share    = s_b / S
//	Affinity = (s_b + k*p_b) / (S + k)
//
// so a customer with little history is pulled toward the shop's taste.
type BrandAffinity struct {
	Brand    string  `json:"brand"`
	Spend    float64 `json:"spend"`
	Share    float64 `json:"share"`
	Affinity float64 `json:"affinity"`
}

// PriceBand summarises the unit prices paid on purchase lines of one category (each line counts
// once, whatever its quantity). Quartiles use linear interpolation between order statistics
// (R type 7, NumPy's default): with sorted prices x[0..n-1], Q(p) = x[h] + (h-floor(h))*(x[h+1]-x[h])
// at h = (n-1)p.
type PriceBand struct {
	Lines  int     `json:"lines"`
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
}

// Mix returns the shares of counts (as Channels or Devices hold them), summing to 1; nil when
// counts is empty.
func Mix(counts map[string]int) map[string]float64 {
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		return nil
	}
	out := make(map[string]float64, len(counts))
	for k, n := range counts {
		out[k] = float64(n) / float64(total)
	}
	return out
}

// Profiles is a snapshot of built profiles, sorted by CustomerID, with the build's Report.
// It is immutable and safe for concurrent use.
type Profiles struct {
	list   []Profile
	index  map[string]int
	report Report
}

// All yields the profiles in CustomerID order.
func (p *Profiles) All() iter.Seq[Profile] {
	return func(yield func(Profile) bool) {
		for i := range p.list {
			if !yield(p.list[i]) {
				return
			}
		}
	}
}

// Get returns the profile of a canonical customer ID.
func (p *Profiles) Get(customerID string) (Profile, bool) {
	i, ok := p.index[customerID]
	if !ok {
		return Profile{}, false
	}
	return p.list[i], true
}

// Len is the number of profiles.
func (p *Profiles) Len() int { return len(p.list) }

// Report returns what the build skipped or found suspicious.
func (p *Profiles) Report() Report { return p.report }

func newProfiles(list []Profile, rep Report) *Profiles {
	sort.Slice(list, func(i, j int) bool { return list[i].CustomerID < list[j].CustomerID })
	idx := make(map[string]int, len(list))
	for i := range list {
		idx[list[i].CustomerID] = i
	}
	return &Profiles{list: list, index: idx, report: rep}
}

// Report counts what a build skipped or flagged. Nothing is skipped silently: every record
// the builder did not use is counted here. It encodes to JSON with the snake_case names of its
// fields ({"orders":5000,"events":0,"guest_orders":12,...}) and decodes back.
type Report struct {
	// Orders and Events are the records added (including skipped ones).
	Orders int `json:"orders"`
	Events int `json:"events"`
	// GuestOrders counts orders without a CustomerID (skipped: they belong to no profile).
	GuestOrders int `json:"guest_orders"`
	// Invalid counts records that failed Validate and were skipped (Build with SkipInvalid).
	Invalid int `json:"invalid"`
	// Future counts records dated after Config.Now (skipped); FutureExamples describes the
	// first few ("order 123 at 2031-01-01T00:00:00Z"). Builder.Forget drops the examples
	// that name the forgotten customer (the count stays).
	Future         int      `json:"future"`
	FutureExamples []string `json:"future_examples,omitempty"`
	// UnmatchedReturnValue is the value of returned lines that found no purchase of the same
	// item by the same customer to net against (so it reduced nothing).
	UnmatchedReturnValue float64 `json:"unmatched_return_value"`
	// NoConsent counts customers left out because they had not consented to Config.Purpose
	// as of Now.
	NoConsent int `json:"no_consent"`
}

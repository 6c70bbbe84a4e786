package segment

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// LifecycleConfig configures Activity.Lifecycle. Its Window, Windows and ChurnFactor are those
// of profile.Lifecycle, the one lifecycle rule of the module, which Activity.Lifecycle applies
// (as a profile build does with profile.Config's fields of the same names), so that stages
// computed here from orders and profile.Profile.Stage agree. With r the days since the last
// order, t the days since the first and w the customer's window:
//
//	new      r <= w and t <= w
//	active   r <= w (and t > w)
//	lapsed   w < r <= ChurnFactor * w
//	churned  r > ChurnFactor * w
//
// Recency and tenure are measured to the Activity's reference time (ActivityConfig.Now).
type LifecycleConfig struct {
	// Window is the default activity window; 0 means profile.DefaultWindow (90 days).
	Window time.Duration
	// Windows sets the window per category; a customer's window is that of their main
	// category (profile.MainCategory: largest gross spend, ties by name). Categories come
	// from the order lines; lines without one count as the category "" (as in profile), so a
	// customer who spends most on uncategorised lines gets Windows[""] if set, else Window.
	Windows map[string]time.Duration
	// ChurnFactor: lapsed while r <= ChurnFactor * w; 0 means profile.DefaultChurnFactor
	// (3), otherwise a finite number >= 1.
	ChurnFactor float64
}

// LifecycleFromProfile copies the lifecycle fields of a profile build's configuration (its Now
// is the Activity's: ActivityConfig.Now or CollectConfig.Now).
func LifecycleFromProfile(c profile.Config) LifecycleConfig {
	return LifecycleConfig{Window: c.Window, Windows: c.Windows, ChurnFactor: c.ChurnFactor}
}

// rules is the profile.Lifecycle the config's fields make.
func (c LifecycleConfig) rules() profile.Lifecycle {
	return profile.Lifecycle{Window: c.Window, Windows: c.Windows, ChurnFactor: c.ChurnFactor}
}

// Validate reports, as ErrBadConfig naming the field, a Window, Windows entry or ChurnFactor
// that profile.Lifecycle.Validate refuses (a negative window; a ChurnFactor other than 0 that
// is not a finite number >= 1). Zero fields are the documented defaults (a zero Windows entry means Window).
func (c LifecycleConfig) Validate() error {
	bad := func(field string, v any) error {
		return fmt.Errorf("segment: LifecycleConfig.%s = %v (see profile.Lifecycle): %w", field, v, ErrBadConfig)
	}
	// Each field is checked alone by profile's rule, so that the error names it.
	if (profile.Lifecycle{Window: c.Window}).Validate() != nil {
		return bad("Window", c.Window)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Windows)) {
		w := c.Windows[name]
		if (profile.Lifecycle{Windows: map[string]time.Duration{name: w}}).Validate() != nil {
			return bad(fmt.Sprintf("Windows[%q]", name), w)
		}
	}
	if (profile.Lifecycle{ChurnFactor: c.ChurnFactor}).Validate() != nil {
		return bad("ChurnFactor", c.ChurnFactor)
	}
	return nil
}

// CustomerStage is one customer's lifecycle stage and the numbers behind it.
type CustomerStage struct {
	ID    string        `json:"id"`
	Stage profile.Stage `json:"stage"`
	// RecencyDays and TenureDays are the days (86400 s, fractional) from the last and the
	// first order to Now; WindowDays is the activity window that applied (of the customer's
	// main category, or the default).
	RecencyDays float64 `json:"recency_days"`
	TenureDays  float64 `json:"tenure_days"`
	WindowDays  float64 `json:"window_days"`
}

// Lifecycle returns every customer's stage, sorted by ID. Recency and tenure are measured in
// days (86400 s) from the first and last order to Now, as profile does. Customers with no order
// are left out (profile calls them prospects). A cfg that fails Validate is its error
// (ErrBadConfig naming the field); it is never replaced by the defaults (a NaN ChurnFactor used
// to turn every lapsed customer churned).
func (a *Activity) Lifecycle(cfg LifecycleConfig) ([]CustomerStage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rules := cfg.rules()
	now := a.Now()
	out := make([]CustomerStage, 0, len(a.logs))
	for _, i := range a.byID() {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		s := CustomerStage{ID: c.id,
			RecencyDays: daysBetween(stampOf(now), c.last),
			TenureDays:  daysBetween(stampOf(now), c.first),
			WindowDays:  rules.WindowDays(a.mainCategory(c))}
		s.Stage = rules.Stage(s.RecencyDays, s.TenureDays, s.WindowDays)
		out = append(out, s)
	}
	return out, nil
}

// StageCounts counts customers per stage.
func StageCounts(stages []CustomerStage) map[profile.Stage]int {
	out := map[profile.Stage]int{}
	for _, s := range stages {
		out[s.Stage]++
	}
	return out
}

// MonthCount is one calendar month's buying customers, split by whether the month holds their
// first order.
type MonthCount struct {
	Month     time.Time `json:"month"`     // first instant of the month, UTC
	New       int       `json:"new"`       // customers whose first order is in this month
	Returning int       `json:"returning"` // customers who ordered this month and had ordered before it
}

// NewVsReturning counts, per calendar month from the first to the last month with an order,
// the new and returning customers who ordered in it (a customer counts once per month). It
// reads the monthly Cohorts table, so for orders spread over centuries it covers the months of
// the cohorts that table keeps.
func (a *Activity) NewVsReturning() []MonthCount {
	t, _ := a.Cohorts(CohortConfig{Period: Month}) // a valid config: no error
	if len(t.Starts) == 0 {
		return nil
	}
	first := periodOf(Month, dayOf(t.Starts[0].Unix()))
	last := first
	for c, row := range t.Active {
		last = max(last, periodOf(Month, dayOf(t.Starts[c].Unix()))+int32(len(row))-1)
	}
	out := make([]MonthCount, last-first+1)
	for i := range out {
		out[i].Month = periodStart(Month, first+int32(i))
	}
	for c, row := range t.Active {
		base := int(periodOf(Month, dayOf(t.Starts[c].Unix())) - first)
		for o, n := range row {
			if o == 0 {
				out[base].New += n
			} else {
				out[base+o].Returning += n
			}
		}
	}
	return out
}

// RepeatStats describes how often and how soon customers come back.
type RepeatStats struct {
	// Customers is the number of customers with at least one order; Repeaters those with two
	// or more; Share = Repeaters / Customers.
	Customers int     `json:"customers"`
	Repeaters int     `json:"repeaters"`
	Share     float64 `json:"share"`
	// MedianDaysToReturn and MeanDaysToReturn summarise, over repeaters, the days (86400 s)
	// from the first to the second order. The median is R's type 7 (the mean of the middle
	// two for an even count). Both are 0 without repeaters.
	MedianDaysToReturn float64 `json:"median_days_to_return"`
	MeanDaysToReturn   float64 `json:"mean_days_to_return"`
}

// Repeat returns the repeat statistics of the customer base.
func (a *Activity) Repeat() RepeatStats {
	var s RepeatStats
	var gaps []float64
	for i := range a.logs {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		s.Customers++
		if c.orders >= 2 {
			s.Repeaters++
			gaps = append(gaps, daysBetween(c.second, c.first))
		}
	}
	s.Share = ratio(float64(s.Repeaters), float64(s.Customers))
	if len(gaps) > 0 {
		slices.Sort(gaps)
		s.MedianDaysToReturn = quantileR7(gaps, 0.5)
		var sum float64
		for _, g := range gaps {
			sum += g
		}
		s.MeanDaysToReturn = sum / float64(len(gaps))
	}
	return s
}

// AdvocateConfig configures Activity.Advocates. The zero value picks the top 1% by net
// revenue among customers with at least two orders.
type AdvocateConfig struct {
	// Top is the fraction of eligible customers to return, in (0, 1]; default (0) 0.01. At
	// least one customer is returned when any is eligible: the count is ceil(Top * eligible).
	Top float64
	// MinOrders is the smallest number of orders to be eligible; default (0) 2 (a brand
	// advocate has come back at least once). Set 1 to rank everyone.
	MinOrders int
	// ActiveWithin, if set, also requires an order within ActiveWithin of the Activity's
	// reference time (ActivityConfig.Now), so lapsed big spenders are not rewarded as
	// advocates. Zero disables the check.
	ActiveWithin time.Duration
}

// Advocate is a top customer.
type Advocate struct {
	ID      string  `json:"id"`
	Revenue float64 `json:"revenue"`
	Orders  int     `json:"orders"`
	// Rank is 1 for the highest revenue.
	Rank int `json:"rank"`
}

// Validate reports, as ErrBadConfig naming the field, a Top outside (0, 1] other than 0 (NaN
// included), or a negative MinOrders or ActiveWithin.
func (c AdvocateConfig) Validate() error {
	switch {
	case c.Top != 0 && !(c.Top > 0 && c.Top <= 1):
		return fmt.Errorf("segment: AdvocateConfig.Top = %v (want 0 for 0.01, or a fraction in (0, 1]): %w", c.Top, ErrBadConfig)
	case c.MinOrders < 0:
		return fmt.Errorf("segment: AdvocateConfig.MinOrders = %d: %w", c.MinOrders, ErrBadConfig)
	case c.ActiveWithin < 0:
		return fmt.Errorf("segment: AdvocateConfig.ActiveWithin = %s: %w", c.ActiveWithin, ErrBadConfig)
	}
	return nil
}

// Advocates returns the top customers by net revenue (ties by more orders, then by ID), the
// customers to thank and reward as a brand's advocates. A cfg that fails Validate is its error
// (ErrBadConfig naming the field: a Top of 5, meant as 5%, used to become 1% without a word).
func (a *Activity) Advocates(cfg AdvocateConfig) ([]Advocate, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	top := cfg.Top
	if top == 0 {
		top = 0.01
	}
	minOrders := cfg.MinOrders
	if minOrders == 0 {
		minOrders = 2
	}
	now := stampOf(a.Now())
	var eligible []Advocate
	for i := range a.logs {
		c := &a.logs[i]
		if c.orders < minOrders {
			continue
		}
		if cfg.ActiveWithin > 0 && daysBetween(now, c.last) > float64(cfg.ActiveWithin)/float64(24*time.Hour) {
			continue
		}
		eligible = append(eligible, Advocate{ID: c.id, Revenue: c.revenue, Orders: c.orders})
	}
	slices.SortFunc(eligible, func(x, y Advocate) int {
		if c := cmp.Compare(y.Revenue, x.Revenue); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Orders, x.Orders); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	n := int(math.Ceil(top*float64(len(eligible)) - 1e-9)) // 0.01*300 must give 3, not 4
	if len(eligible) > 0 {
		n = max(n, 1)
	}
	out := eligible[:n]
	for i := range out {
		out[i].Rank = i + 1
	}
	return slices.Clip(out), nil
}

package segment

import (
	"iter"
	"slices"

	"github.com/tailorkit/tailor/profile"
)

// Customers returns a Customer per customer with an order, sorted by ID, carrying the standard
// attributes: orders, revenue, aov, recency_days and tenure_days (fractional days to the
// Activity's reference time, as Activity.RFM and profile count them), first_order, last_order,
// lifecycle (by cfg), categories (when lines name them),
// region (of the last order naming one) and channel (of the first order naming one). A host then
// adds its CRM attributes (age, interests, ...) with the Set methods before segmenting. A cfg
// that fails Validate is its error (ErrBadConfig naming the field).
func (a *Activity) Customers(cfg LifecycleConfig) ([]Customer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a.normalize()
	now := a.Now()
	stages, err := a.Lifecycle(cfg)
	if err != nil {
		return nil, err
	}
	out := make([]Customer, 0, len(stages))
	k := 0
	for _, i := range a.byID() {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		cu := Customer{ID: c.id}
		cu.SetNumber(AttrOrders, float64(c.orders)).
			SetNumber(AttrRevenue, c.revenue).
			SetNumber(AttrAOV, c.revenue/float64(c.orders)).
			SetNumber(AttrRecencyDays, daysBetween(stampOf(now), c.last)).
			SetNumber(AttrTenureDays, daysBetween(stampOf(now), c.first)).
			SetTime(AttrFirstOrder, c.first.time()).
			SetTime(AttrLastOrder, c.last.time()).
			SetString(AttrLifecycle, string(stages[k].Stage))
		k++
		if x := c.extra; x != nil {
			if len(x.cats) > 0 {
				names := make([]string, len(x.cats))
				for j, cs := range x.cats {
					names[j] = a.catNm[cs.id]
				}
				cu.SetSet(AttrCategories, names...)
			}
			if x.region != "" {
				cu.SetString(AttrRegion, x.region)
			}
			if x.channel != "" {
				cu.SetString(AttrChannel, x.channel)
			}
		}
		out = append(out, cu)
	}
	return out, nil
}

// FromProfile turns a profile into a Customer with the standard attributes: orders, revenue,
// aov, return_rate, recency_days and tenure_days (as the profile measured them, in fractional
// days; left unset for a prospect, whose profile says -1), first_order and last_order (unset
// for a prospect), lifecycle (the profile's stage, which honours its per-category windows),
// categories (every category with a price band), brands (the brands the profile kept) and
// channels (every channel seen).
func FromProfile(p *profile.Profile) Customer {
	c := Customer{ID: p.CustomerID}
	c.SetNumber(AttrOrders, float64(p.Orders)).
		SetNumber(AttrRevenue, p.Revenue).
		SetNumber(AttrAOV, p.AOV).
		SetNumber(AttrReturnRate, p.ReturnRate).
		SetString(AttrLifecycle, string(p.Stage))
	if p.RecencyDays >= 0 {
		c.SetNumber(AttrRecencyDays, p.RecencyDays)
	}
	if p.TenureDays >= 0 {
		c.SetNumber(AttrTenureDays, p.TenureDays)
	}
	if !p.FirstPurchase.IsZero() {
		c.SetTime(AttrFirstOrder, p.FirstPurchase)
		c.SetTime(AttrLastOrder, p.LastPurchase)
	}
	var cats []string
	for name := range p.PriceBands {
		if name != "" {
			cats = append(cats, name)
		}
	}
	if len(cats) > 0 {
		c.SetSet(AttrCategories, cats...)
	}
	if len(p.Brands) > 0 {
		brands := make([]string, len(p.Brands))
		for i, b := range p.Brands {
			brands[i] = b.Brand
		}
		c.SetSet(AttrBrands, brands...)
	}
	if len(p.Channels) > 0 {
		ch := make([]string, 0, len(p.Channels))
		for name := range p.Channels {
			ch = append(ch, name)
		}
		c.SetSet(AttrChannels, ch...)
	}
	return c
}

// FromProfiles converts a sequence of profiles (profile.Profiles.All()) with FromProfile.
func FromProfiles(profiles iter.Seq[profile.Profile]) []Customer {
	var out []Customer
	for p := range profiles {
		out = append(out, FromProfile(&p))
	}
	return slices.Clip(out)
}

// RFMFromProfiles returns the RFM values of the profiles that have a purchase, in the
// profiles' order: Recency = RecencyDays (fractional days), Frequency = Orders, Monetary =
// Revenue (net of returns, never negative), as the rfm R package counts them.
func RFMFromProfiles(profiles iter.Seq[profile.Profile]) []CustomerRFM {
	var out []CustomerRFM
	for p := range profiles {
		if p.Orders == 0 || p.RecencyDays < 0 {
			continue
		}
		out = append(out, CustomerRFM{ID: p.CustomerID, Recency: p.RecencyDays, Frequency: float64(p.Orders),
			Monetary: p.Revenue, Orders: p.Orders, Revenue: p.Revenue})
	}
	return out
}

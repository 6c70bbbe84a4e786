package segment

import (
	"fmt"
	"time"
)

// CustomerRFM is one customer's recency, frequency and monetary value, the input of FitRFM.
// A host with its own aggregates (a SQL GROUP BY) fills it directly; Activity.RFM fills it from
// orders.
type CustomerRFM struct {
	ID string `json:"id"`
	// Recency is the time since the last purchase, in days: smaller is better.
	Recency float64 `json:"recency"`
	// Frequency is how often the customer bought: orders, or purchase days (see RFMBasis).
	Frequency float64 `json:"frequency"`
	// Monetary is how much the customer spent: total revenue, or mean spend per purchase day.
	Monetary float64 `json:"monetary"`
	// Orders and Revenue are what segment summaries add up: the customer's orders and net
	// revenue. A host that leaves them zero gets summaries with only customer counts.
	Orders  int     `json:"orders"`
	Revenue float64 `json:"revenue"`
}

// RFMBasis says how Activity.RFM counts frequency and monetary value.
type RFMBasis uint8

const (
	// PerOrder (the default) follows the rfm R package (rsquaredacademy/rfm,
	// rfm_table_order): Frequency = number of orders (two orders on one day count twice),
	// Monetary = total net revenue.
	PerOrder RFMBasis = iota
	// PerDay follows PyMC-Marketing's rfm_summary with time_unit "D": Frequency = number of
	// days with an order (the first included), Monetary = revenue / that number of days (the
	// mean spend per purchase day).
	PerDay
)

// RFMValuesConfig configures Activity.RFM. The zero value counts per order. Recency is
// measured in fractional days (86400 s) from the customer's last order to the Activity's
// reference time (ActivityConfig.Now; orders after it were left out), as profile's
// RecencyDays, so RFMFromProfiles of the same orders gives the same values and segments.
type RFMValuesConfig struct {
	// Basis chooses how frequency and monetary value are counted; default PerOrder.
	Basis RFMBasis
}

// Validate reports a Basis other than PerOrder and PerDay as ErrBadConfig.
func (c RFMValuesConfig) Validate() error {
	if c.Basis != PerOrder && c.Basis != PerDay {
		return fmt.Errorf("segment: RFMValuesConfig.Basis = %d: %w", c.Basis, ErrBadConfig)
	}
	return nil
}

// checkNow refuses a reference time outside the years Add accepts (zero means the latest order).
func checkNow(cfg string, now time.Time) error {
	if !now.IsZero() && (now.Before(minOrderTime) || !now.Before(maxOrderTime)) {
		return fmt.Errorf("segment: %s.Now: year %d outside 1..9999: %w", cfg, now.Year(), ErrBadConfig)
	}
	return nil
}

// RFM returns every customer's RFM values, sorted by ID. Customers with no order (only
// returns) are left out, as they have no recency. A cfg that fails Validate is its error
// (ErrBadConfig naming the field); it is never replaced by the defaults.
func (a *Activity) RFM(cfg RFMValuesConfig) ([]CustomerRFM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a.normalize()
	now := a.Now()
	out := make([]CustomerRFM, 0, len(a.logs))
	for _, i := range a.byID() {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		v := CustomerRFM{
			ID:      c.id,
			Recency: daysBetween(stampOf(now), c.last),
			Orders:  c.orders,
			Revenue: c.revenue,
		}
		if cfg.Basis == PerDay {
			d := a.purchaseDays(int(i))
			v.Frequency = float64(d)
			v.Monetary = c.revenue / float64(d)
		} else {
			v.Frequency = float64(c.orders)
			v.Monetary = c.revenue
		}
		out = append(out, v)
	}
	return out, nil
}

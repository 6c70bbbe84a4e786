package clv

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// Transaction is one purchase: who, when and for how much.
type Transaction struct {
	Customer string
	Time     time.Time
	Amount   float64
}

// Period is a calendar period: the bucket purchases are squashed into and the unit of time
// the models count in.
type Period int

// The periods. Week is the ISO week, Monday to Sunday (pandas' "W"). Month is the calendar
// month. The zero Period means "the default" where a Config holds one.
const (
	Day Period = iota + 1
	Week
	Month
)

// String returns "day", "week" or "month".
func (p Period) String() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// ParsePeriod parses "day", "week" or "month".
func ParsePeriod(s string) (Period, error) {
	switch s {
	case "day", "D", "d":
		return Day, nil
	case "week", "W", "w":
		return Week, nil
	case "month", "M", "m":
		return Month, nil
	}
	return 0, fmt.Errorf("clv: unknown period %q (want day, week or month)", s)
}

// daysPerMonth converts days to months when a daily summary is expressed in months.
const daysPerMonth = 365.25 / 12

// SummaryConfig configures Summarize. The zero value squashes purchases per day and counts
// in days, up to the latest transaction.
type SummaryConfig struct {
	// End is the end of the observation period (inclusive: a purchase on End's day counts).
	// Purchases after it are dropped. Zero means the latest transaction's time.
	End time.Time
	// Period is the bucket purchases are squashed into: several purchases of a customer in
	// one period are one purchase with their amounts summed. Default Day.
	Period Period
	// Unit is the unit of Recency and T. Default: Period. With Period Day it may be Week
	// (days/7, the convention of the published CDNOW summaries) or Month (days/(365.25/12));
	// with Period Week or Month it must equal Period (whole periods are counted).
	Unit Period
}

func (c *SummaryConfig) scale() (float64, error) {
	if c.Period == 0 {
		c.Period = Day
	}
	unit := c.Unit
	if unit == 0 {
		unit = c.Period
	}
	switch {
	case c.Period < Day || c.Period > Month || unit < Day || unit > Month:
		return 0, fmt.Errorf("clv: period %v / unit %v: %w", c.Period, unit, ErrConfig)
	case unit == c.Period:
		return 1, nil
	case c.Period == Day && unit == Week:
		return 7, nil
	case c.Period == Day && unit == Month:
		return daysPerMonth, nil
	}
	return 0, fmt.Errorf("clv: a %v summary cannot count in %vs: %w", c.Period, unit, ErrConfig)
}

// Customer is a customer's transaction summary in the conventions of the lifetimes library
// (and of Fader and Hardie's CDNOW files):
//
//	Frequency x = number of distinct purchase periods - 1 (repeat purchases)
//	Recency  t_x = (last purchase period - first purchase period), in units
//	T            = (End's period - first purchase period), in units
//	Monetary     = RepeatValue / x: the mean per-period spend over the repeat periods
//	               (the first period excluded), 0 when x = 0
type Customer struct {
	ID          string
	Frequency   int
	Recency     float64
	T           float64
	Monetary    float64
	RepeatValue float64
	// First is the time of the first purchase.
	First time.Time
}

// Sentinel errors of the package.
var (
	ErrConfig = errors.New("invalid configuration")
	ErrData   = errors.New("invalid transaction")
)

// periodIndex numbers the period holding t (in t's own time zone): days since 1970-01-01, ISO
// weeks since the week of 1969-12-29 (a Monday), or months since January of year 0.
func periodIndex(t time.Time, p Period) int64 {
	y, m, d := t.Date()
	days := civilDays(y, int(m), d)
	switch p {
	case Week:
		// 1970-01-01 was a Thursday: shifting by 3 makes Mondays start the weeks.
		return floorDiv(days+3, 7)
	case Month:
		return int64(y)*12 + int64(m) - 1
	}
	return days
}

// civilDays is the number of days from 1970-01-01 to the date (Howard Hinnant's algorithm).
func civilDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(int64(y), 400)
	yoe := int64(y) - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

type periodSpend struct {
	customer string
	period   int64
	value    float64
	t        time.Time
}

// collect validates the transactions and squashes them per customer and period; it returns
// the periods sorted by customer, then period, and the latest transaction time.
func collect(tx iter.Seq[Transaction], p Period) ([]periodSpend, time.Time, error) {
	var rows []periodSpend
	var latest time.Time
	i := 0
	for t := range tx {
		switch {
		case t.Customer == "":
			return nil, latest, fmt.Errorf("clv: transaction %d: field %q = %q: %w", i, "Customer", t.Customer, ErrData)
		case t.Time.IsZero():
			return nil, latest, fmt.Errorf("clv: transaction %d of %q: field %q is zero: %w", i, t.Customer, "Time", ErrData)
		case !textio.InRange(t.Amount):
			return nil, latest, fmt.Errorf("clv: transaction %d of %q: field %q = %v: want finite with magnitude <= %g: %w", i, t.Customer, "Amount", t.Amount, textio.MaxMagnitude, ErrData)
		}
		if t.Time.After(latest) {
			latest = t.Time
		}
		rows = append(rows, periodSpend{t.Customer, periodIndex(t.Time, p), t.Amount, t.Time})
		i++
	}
	slices.SortFunc(rows, func(a, b periodSpend) int {
		if c := cmp.Compare(a.customer, b.customer); c != 0 {
			return c
		}
		return cmp.Compare(a.period, b.period)
	})
	// Squash each (customer, period) into one purchase.
	out := rows[:0]
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].customer == r.customer && out[n-1].period == r.period {
			out[n-1].value += r.value
			if r.t.Before(out[n-1].t) {
				out[n-1].t = r.t
			}
			continue
		}
		out = append(out, r)
	}
	return out, latest, nil
}

// Summarize computes every customer's summary (see Customer), sorted by ID. Transactions
// after cfg.End are dropped; customers with none left are absent. A transaction without
// customer or time, or with an amount that is NaN or beyond textio.MaxMagnitude (1e15) in
// magnitude, is an error wrapping ErrData that names it by its index in the stream.
func Summarize(tx iter.Seq[Transaction], cfg SummaryConfig) ([]Customer, error) {
	scale, err := cfg.scale()
	if err != nil {
		return nil, err
	}
	rows, latest, err := collect(tx, cfg.Period)
	if err != nil {
		return nil, err
	}
	end := cfg.End
	if end.IsZero() {
		end = latest
	}
	return summarize(rows, periodIndex(end, cfg.Period), scale), nil
}

func summarize(rows []periodSpend, endPeriod int64, scale float64) []Customer {
	var out []Customer
	for i := 0; i < len(rows); {
		j := i
		for j < len(rows) && rows[j].customer == rows[i].customer {
			j++
		}
		cust := rows[i:j]
		k := 0
		for k < len(cust) && cust[k].period <= endPeriod {
			k++
		}
		cust = cust[:k]
		if len(cust) > 0 {
			c := Customer{ID: cust[0].customer, Frequency: len(cust) - 1, First: cust[0].t}
			c.Recency = float64(cust[len(cust)-1].period-cust[0].period) / scale
			c.T = float64(endPeriod-cust[0].period) / scale
			for _, r := range cust[1:] {
				c.RepeatValue += r.value
			}
			if c.Frequency > 0 {
				c.Monetary = c.RepeatValue / float64(c.Frequency)
			}
			out = append(out, c)
		}
		i = j
	}
	return out
}

// Holdout is a customer's calibration summary and what they did in the holdout period:
//
//	FrequencyHoldout = distinct purchase periods in (calibration end, observation end]
//	DurationHoldout  = observation end's period - calibration end's period, in units
//	MonetaryHoldout  = mean per-period spend in the holdout, 0 without holdout purchases
type Holdout struct {
	Customer
	FrequencyHoldout int
	DurationHoldout  float64
	MonetaryHoldout  float64
}

// CalibrationHoldout splits the transactions at calibrationEnd: the calibration summary is
// Summarize with End = calibrationEnd, and the holdout runs to cfg.End (zero: the latest
// transaction). Customers whose first purchase is after calibrationEnd are absent, as in
// lifetimes.
func CalibrationHoldout(tx iter.Seq[Transaction], calibrationEnd time.Time, cfg SummaryConfig) ([]Holdout, error) {
	scale, err := cfg.scale()
	if err != nil {
		return nil, err
	}
	rows, latest, err := collect(tx, cfg.Period)
	if err != nil {
		return nil, err
	}
	end := cfg.End
	if end.IsZero() {
		end = latest
	}
	if calibrationEnd.IsZero() || calibrationEnd.After(end) {
		return nil, fmt.Errorf("clv: calibration end %s is not within the observation period ending %s: %w",
			calibrationEnd.Format(time.DateOnly), end.Format(time.DateOnly), ErrConfig)
	}
	calP, endP := periodIndex(calibrationEnd, cfg.Period), periodIndex(end, cfg.Period)
	cal := summarize(rows, calP, scale)
	out := make([]Holdout, 0, len(cal))
	r := 0
	for _, c := range cal {
		for rows[r].customer != c.ID {
			r++
		}
		h := Holdout{Customer: c, DurationHoldout: float64(endP-calP) / scale}
		var spend float64
		for ; r < len(rows) && rows[r].customer == c.ID; r++ {
			if rows[r].period > calP && rows[r].period <= endP {
				h.FrequencyHoldout++
				spend += rows[r].value
			}
		}
		if h.FrequencyHoldout > 0 {
			h.MonetaryHoldout = spend / float64(h.FrequencyHoldout)
		}
		out = append(out, h)
	}
	return out, nil
}

// FromOrders turns orders into transactions, one per order with its Total as the amount.
// Guest orders (no CustomerID) and return-only orders (Order.IsReturn) are skipped: the models
// count purchases, and a return is not one. An order mixing bought and returned lines counts
// with its net Total.
func FromOrders(orders iter.Seq[profile.Order]) iter.Seq[Transaction] {
	return func(yield func(Transaction) bool) {
		for o := range orders {
			if o.CustomerID == "" || o.IsReturn() {
				continue
			}
			if !yield(Transaction{Customer: o.CustomerID, Time: o.Time, Amount: o.Total()}) {
				return
			}
		}
	}
}

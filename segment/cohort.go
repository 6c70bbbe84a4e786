package segment

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/tailorkit/tailor/profile"
)

// Period is the length of a cohort period: profile.Period, the module's one period type
// (encoded as its name in JSON). Cohorts are by Month (the default) or Week.
type Period = profile.Period

// The cohort periods.
const (
	// Month (the default): calendar months, UTC.
	Month = profile.Month
	// Week: ISO weeks, Monday to Sunday, UTC.
	Week = profile.Week
)

// periodOf returns the index of the period holding UTC day d (days since 1970-01-01):
// months since year 0 for Month, Monday-based weeks since 1969-12-29 for Week.
func periodOf(p Period, d int32) int32 {
	if p == Week {
		// 1970-01-01 was a Thursday: day + 3 counts from Monday 1969-12-29.
		return int32(floorDiv(int64(d)+3, 7))
	}
	t := time.Unix(int64(d)*secondsPerDay, 0).UTC()
	return int32(t.Year())*12 + int32(t.Month()) - 1
}

// periodStart returns the first instant of period index i.
func periodStart(p Period, i int32) time.Time {
	if p == Week {
		return time.Unix((int64(i)*7-3)*secondsPerDay, 0).UTC()
	}
	return time.Date(int(floorDiv(int64(i), 12)), time.Month(i-int32(floorDiv(int64(i), 12))*12+1), 1, 0, 0, 0, 0, time.UTC)
}

// CohortConfig configures Activity.Cohorts. The zero value makes monthly cohorts.
type CohortConfig struct {
	// Period is the cohort and retention period: Month (the default) or Week.
	Period Period
}

// Validate reports a Period other than 0 (Month), Month and Week as ErrBadConfig.
func (c CohortConfig) Validate() error {
	if c.Period != 0 && c.Period != Month && c.Period != Week {
		return fmt.Errorf("segment: CohortConfig.Period = %v (want month or week): %w", c.Period, ErrBadConfig)
	}
	return nil
}

// Cohorts is the acquisition-cohort table: customers grouped by the period of their first
// order, and what each cohort did in the periods that followed. Row c, column o refers to the
// o-th period after cohort c's own (o = 0 is the acquisition period); row c has one column per
// period up to the last period with data, so the table is a triangle. Only periods in which
// someone was acquired have a row. A Cohorts is a plain value: safe for concurrent reads.
type Cohorts struct {
	Period Period `json:"period"`
	// Starts[c] is the first instant of cohort c's period, ascending.
	Starts []time.Time `json:"starts"`
	// Sizes[c] is the number of customers acquired in cohort c's period.
	Sizes []int `json:"sizes"`
	// Active[c][o] is the number of cohort c's customers with an order in period o (so
	// Active[c][0] = Sizes[c]).
	Active [][]int `json:"active"`
	// Revenue[c][o] is cohort c's net revenue in period o (returns subtracted in the period
	// they happened; revenue dated before a customer's first order is not attributed).
	Revenue [][]float64 `json:"revenue"`
	// Repeaters[c] is the number of cohort c's customers with at least two orders, ever.
	Repeaters []int `json:"repeaters"`
	// Omitted counts the customers of the oldest cohorts left out because the table would
	// have held more than MaxCohortCells cells; 0 unless orders span centuries.
	Omitted int `json:"omitted"`
}

// MaxCohortCells bounds the cells of a Cohorts table (about 16 bytes each, so 64 MiB). A table
// has a cell per cohort and later period, so orders spread over millennia made it quadratic:
// 51 orders 190 years apart took 245 MB in weekly periods, 5,000 would have taken 24 GB.
// A century of weekly cohorts (5,200 periods, 13.5M cells at most) would not fit, a century of
// monthly ones (720,000) or two decades of weekly ones (540,000) fit many times over. When the
// bound is reached the most recent cohorts are kept, whole, and the customers of the older
// ones are counted in Omitted.
const MaxCohortCells = 1 << 22

// Cohorts builds the acquisition-cohort table. Customers with no order are left out, and so
// are those of the oldest cohorts when the table would exceed MaxCohortCells (see Omitted). A
// cfg that fails Validate is its error (ErrBadConfig naming the field), never a table of
// another period.
func (a *Activity) Cohorts(cfg CohortConfig) (*Cohorts, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := cfg.Period
	if p == 0 {
		p = Month
	}
	a.normalize()
	var lo, hi int32 = 1<<31 - 1, -1 << 31
	for i := range a.logs {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		lo = min(lo, periodOf(p, dayOf(c.first.sec)))
		for _, d := range a.daysOf(i) {
			hi = max(hi, periodOf(p, d.day))
		}
	}
	out := &Cohorts{Period: p}
	if hi < lo {
		return out, nil
	}
	lo = a.cohortCutoff(p, lo, hi)
	span := int(hi-lo) + 1
	size := make([]int, span)
	rep := make([]int, span)
	active := make([][]int, span)
	revenue := make([][]float64, span)
	for i := range a.logs {
		c := &a.logs[i]
		if c.orders == 0 {
			continue
		}
		first := periodOf(p, dayOf(c.first.sec))
		if first < lo {
			out.Omitted++
			continue
		}
		row := int(first - lo)
		if active[row] == nil {
			active[row] = make([]int, int(hi-first)+1)
			revenue[row] = make([]float64, int(hi-first)+1)
		}
		size[row]++
		if c.orders >= 2 {
			rep[row]++
		}
		last := int32(-1)
		for _, d := range a.daysOf(i) { // sorted by day, so periods ascend
			o := periodOf(p, d.day) - first
			if o < 0 {
				continue
			}
			revenue[row][o] += d.revenue
			if d.orders > 0 && o != last {
				active[row][o]++
				last = o
			}
		}
	}
	for row := range span {
		if size[row] == 0 {
			continue
		}
		out.Starts = append(out.Starts, periodStart(p, lo+int32(row)))
		out.Sizes = append(out.Sizes, size[row])
		out.Active = append(out.Active, active[row])
		out.Revenue = append(out.Revenue, revenue[row])
		out.Repeaters = append(out.Repeaters, rep[row])
	}
	return out, nil
}

// cohortCutoff returns the first cohort period to tabulate: lo, unless the rows from lo to hi
// (one per period with an acquisition, hi - first + 1 cells each) would exceed MaxCohortCells,
// in which case the oldest rows are dropped until the rest fit.
func (a *Activity) cohortCutoff(p Period, lo, hi int32) int32 {
	var firsts []int32
	for i := range a.logs {
		if c := &a.logs[i]; c.orders > 0 {
			firsts = append(firsts, periodOf(p, dayOf(c.first.sec)))
		}
	}
	slices.Sort(firsts)
	firsts = slices.Compact(firsts)
	cells := 0
	for k := len(firsts) - 1; k >= 0; k-- {
		cells += int(hi-firsts[k]) + 1
		if cells > MaxCohortCells {
			if k+1 < len(firsts) {
				return firsts[k+1]
			}
			return hi + 1 // not even the latest row fits: no rows (cannot happen for one row)
		}
	}
	return lo
}

// Retention returns Active[c][o] / Sizes[c], the share of cohort c active o periods after
// acquisition; 0 beyond the table.
func (t *Cohorts) Retention(c, o int) float64 {
	if c < 0 || c >= len(t.Sizes) || o < 0 || o >= len(t.Active[c]) {
		return 0
	}
	return float64(t.Active[c][o]) / float64(t.Sizes[c])
}

// RepeatRate returns Repeaters[c] / Sizes[c], the share of cohort c that ordered twice or more.
func (t *Cohorts) RepeatRate(c int) float64 {
	return float64(t.Repeaters[c]) / float64(t.Sizes[c])
}

// Value returns cohort c's cumulative net revenue per acquired customer up to and including
// period o: sum_{o' <= o} Revenue[c][o'] / Sizes[c] (the cohort's realised customer value at
// age o). Beyond the table it is the value at the last period.
func (t *Cohorts) Value(c, o int) float64 {
	var s float64
	for i := 0; i <= o && i < len(t.Revenue[c]); i++ {
		s += t.Revenue[c][i]
	}
	return s / float64(t.Sizes[c])
}

// CohortValue selects what WriteCSV writes in each cell.
type CohortValue uint8

const (
	// CellRetention (the default) writes Retention(c, o).
	CellRetention CohortValue = iota
	// CellActive writes Active[c][o].
	CellActive
	// CellRevenue writes Revenue[c][o].
	CellRevenue
	// CellValue writes Value(c, o).
	CellValue
)

// Label returns cohort c's name: "2025-03" for a month, "2025-03-10" (its Monday) for a week.
func (t *Cohorts) Label(c int) string {
	if t.Period == Week {
		return t.Starts[c].Format(time.DateOnly)
	}
	return t.Starts[c].Format("2006-01")
}

// WriteCSV writes the table as CSV: a header `cohort,customers,repeat_rate,0,1,...` and one
// row per cohort with the chosen value per period (empty cells past the triangle's edge).
func (t *Cohorts) WriteCSV(w io.Writer, v CohortValue) error {
	cw := csv.NewWriter(w)
	width := 0
	for _, row := range t.Active {
		width = max(width, len(row))
	}
	header := []string{"cohort", "customers", "repeat_rate"}
	for o := range width {
		header = append(header, strconv.Itoa(o))
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("segment: cohorts CSV: %w", err)
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
	for c := range t.Sizes {
		rec := []string{t.Label(c), strconv.Itoa(t.Sizes[c]), f(t.RepeatRate(c))}
		for o := range width {
			if o >= len(t.Active[c]) {
				rec = append(rec, "")
				continue
			}
			switch v {
			case CellActive:
				rec = append(rec, strconv.Itoa(t.Active[c][o]))
			case CellRevenue:
				rec = append(rec, f(t.Revenue[c][o]))
			case CellValue:
				rec = append(rec, f(t.Value(c, o)))
			default:
				rec = append(rec, f(t.Retention(c, o)))
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("segment: cohorts CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("segment: cohorts CSV: %w", err)
	}
	return nil
}

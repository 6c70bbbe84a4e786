package metrics

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/tailorkit/tailor/internal/textio"
	"github.com/tailorkit/tailor/profile"
)

// ComparisonColumns returns the figures Compare shows by default, those a with/without
// personalization test moves: CTR, conversion per session, average order value and repeat
// purchases. The slice is a fresh copy.
func ComparisonColumns() []string {
	return []string{"CTR", "SessionConversion", "AOV", "RepeatPurchase"}
}

// Change is one KPI compared between a base group (period, variant) and a test group.
type Change struct {
	// KPI is the KPIs field name; Label its display name.
	KPI   string `json:"kpi"`
	Label string `json:"label"`
	// Base and Test are the figures as a Markdown table shows them.
	Base string `json:"base"`
	Test string `json:"test"`
	// Lift is the relative change in percent, with an interval for rates (Katz log interval)
	// and estimates (delta method on the log scale); counts and sums get no interval.
	Lift Lift `json:"lift"`
}

// Comparison is a with/without or period-over-period table.
type Comparison struct {
	// BaseName and TestName label the two groups ("control", "treatment").
	BaseName string `json:"base_name"`
	TestName string `json:"test_name"`
	// Changes holds one entry per compared KPI, in the order asked for.
	Changes []Change `json:"changes"`
}

// Compare compares the KPIs of two independent groups (two periods, two variants, with and
// without personalization). cols are KPIs field names; none means ComparisonColumns. An unknown
// name, or a cfg that fails Validate, is an error wrapping ErrConfig. The groups must not share
// visitors for the intervals to hold: compare periods or randomized variants, not overlapping
// segments.
func Compare(baseName string, base KPIs, testName string, test KPIs, cfg IntervalConfig, cols ...string) (Comparison, error) {
	if err := cfg.Validate(); err != nil {
		return Comparison{}, err
	}
	if len(cols) == 0 {
		cols = ComparisonColumns()
	}
	cs, err := lookup(cols)
	if err != nil {
		return Comparison{}, err
	}
	out := Comparison{BaseName: baseName, TestName: testName}
	for i, c := range cs {
		ch := Change{KPI: cols[i], Label: c.header, Base: mdCell(c, &base, cfg), Test: mdCell(c, &test, cfg)}
		switch {
		case c.rate != nil:
			ch.Lift = RateLift(c.rate(&base), c.rate(&test), cfg)
		case c.est != nil:
			ch.Lift = EstimateLift(c.est(&base), c.est(&test), cfg)
		case c.count != nil:
			ch.Lift = plainLift(float64(c.count(&base)), float64(c.count(&test)))
		case c.money != nil:
			ch.Lift = plainLift(c.money(&base), c.money(&test))
		}
		out.Changes = append(out.Changes, ch)
	}
	return out, nil
}

func plainLift(base, test float64) Lift {
	if base == 0 {
		return Lift{}
	}
	return Lift{Percent: 100 * (test/base - 1), Valid: true}.finite()
}

// WriteMarkdown writes the comparison as a Markdown table with the lift in percent and its
// interval.
func (c Comparison) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| KPI | %s | %s | lift |\n|---|---:|---:|---:|\n", mdEscape(c.BaseName), mdEscape(c.TestName))
	for _, ch := range c.Changes {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", ch.Label, ch.Base, ch.Test, ch.Lift)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes the comparison as CSV: kpi, base, test, lift_percent, lift_lo, lift_hi
// (empty cells where undefined). It is meant for spreadsheets: the group names, which come
// from the caller's data, are neutralised with textio.EscapeCell (OWASP's rule: a leading =,
// +, -, @, tab or carriage return gets a single quote before it); the figures are written as
// formatted.
func (c Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kpi", textio.EscapeCell(c.BaseName), textio.EscapeCell(c.TestName), "lift_percent", "lift_lo", "lift_hi"})
	for _, ch := range c.Changes {
		rec := []string{ch.KPI, ch.Base, ch.Test, "", "", ""}
		if ch.Lift.Valid {
			rec[3] = num(ch.Lift.Percent)
			if ch.Lift.HasInterval {
				rec[4], rec[5] = num(ch.Lift.Interval.Lower), num(ch.Lift.Interval.Upper)
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// Between yields the events of seq that fall in p, for period-over-period reports: accumulate
// Between(events, last) and Between(events, this) separately and Compare their totals.
func Between(seq iter.Seq[profile.Event], p Period) iter.Seq[profile.Event] {
	lo, hi := p.bounds()
	return func(yield func(profile.Event) bool) {
		for e := range seq {
			if t := clampNano(e.Time); t >= lo && t < hi && !yield(e) {
				return
			}
		}
	}
}

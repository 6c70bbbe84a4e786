package metrics

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestCompareHandWorked: CTR 50/1000 vs 60/1000 is +20% with the Katz interval of
// testdata/intervals.json's first lift case; AOV 50 ± 2 vs 55 ± 3 is +10% (see
// TestEstimateLiftHandWorked); orders 10 → 15 is +50% without an interval.
func TestCompareHandWorked(t *testing.T) {
	base := KPIs{CTR: NewRate(50, 1000), AOV: Estimate{Value: 50, SE: 2, Valid: true}, Orders: 10}
	test := KPIs{CTR: NewRate(60, 1000), AOV: Estimate{Value: 55, SE: 3, Valid: true}, Orders: 15}
	c, err := Compare("without", base, "with", test, IntervalConfig{}, "CTR", "AOV", "Orders", "RepeatPurchase")
	if err != nil {
		t.Fatal(err)
	}
	o := loadIntervalOracle(t).Lifts[0]
	l := c.Changes[0].Lift
	if !close(l.Percent, 20, 1e-9) || !close(l.Interval.Lower, o.Lo, 1e-9) || !close(l.Interval.Upper, o.Hi, 1e-9) {
		t.Errorf("CTR lift %+v, want %+v", l, o)
	}
	if l := c.Changes[1].Lift; !close(l.Percent, 10, 1e-9) || !l.HasInterval {
		t.Errorf("AOV lift %+v", l)
	}
	if l := c.Changes[2].Lift; !close(l.Percent, 50, 1e-12) || l.HasInterval {
		t.Errorf("orders lift %+v", l)
	}
	if l := c.Changes[3].Lift; l.Valid {
		t.Errorf("repeat purchase of 0/0 gives lift %+v", l)
	}
	var md, csvOut strings.Builder
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteCSV(&csvOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| CTR | 5.0% [") || !strings.Contains(md.String(), "| +20.0% [") ||
		!strings.Contains(md.String(), "| repeat purchase | n/a | n/a | n/a |") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if !strings.HasPrefix(csvOut.String(), "kpi,without,with,lift_percent,lift_lo,lift_hi\nCTR,") {
		t.Errorf("csv:\n%s", csvOut.String())
	}
	if _, err := Compare("a", base, "b", test, IntervalConfig{}, "Nope"); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown column: %v", err)
	}
}

// TestPeriodOverPeriod: Between splits the hand-worked events at noon; the two halves' totals
// add up to the whole.
func TestPeriodOverPeriod(t *testing.T) {
	ev := handEvents()
	noon := at(12, 0, 0)
	am := accumulate(t, Config{}, slices.Collect(Between(slices.Values(ev), Period{To: noon})))
	pm := accumulate(t, Config{}, slices.Collect(Between(slices.Values(ev), Period{From: noon})))
	if am.Events()+pm.Events() != int64(len(ev)) || am.Events() != 11 {
		t.Fatalf("split %d + %d of %d", am.Events(), pm.Events(), len(ev))
	}
	c, err := Compare("morning", am.Report(Overall()).Total.KPIs, "afternoon", pm.Report(Overall()).Total.KPIs, IntervalConfig{}, "Sessions", "Revenue")
	if err != nil {
		t.Fatal(err)
	}
	// morning: a1, a2, b1, b2 (4 sessions, revenue 30); afternoon: c1, c2 (2 sessions, 110).
	if c.Changes[0].Base != "4" || c.Changes[0].Test != "2" || !close(c.Changes[0].Lift.Percent, -50, 1e-12) ||
		c.Changes[1].Base != "30.00" || !close(c.Changes[1].Lift.Percent, 100*(110.0/30-1), 1e-12) {
		t.Errorf("%+v", c)
	}
}

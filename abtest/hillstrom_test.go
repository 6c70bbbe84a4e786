package abtest

import (
	"math"
	"strconv"
	"testing"

	"github.com/tailorkit/tailor/internal/sharedtest"
	"github.com/tailorkit/tailor/internal/textio"
)

// hillstromRow is one customer of ../shared/data/hillstrom/hillstrom.csv.
type hillstromRow struct {
	recency                  int
	historySegment           string
	history, mens, womens    float64
	zip, newbie, channel     string
	arm                      string
	visit, conversion, spend float64
}

// readHillstrom reads the shared Hillstrom file (skipping the test when it is absent).
func readHillstrom(t testing.TB) []hillstromRow {
	t.Helper()
	f := sharedtest.Open(t, "data/hillstrom/hillstrom.csv")
	var rows []hillstromRow
	header := true
	for rec, err := range textio.CSV(f) {
		if err != nil {
			t.Fatal(err)
		}
		if header {
			header = false
			continue
		}
		x := rec.Fields
		num := func(i int) float64 {
			v, err := strconv.ParseFloat(x[i], 64)
			if err != nil {
				t.Fatalf("line %d: %v", rec.Line, err)
			}
			return v
		}
		rows = append(rows, hillstromRow{recency: int(num(0)), historySegment: x[1], history: num(2), mens: num(3),
			womens: num(4), zip: x[5], newbie: x[6], channel: x[7], arm: x[8], visit: num(9), conversion: num(10), spend: num(11)})
	}
	if len(rows) != 64000 {
		t.Fatalf("read %d Hillstrom rows; want 64000", len(rows))
	}
	return rows
}

// recencyBucket is the script's pd.cut(recency, [0, 3, 6, 9, 12]).
func recencyBucket(months int) string {
	switch {
	case months <= 3:
		return "1-3"
	case months <= 6:
		return "4-6"
	case months <= 9:
		return "7-9"
	}
	return "10-12"
}

// TestHillstromUpliftReadout reproduces the independent pandas/SciPy readout of the Hillstrom
// experiment (hillstromCases) for everyone and by past spend, recency, channel, area and new
// customers: counts exactly, means and uplifts to 1e-12, interval ends to 1e-9 (the t quantile).
func TestHillstromUpliftReadout(t *testing.T) {
	rows := readHillstrom(t)
	segmentOf := map[string]func(hillstromRow) string{
		"":                func(hillstromRow) string { return "" },
		"history_segment": func(r hillstromRow) string { return r.historySegment },
		"recency_bucket":  func(r hillstromRow) string { return recencyBucket(r.recency) },
		"channel":         func(r hillstromRow) string { return r.channel },
		"zip_code":        func(r hillstromRow) string { return r.zip },
		"newbie":          func(r hillstromRow) string { return r.newbie },
	}
	got := map[[4]string]UpliftRow{}
	for by, seg := range segmentOf {
		u, err := NewUplift(UpliftConfig{Control: "No E-Mail", Outcomes: []string{"visit", "conversion", "spend"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if err := u.Add(UpliftObservation{Arm: r.arm, Segment: seg(r), Values: []float64{r.visit, r.conversion, r.spend}}); err != nil {
				t.Fatal(err)
			}
		}
		ro, err := u.Readout()
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range ro.Rows {
			if row.Err != nil {
				t.Errorf("%s %s %s %s: %v", by, row.Segment, row.Treatment, row.Outcome, row.Err)
			}
			got[[4]string{by, row.Segment, row.Treatment, row.Outcome}] = row
		}
	}
	for _, c := range hillstromCases {
		r, ok := got[[4]string{c.by, c.segment, c.arm, c.outcome}]
		if !ok {
			t.Errorf("no row for %v", c)
			continue
		}
		if r.NTreated != c.nTreated || r.NControl != c.nControl ||
			math.Abs(r.MeanTreated-c.meanTreated) > 1e-12 || math.Abs(r.MeanControl-c.meanControl) > 1e-12 ||
			math.Abs(r.Uplift-c.uplift) > 1e-12 || math.Abs(r.Lower-c.lower) > 1e-9 || math.Abs(r.Upper-c.upper) > 1e-9 {
			t.Errorf("%s %s %s %s:\n got %d %d %v %v %v [%v, %v]\nwant %d %d %v %v %v [%v, %v]", c.by, c.segment, c.arm, c.outcome,
				r.NTreated, r.NControl, r.MeanTreated, r.MeanControl, r.Uplift, r.Lower, r.Upper,
				c.nTreated, c.nControl, c.meanTreated, c.meanControl, c.uplift, c.lower, c.upper)
		}
	}
	// The README's published group results: visit 18.28% / 15.14% / 10.62%, conversion 1.25% /
	// 0.88% / 0.57%, spend $1.42 / $1.08 / $0.65, arms 21,307 / 21,387 / 21,306.
	pub := []struct {
		arm, outcome string
		n            int64
		mean, round  float64
	}{
		{"Mens E-Mail", "visit", 21307, 0.1828, 1e4}, {"Womens E-Mail", "visit", 21387, 0.1514, 1e4},
		{"Mens E-Mail", "conversion", 21307, 0.0125, 1e4}, {"Womens E-Mail", "conversion", 21387, 0.0088, 1e4},
		{"Mens E-Mail", "spend", 21307, 1.42, 1e2}, {"Womens E-Mail", "spend", 21387, 1.08, 1e2},
	}
	control := map[string]float64{"visit": 0.1062, "conversion": 0.0057, "spend": 0.65}
	for _, p := range pub {
		r := got[[4]string{"", AllSegment, p.arm, p.outcome}]
		if r.NTreated != p.n || math.Round(r.MeanTreated*p.round)/p.round != p.mean ||
			r.NControl != 21306 || math.Round(r.MeanControl*p.round)/p.round != control[p.outcome] {
			t.Errorf("%s %s: n %d mean %v, control n %d mean %v; published %d %v, 21306 %v", p.arm, p.outcome,
				r.NTreated, r.MeanTreated, r.NControl, r.MeanControl, p.n, p.mean, control[p.outcome])
		}
	}
}

package segment

import (
	"slices"
	"strconv"
)

// RFMRule is one row of a segment table: a customer whose scores lie in all three closed
// ranges [lo, hi] belongs to Segment, or, when Codes is set, one whose code (R, F and M written
// one after the other, "434") is in Codes (the ranges are then ignored).
type RFMRule struct {
	Segment   string   `json:"segment"`
	Recency   [2]int   `json:"recency"`
	Frequency [2]int   `json:"frequency"`
	Monetary  [2]int   `json:"monetary"`
	Codes     []string `json:"codes"`
}

func (r *RFMRule) matches(rs, fs, ms int) bool {
	if len(r.Codes) > 0 {
		return slices.Contains(r.Codes, codeOf(rs, fs, ms))
	}
	in := func(v int, rg [2]int) bool { return rg[0] <= v && v <= rg[1] }
	return in(rs, r.Recency) && in(fs, r.Frequency) && in(ms, r.Monetary)
}

// SegmentTable names RFM cells (a plain value, safe for concurrent reads). Rules are tried in
// order and the first that matches wins;
// a customer no rule matches goes to Other. (PyMC-Marketing lets a later list overwrite an
// earlier one; its default lists do not overlap, so the two orders agree there.)
type SegmentTable struct {
	Name  string    `json:"name"`
	Rules []RFMRule `json:"rules"`
	Other string    `json:"other"`
}

// Lookup returns the segment of the scores (r, f, m).
func (t *SegmentTable) Lookup(r, f, m int) string {
	for i := range t.Rules {
		if t.Rules[i].matches(r, f, m) {
			return t.Rules[i].Segment
		}
	}
	return t.Other
}

// Segments returns the segment names in table order, Other last, without duplicates.
func (t *SegmentTable) Segments() []string {
	var out []string
	for _, r := range t.Rules {
		if !slices.Contains(out, r.Segment) {
			out = append(out, r.Segment)
		}
	}
	if !slices.Contains(out, t.Other) {
		out = append(out, t.Other)
	}
	return out
}

// digitCodes holds "000".."999" so that scoring does not allocate a code per customer.
var digitCodes = func() (t [1000]string) {
	for i := range t {
		t[i] = strconv.Itoa(i/100) + strconv.Itoa(i/10%10) + strconv.Itoa(i%10)
	}
	return t
}()

// codeOf writes the scores one after the other: codeOf(4, 3, 4) = "434".
func codeOf(r, f, m int) string {
	if r >= 0 && r <= 9 && f >= 0 && f <= 9 && m >= 0 && m <= 9 {
		return digitCodes[100*r+10*f+m]
	}
	return strconv.Itoa(r) + strconv.Itoa(f) + strconv.Itoa(m)
}

func rangeRule(name string, r0, r1, f0, f1, m0, m1 int) RFMRule {
	return RFMRule{Segment: name, Recency: [2]int{r0, r1}, Frequency: [2]int{f0, f1}, Monetary: [2]int{m0, m1}}
}

// TableRFM is the default table: the segments of the rfm R package's vignette and tests
// (rsquaredacademy/rfm 0.3.0, tests/testthat/test-rfm-segment.R), for 5 bins. Unmatched:
// "Others". With this order "New Customers", "Promising" and "Can't Lose Them" never win
// (earlier rules cover their cells); the table is kept as published.
func TableRFM() SegmentTable {
	return SegmentTable{Name: "rfm", Other: "Others", Rules: []RFMRule{
		rangeRule("Champions", 4, 5, 4, 5, 4, 5),
		rangeRule("Loyal Customers", 2, 5, 3, 5, 3, 5),
		rangeRule("Potential Loyalist", 3, 5, 1, 3, 1, 3),
		rangeRule("New Customers", 4, 5, 1, 1, 1, 1),
		rangeRule("Promising", 3, 4, 1, 1, 1, 1),
		rangeRule("Need Attention", 2, 3, 2, 3, 2, 3),
		rangeRule("About To Sleep", 2, 3, 1, 2, 1, 2),
		rangeRule("At Risk", 1, 2, 2, 5, 2, 5),
		rangeRule("Can't Lose Them", 1, 1, 4, 5, 4, 5),
		rangeRule("Lost", 1, 2, 1, 2, 1, 2),
	}}
}

// TableRFMDocExample is the table of the rfm R package's documentation examples
// (rsquaredacademy/rfm 0.3.0, R/rfm-segment.R, @examples), for 5 bins. Unmatched: "Others".
func TableRFMDocExample() SegmentTable {
	return SegmentTable{Name: "rfm-doc", Other: "Others", Rules: []RFMRule{
		rangeRule("Champions", 5, 5, 5, 5, 5, 5),
		rangeRule("Potential Loyalist", 3, 5, 3, 5, 2, 5),
		rangeRule("Loyal Customers", 2, 4, 2, 4, 2, 4),
		rangeRule("Promising", 3, 4, 1, 3, 3, 5),
		rangeRule("New Customers", 4, 5, 1, 3, 1, 5),
		rangeRule("Can't Lose Them", 1, 2, 3, 4, 4, 5),
		rangeRule("At Risk", 1, 2, 2, 5, 4, 5),
		rangeRule("Need Attention", 1, 3, 3, 5, 3, 5),
		rangeRule("About To Sleep", 2, 3, 1, 3, 1, 4),
		rangeRule("Lost", 1, 1, 1, 5, 1, 5),
	}}
}

// TablePyMC is PyMC-Marketing's default rfm_segments configuration (pymc-labs/pymc-marketing,
// pymc_marketing/clv/utils.py, _default_rfm_segment_config), for quartiles (Bins: 4, Method:
// BinsQcut, values with Basis PerDay). Unmatched: "Other"; 18 of the 64 codes are in no list.
func TablePyMC() SegmentTable {
	return SegmentTable{Name: "pymc", Other: "Other", Rules: []RFMRule{
		{Segment: "Premium Customer", Codes: []string{"334", "443", "444", "344", "434", "433", "343", "333"}},
		{Segment: "Repeat Customer", Codes: []string{"244", "234", "232", "332", "143", "233", "243"}},
		{Segment: "Top Spender", Codes: []string{"424", "414", "144", "314", "324", "124", "224", "423", "413", "133", "323", "313", "134"}},
		{Segment: "At Risk Customer", Codes: []string{"422", "223", "212", "122", "222", "132", "322", "312", "412", "123", "214"}},
		{Segment: "Inactive Customer", Codes: []string{"411", "111", "113", "114", "112", "211", "311"}},
	}}
}

// SegmentSummary is one segment's share of the customer base.
type SegmentSummary struct {
	Segment   string  `json:"segment"`
	Customers int     `json:"customers"`
	Orders    int     `json:"orders"`
	Revenue   float64 `json:"revenue"`
	// CustomerShare, OrderShare and RevenueShare are fractions of the totals (0 when the
	// total is 0).
	CustomerShare float64 `json:"customer_share"`
	OrderShare    float64 `json:"order_share"`
	RevenueShare  float64 `json:"revenue_share"`
	// AOV is Revenue / Orders, the average order value (0 without orders).
	AOV float64 `json:"aov"`
}

// Summary adds up scored customers per segment: customers, orders and revenue (the rfm
// package's rfm_segment_summary) and their shares. Segments come in table order with Other
// last; segments nobody is in are left out, and segments not in the table (a scored slice from
// another table) follow in order of first appearance.
func (m *RFM) Summary(scored []ScoredRFM) []SegmentSummary {
	order := m.Table.Segments()
	pos := make(map[string]int, len(order))
	sums := make([]SegmentSummary, len(order))
	for i, s := range order {
		pos[s] = i
		sums[i].Segment = s
	}
	var total SegmentSummary
	for _, s := range scored {
		i, ok := pos[s.Segment]
		if !ok {
			i = len(sums)
			pos[s.Segment] = i
			sums = append(sums, SegmentSummary{Segment: s.Segment})
		}
		sums[i].Customers++
		sums[i].Orders += s.Orders
		sums[i].Revenue += s.Revenue
		total.Customers++
		total.Orders += s.Orders
		total.Revenue += s.Revenue
	}
	out := sums[:0]
	for _, s := range sums {
		if s.Customers == 0 {
			continue
		}
		s.CustomerShare = ratio(float64(s.Customers), float64(total.Customers))
		s.OrderShare = ratio(float64(s.Orders), float64(total.Orders))
		s.RevenueShare = ratio(s.Revenue, total.Revenue)
		s.AOV = ratio(s.Revenue, float64(s.Orders))
		out = append(out, s)
	}
	return out
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

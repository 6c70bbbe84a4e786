package segment_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/segment"
)

// A marketer's rule, stored as text, checked against the attributes the shop has.
func ExampleParseRule() {
	schema := segment.DefaultSchema()
	schema["age"] = segment.KindNumber
	rule, err := segment.ParseRule(`region in ("EU", "UK") and orders >= 3 and not age < 25`, schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &segment.Customer{ID: "c1"}
	c.SetString("region", "UK").SetNumber("orders", 4).SetNumber("age", 41)
	fmt.Println(rule.Match(c))

	_, err = segment.ParseRule(`region = "EU" and orders >= "3"`, schema)
	fmt.Println(err)
	// Output:
	// true
	// segment: rule 1:29: "orders" is a number, compared with string "3"
}

// Segments built in Go print as rules; FirstMatch composes them with a catch-all.
func ExampleFirstMatch() {
	vip := segment.Rule{Name: "VIP", When: segment.And(segment.Number("revenue").Ge(1000), segment.String("lifecycle").Eq("active"))}
	fans := segment.Rule{Name: "Shoe fans", When: segment.Set("interests").HasAny("shoes", "sneakers")}
	segs := segment.FirstMatch{vip, fans, segment.Fallback("Everyone else")}

	c := &segment.Customer{ID: "c2"}
	c.SetNumber("revenue", 300).SetString("lifecycle", "active").SetSet("interests", "sneakers")
	name, _ := segs.Assign(c)
	fmt.Println(name)
	fmt.Println(vip.When)
	// Output:
	// Shoe fans
	// revenue >= 1000 and lifecycle = "active"
}

// RFM from orders with the rfm R package's conventions, then a summary per segment.
func ExampleFitRFM() {
	at := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	// The reference time: recency is counted in days up to it, later orders are left out.
	act, err := segment.NewActivity(segment.ActivityConfig{Now: at("2025-07-01")})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, o := range []struct {
		who, when string
		amount    float64
	}{
		{"ann", "2025-06-01", 120}, {"ann", "2025-06-20", 80}, {"bob", "2025-01-10", 30},
		{"cyd", "2025-05-05", 60}, {"cyd", "2025-06-25", 90}, {"cyd", "2025-06-28", 40},
		{"dee", "2025-03-01", 20}, {"eve", "2025-06-29", 300},
	} {
		_ = act.Add(profile.Order{ID: fmt.Sprint(i), CustomerID: o.who, Time: at(o.when),
			Lines: []profile.Line{{Quantity: 1, UnitPrice: o.amount}}})
	}
	// Worked by hand: recency (2, 3, 11, 122, 172) has cuts 3.8, 8.8, 56.4, 133 (type-7
	// quantiles + 1), so 2 and 3 score 5 and 172 scores 1; frequency (1, 1, 1, 2, 3) has cuts
	// 2, 2, 2.4, 3.2, so 1 -> 1, 2 -> 3 (two bins are empty), 3 -> 4; monetary
	// (20, 30, 190, 200, 300) has cuts 29, 127, 195, 221.
	values, err := act.RFM(segment.RFMValuesConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	model, err := segment.FitRFM(values, segment.RFMConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range model.ScoreAll(values) {
		fmt.Printf("%s recency %3.0f orders %.0f revenue %3.0f -> %s %s\n", s.ID, s.Recency, s.Frequency, s.Monetary, s.Code, s.Segment)
	}
	// Output:
	// ann recency  11 orders 2 revenue 200 -> 334 Loyal Customers
	// bob recency 172 orders 1 revenue  30 -> 112 Lost
	// cyd recency   3 orders 3 revenue 190 -> 543 Loyal Customers
	// dee recency 122 orders 1 revenue  20 -> 211 About To Sleep
	// eve recency   2 orders 1 revenue 300 -> 515 Others
}

// k-means on two obvious groups. Inertia by hand: around (7/6, 1.5) the first group adds
// 1/6 + 1/2, around (8.5, 8.5) the second adds 1/2 + 1/2: 5/3.
func ExampleFitKMeans() {
	p, _ := segment.PointsFromRows([][]float64{{1, 1}, {1.5, 2}, {1, 1.5}, {8, 8}, {9, 8.5}, {8.5, 9}})
	m, err := segment.FitKMeans(context.Background(), p, segment.KMeansConfig{K: 2, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Labels[0] == m.Labels[1], m.Labels[0] == m.Labels[3], m.Sizes)
	fmt.Printf("inertia %.3f\n", m.Inertia)
	// Output:
	// true false [3 3]
	// inertia 1.667
}

// Monthly acquisition cohorts as CSV.
func ExampleCohorts_WriteCSV() {
	at := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	var act segment.Activity
	for i, o := range []struct{ who, when string }{
		{"a", "2025-01-03"}, {"b", "2025-01-20"}, {"a", "2025-02-11"}, {"c", "2025-02-02"},
		{"b", "2025-03-05"}, {"c", "2025-03-09"}, {"a", "2025-03-30"},
	} {
		_ = act.Add(profile.Order{ID: fmt.Sprint(i), CustomerID: o.who, Time: at(o.when),
			Lines: []profile.Line{{Quantity: 1, UnitPrice: 10}}})
	}
	cohorts, err := act.Cohorts(segment.CohortConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = cohorts.WriteCSV(os.Stdout, segment.CellRetention)
	// Output:
	// cohort,customers,repeat_rate,0,1,2
	// 2025-01,2,1,1,0.5,1
	// 2025-02,1,1,1,1,
}

// An Activity fed from a file reader: SkipBad turns the reader's iter.Seq2 into the iter.Seq that
// AddAll takes, counting bad rows instead of dropping them unseen. The reference time leaves the
// order after it out. By hand: ann's last order (2011-01-05 12:00) is 5.5 days before Now, bob's
// (2011-01-09 00:00) 2 days; the row with quantity "x" is bad; cyd's order is after Now.
func ExampleActivity_AddAll() {
	file := `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,MUG,2,2011-01-02 10:00:00,2.50,ann,United Kingdom
536366,71053,LANTERN,1,2011-01-05 12:00:00,3.40,ann,United Kingdom
536367,84406B,CUSHION,x,2011-01-06 09:00:00,2.75,bob,France
536368,22633,HAND WARMER,4,2011-01-09 00:00:00,1.85,bob,France
536369,22632,HAND WARMER,1,2011-01-12 08:00:00,1.85,cyd,France
`
	act, err := segment.NewActivity(segment.ActivityConfig{Now: time.Date(2011, 1, 11, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	var rep profile.ReadReport
	if err := act.AddAll(profile.SkipBad(profile.ReadOnlineRetail(strings.NewReader(file)), &rep)); err != nil {
		fmt.Println(err)
		return
	}
	if rep.Err != nil {
		fmt.Println(rep.Err) // a wrong header or an I/O error
		return
	}
	values, err := act.RFM(segment.RFMValuesConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows, %d bad; %d order after Now\n", rep.Rows, rep.Bad, act.Future)
	for _, v := range values {
		fmt.Printf("%s: recency %.1f days, %.0f orders, revenue %.2f\n", v.ID, v.Recency, v.Frequency, v.Monetary)
	}
	// Output:
	// 4 rows, 1 bad; 1 order after Now
	// ann: recency 5.5 days, 2 orders, revenue 8.40
	// bob: recency 2.0 days, 1 orders, revenue 7.40
}

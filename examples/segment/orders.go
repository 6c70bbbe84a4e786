package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/tailorkit/tailor/internal/cli"
	"github.com/tailorkit/tailor/internal/shopsim"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/segment"
)

// report is everything orders mode prints; it is also the -json output.
type report struct {
	Mode        string         `json:"mode"`
	Source      string         `json:"source"`
	Customers   int            `json:"customers"`
	Orders      int            `json:"orders"`
	GuestOrders int            `json:"guest_orders"`
	Returns     int            `json:"returns"`
	BadRows     int            `json:"bad_rows"`
	Future      int            `json:"future_orders"`
	Now         string         `json:"now"`
	RFM         rfmReport      `json:"rfm"`
	Cohorts     cohortReport   `json:"cohorts"`
	Lifecycle   map[string]int `json:"lifecycle"`
	NewVsRet    []monthReport  `json:"new_vs_returning"`
	Repeat      repeatReport   `json:"repeat"`
	Advocates   []advReport    `json:"advocates"`
	KMeans      kmReport       `json:"kmeans"`
	Segments    []countReport  `json:"segments,omitempty"`
	Rule        *countReport   `json:"rule,omitempty"`
}

type rfmReport struct {
	Table    string       `json:"table"`
	Segments []segmentRow `json:"segments"`
}

// segmentRow is a segment.SegmentSummary with the JSON keys the program documents.
type segmentRow struct {
	Segment       string  `json:"segment"`
	Customers     int     `json:"customers"`
	Orders        int     `json:"orders"`
	Revenue       float64 `json:"revenue"`
	CustomerShare float64 `json:"customer_share"`
	OrderShare    float64 `json:"order_share"`
	RevenueShare  float64 `json:"revenue_share"`
	AOV           float64 `json:"aov"`
}

type cohortReport struct {
	Period  string      `json:"period"`
	Cohorts []cohortRow `json:"cohorts"`
}

type cohortRow struct {
	Cohort     string    `json:"cohort"`
	Customers  int       `json:"customers"`
	RepeatRate float64   `json:"repeat_rate"`
	Retention  []float64 `json:"retention"`
}

type monthReport struct {
	Month     string `json:"month"`
	New       int    `json:"new"`
	Returning int    `json:"returning"`
}

type repeatReport struct {
	Customers  int     `json:"customers"`
	Repeaters  int     `json:"repeaters"`
	Share      float64 `json:"share"`
	MedianDays float64 `json:"median_days_to_return"`
	MeanDays   float64 `json:"mean_days_to_return"`
}

type advReport struct {
	ID      string  `json:"id"`
	Revenue float64 `json:"revenue"`
	Orders  int     `json:"orders"`
	Rank    int     `json:"rank"`
}

type kmReport struct {
	Skipped    string      `json:"skipped,omitempty"` // why there is no clustering (too few distinct customers)
	K          int         `json:"k"`
	Inertia    float64     `json:"inertia"`
	Iterations int         `json:"iterations"`
	Clusters   []kmCluster `json:"clusters"`
}

type kmCluster struct {
	Size        int     `json:"size"`
	RecencyDays float64 `json:"recency_days"`
	Orders      float64 `json:"orders"`
	Revenue     float64 `json:"revenue"`
}

type countReport struct {
	Name      string `json:"name,omitempty"`
	Text      string `json:"text"`
	Customers int    `json:"customers"`
}

func runOrders(o options, stdin io.Reader, stdout, stderr io.Writer) error {
	rep := report{Mode: "orders", Source: o.orders}
	act, shop, lc, err := readOrders(o, stdin, stderr, &rep)
	if err != nil {
		return err
	}
	if err := addRFM(o, act, &rep); err != nil {
		return err
	}
	if err := addCohorts(o, act, &rep); err != nil {
		return err
	}

	// Lifecycle, new vs returning, repeat, advocates.
	customers, err := act.Customers(lc) // customers with an order (not those with only returns)
	if err != nil {
		return err
	}
	stages, err := act.Lifecycle(lc)
	if err != nil {
		return err
	}
	rep.Customers = len(customers)
	rep.Lifecycle = map[string]int{}
	for st, n := range segment.StageCounts(stages) {
		rep.Lifecycle[string(st)] = n
	}
	rep.Now = act.Now().Format(time.DateOnly)
	for _, m := range act.NewVsReturning() {
		rep.NewVsRet = append(rep.NewVsRet, monthReport{Month: m.Month.Format("2006-01"), New: m.New, Returning: m.Returning})
	}
	rs := act.Repeat()
	rep.Repeat = repeatReport{rs.Customers, rs.Repeaters, rs.Share, rs.MedianDaysToReturn, rs.MeanDaysToReturn}
	advocates, err := act.Advocates(segment.AdvocateConfig{})
	if err != nil {
		return err
	}
	for _, a := range advocates {
		rep.Advocates = append(rep.Advocates, advReport{a.ID, a.Revenue, a.Orders, a.Rank})
	}

	// k-means on (recency, orders, revenue), log1p and z-scored.
	if err := clusterCustomers(context.Background(), o, customers, &rep, stderr); err != nil {
		return err
	}
	if err := addRules(o, shop, customers, &rep); err != nil {
		return err
	}
	if o.json {
		return writeJSON(stdout, rep)
	}
	printReport(stdout, &rep)
	return nil
}

// readOrders builds the Activity from the order file, or from the synthetic shop (returned, for
// its CRM attributes) when no file is given, and the lifecycle configuration: -now, and for
// the shop per-category windows. A bad row of a file is counted and the first few are shown.
func readOrders(o options, stdin io.Reader, stderr io.Writer, rep *report) (*segment.Activity, *shopsim.Shop, segment.LifecycleConfig, error) {
	var now time.Time
	if o.now != "" {
		var err error
		if now, err = time.Parse(time.DateOnly, o.now); err != nil {
			return nil, nil, segment.LifecycleConfig{}, fmt.Errorf("-now %q: want YYYY-MM-DD", o.now)
		}
	}
	act, err := segment.NewActivity(segment.ActivityConfig{Now: now})
	if err != nil {
		return nil, nil, segment.LifecycleConfig{}, err
	}
	var lc segment.LifecycleConfig
	var shop *shopsim.Shop
	add := func(ord profile.Order) error {
		if err := act.Add(ord); err != nil {
			return err
		}
		if !ord.IsReturn() && ord.CustomerID != "" {
			rep.Orders++
		}
		return nil
	}
	if o.orders == "" {
		shop = shopsim.New(shopsim.Config{})
		rep.Mode = "shop"
		rep.Source = fmt.Sprintf("shopsim (%d simulated shoppers, %d days)", shop.Config().Customers, shop.Config().Days)
		for ord := range shop.Orders() {
			if err := add(ord); err != nil {
				return nil, nil, lc, err
			}
		}
		// Per-category activity windows: twice each category's typical purchase cycle.
		lc.Windows = map[string]time.Duration{}
		for cat, days := range shopsim.CycleDays() {
			lc.Windows[cat] = time.Duration(2*days*24) * time.Hour
		}
	} else {
		seq, format, done, err := cli.ReadOrders(o.orders, o.format, stdin)
		if err != nil {
			return nil, nil, lc, err
		}
		defer done()
		o.format = format
		for ord, err := range seq {
			if err == nil {
				err = add(ord)
			}
			if err != nil {
				if rep.BadRows < 3 {
					fmt.Fprintf(stderr, "segment: skipping: %v\n", err)
				}
				rep.BadRows++
			}
		}
	}
	if act.Len() == 0 {
		hint := ""
		if rep.BadRows > 0 {
			var others []string
			for _, f := range []string{profile.FormatOnlineRetail, profile.FormatCDNOW, profile.FormatTailor} {
				if f != o.format {
					others = append(others, "-format "+f)
				}
			}
			hint = fmt.Sprintf("; it was read as -format %s: is it in %s?", o.format, strings.Join(others, " or "))
		}
		return nil, nil, lc, fmt.Errorf("%s: no customer orders (%d bad rows, %d guest orders)%s", rep.Source, rep.BadRows, act.GuestOrders, hint)
	}
	rep.GuestOrders, rep.Returns, rep.Future = act.GuestOrders, act.Returns, act.Future
	return act, shop, lc, nil
}

// addRFM fits RFM with the table -table names (pymc: quartiles by qcut, per-day values).
func addRFM(o options, act *segment.Activity, rep *report) error {
	table := segment.TableRFM()
	rcfg := segment.RFMConfig{Table: &table}
	var vcfg segment.RFMValuesConfig
	switch o.table {
	case "rfm-doc":
		table = segment.TableRFMDocExample()
	case "pymc":
		table = segment.TablePyMC()
		rcfg.Bins, rcfg.Method, vcfg.Basis = 4, segment.BinsQcut, segment.PerDay
	}
	values, err := act.RFM(vcfg)
	if err != nil {
		return err
	}
	model, err := segment.FitRFM(values, rcfg)
	if err != nil {
		return err
	}
	rep.RFM.Table = table.Name
	for _, s := range model.Summary(model.ScoreAll(values)) {
		rep.RFM.Segments = append(rep.RFM.Segments, segmentRow(s))
	}
	return nil
}

// addCohorts adds the retention triangle by -period.
func addCohorts(o options, act *segment.Activity, rep *report) error {
	period := segment.Month
	if o.period == "week" {
		period = segment.Week
	}
	coh, err := act.Cohorts(segment.CohortConfig{Period: period})
	if err != nil {
		return err
	}
	rep.Cohorts.Period = period.String()
	for c := range coh.Sizes {
		row := cohortRow{Cohort: coh.Label(c), Customers: coh.Sizes[c], RepeatRate: coh.RepeatRate(c)}
		for off := range coh.Active[c] {
			row.Retention = append(row.Retention, coh.Retention(c, off))
		}
		rep.Cohorts.Cohorts = append(rep.Cohorts.Cohorts, row)
	}
	return nil
}

// addRules counts the -rule segment and, for the synthetic shop, a few rule segments over its
// CRM attributes (age, region, interests) joined to the order attributes.
func addRules(o options, shop *shopsim.Shop, customers []segment.Customer, rep *report) error {
	schema := segment.DefaultSchema()
	if shop != nil {
		schema["age"] = segment.KindNumber
		schema["interests"] = segment.KindSet
		crm := map[string]shopsim.Customer{}
		for _, c := range shop.Customers() {
			crm[c.ID] = c
		}
		for i := range customers {
			c := &customers[i]
			if p, ok := crm[c.ID]; ok {
				c.SetNumber("age", float64(p.Age)).SetString(segment.AttrRegion, p.Region).SetSet("interests", p.Interests...)
			}
		}
		for _, s := range []struct{ name, text string }{
			{"Young EU actives", `age < 30 and region in ("DE", "FR", "NL", "ES", "IT", "SE") and lifecycle in ("new", "active")`},
			{"UK loyal", `region = "UK" and orders >= 5`},
			{"Lapsed pet owners", `interests has "pets" and lifecycle = "lapsed"`},
			{"Big spenders at risk", `revenue >= 300 and (lifecycle = "lapsed" or lifecycle = "churned")`},
		} {
			n, err := countRule(s.text, schema, customers)
			if err != nil {
				return err
			}
			rep.Segments = append(rep.Segments, countReport{Name: s.name, Text: s.text, Customers: n})
		}
	}
	if o.rule != "" {
		n, err := countRule(o.rule, schema, customers)
		if err != nil {
			return err
		}
		rep.Rule = &countReport{Text: o.rule, Customers: n}
	}
	return nil
}

func countRule(text string, schema segment.Schema, customers []segment.Customer) (int, error) {
	p, err := segment.ParseRule(text, schema)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range customers {
		if p.Match(&customers[i]) {
			n++
		}
	}
	return n, nil
}

func clusterCustomers(ctx context.Context, o options, customers []segment.Customer, rep *report, stderr io.Writer) error {
	features := []string{segment.AttrRecencyDays, segment.AttrOrders, segment.AttrRevenue}
	k := o.k
	if k == 0 {
		k = 5
	}
	raw := segment.Points{Dim: len(features), Data: make([]float64, 0, len(customers)*len(features))}
	for i := range customers {
		for _, f := range features {
			v, _ := customers[i].Number(f)
			raw.Data = append(raw.Data, math.Max(v, 0)) // net revenue can be negative
		}
	}
	if raw.Len() < k {
		k = raw.Len()
	}
	scaler, err := segment.FitScaler(raw, segment.ScalerConfig{Log1p: true})
	if err != nil {
		return err
	}
	m, err := segment.FitKMeans(ctx, scaler.TransformPoints(raw), segment.KMeansConfig{K: k, Restarts: o.restarts, Seed: o.seed,
		Progress: cli.Progress(stderr, "k-means restart")})
	if errors.Is(err, segment.ErrTooFewPoints) {
		rep.KMeans = kmReport{Skipped: err.Error()}
		return nil
	}
	if err != nil {
		return fmt.Errorf("k-means on customers: %w", err)
	}
	rep.KMeans = kmReport{K: k, Inertia: m.Inertia, Iterations: m.Iterations, Clusters: make([]kmCluster, k)}
	for i, l := range m.Labels {
		c := &rep.KMeans.Clusters[l]
		c.Size++
		row := raw.Row(i)
		c.RecencyDays += row[0]
		c.Orders += row[1]
		c.Revenue += row[2]
	}
	for j := range rep.KMeans.Clusters {
		c := &rep.KMeans.Clusters[j]
		if c.Size > 0 {
			c.RecencyDays /= float64(c.Size)
			c.Orders /= float64(c.Size)
			c.Revenue /= float64(c.Size)
		}
	}
	return nil
}

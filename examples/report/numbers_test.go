package main

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/tailorkit/tailor/abtest"
	"github.com/tailorkit/tailor/examples/report/render"
	"github.com/tailorkit/tailor/metrics"
	"github.com/tailorkit/tailor/profile"
	"github.com/tailorkit/tailor/profile/clv"
	"github.com/tailorkit/tailor/recommend"
	"github.com/tailorkit/tailor/recommend/eval"
	"github.com/tailorkit/tailor/segment"
)

// The tests below recompute each chart's numbers with the library, straight from the
// synthetic shop's data, and compare them with the chart's table in the page.

func shopFigures(t *testing.T) (render.Data, map[string]*figure) {
	t.Helper()
	_, page := shopPage(t)
	_, figs := parseFigures(t, page)
	d, err := shopData(testCustomers, 1)
	if err != nil {
		t.Fatal(err)
	}
	return d, figs
}

func TestNumbersCustomers(t *testing.T) {
	d, figs := shopFigures(t)
	ctx := context.Background()
	act, err := segment.CollectActivity(ctx, slices.Values(d.Orders), segment.CollectConfig{Now: d.Now})
	if err != nil {
		t.Fatal(err)
	}

	coh, err := act.Cohorts(segment.CohortConfig{})
	if err != nil {
		t.Fatal(err)
	}
	f := figs["cohort-retention"]
	if len(f.order) != len(coh.Sizes) {
		t.Errorf("cohort table has %d rows, the library %d cohorts", len(f.order), len(coh.Sizes))
	}
	for c := range coh.Sizes {
		exactInt(t, "cohort size "+coh.Label(c), f.cell(t, coh.Label(c), "customers"), int64(coh.Sizes[c]))
		if got := len(f.rows[coh.Label(c)]) - 2; got != len(coh.Active[c]) {
			t.Errorf("cohort %s: %d months in the table, %d in the library", coh.Label(c), got, len(coh.Active[c]))
		}
		for o := range coh.Active[c] {
			approx(t, "retention "+coh.Label(c)+" month "+strconv.Itoa(o), f.cell(t, coh.Label(c), "month "+strconv.Itoa(o)), coh.Retention(c, o))
		}
	}

	values, err := act.RFM(segment.RFMValuesConfig{})
	if err != nil {
		t.Fatal(err)
	}
	model, err := segment.FitRFM(values, segment.RFMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	scored := model.ScoreAll(values)
	f = figs["rfm-segments"]
	for _, s := range model.Summary(scored) {
		exactInt(t, s.Segment+" customers", f.cell(t, s.Segment, "customers"), int64(s.Customers))
		approx(t, s.Segment+" customer share", f.cell(t, s.Segment, "customer share"), s.CustomerShare)
		approx(t, s.Segment+" revenue", f.cell(t, s.Segment, "revenue"), s.Revenue)
		approx(t, s.Segment+" revenue share", f.cell(t, s.Segment, "revenue share"), s.RevenueShare)
	}
	f = figs["rfm-matrix"]
	counts := map[[2]int]int64{}
	for _, s := range scored {
		counts[[2]int{s.R, s.F}]++
	}
	for r := 1; r <= 5; r++ {
		for fr := 1; fr <= 5; fr++ {
			exactInt(t, "R x F cell", f.cell(t, "R="+strconv.Itoa(r), "F="+strconv.Itoa(fr)), counts[[2]int{r, fr}])
		}
	}

	// k-means on log1p, z-scored (recency, orders, revenue), and the PCA of those points.
	var rows [][]float64
	for _, v := range values {
		rows = append(rows, []float64{math.Max(v.Recency, 0), float64(v.Orders), math.Max(v.Revenue, 0)})
	}
	p, err := segment.PointsFromRows(rows)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := segment.FitScaler(p, segment.ScalerConfig{Log1p: true})
	if err != nil {
		t.Fatal(err)
	}
	p = sc.TransformPoints(p)
	km, err := segment.FitKMeans(ctx, p, segment.KMeansConfig{K: 4, Seed: 1, Restarts: 4})
	if err != nil {
		t.Fatal(err)
	}
	x := mat.NewDense(p.Len(), p.Dim, slices.Clone(p.Data))
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		t.Fatal("PCA failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	f = figs["clusters"]
	features := []string{"recency_days", "orders", "revenue"}
	for j := range km.Sizes {
		name := km.Name(j)
		exactInt(t, name+" size", f.cell(t, name, "customers"), int64(km.Sizes[j]))
		centre := km.Centroids.Row(j)
		for i, feat := range features {
			approx(t, name+" centre "+feat, f.cell(t, name, "centre "+feat+" (scaled)"), centre[i])
		}
		for comp := range 2 {
			v := 0.0
			for i := range p.Dim {
				v += (centre[i] - stat.Mean(mat.Col(nil, i, x), nil)) * vecs.At(i, comp)
			}
			approx(t, name+" PC"+strconv.Itoa(comp+1), f.cell(t, name, "centre PC"+strconv.Itoa(comp+1)), v)
		}
	}
}

func TestNumbersKPIs(t *testing.T) {
	d, figs := shopFigures(t)
	acc, err := metrics.NewAccumulator(metrics.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.AddAll(context.Background(), slices.Values(d.Events)); err != nil {
		t.Fatal(err)
	}
	rep := acc.Report(metrics.ByChannel())
	f := figs["channel-kpis"]
	if len(f.order) != len(rep.Rows) {
		t.Errorf("%d channels in the table, %d in the report", len(f.order), len(rep.Rows))
	}
	for _, row := range rep.Rows {
		exactInt(t, row.Key+" sessions", f.cell(t, row.Key, "sessions"), row.Sessions)
		for name, r := range map[string]metrics.Rate{"session conversion": row.SessionConversion, "add-to-cart rate": row.AddToCart} {
			v, _ := r.Value()
			iv, ok := metrics.RateInterval(r, metrics.IntervalConfig{})
			if !ok {
				t.Fatalf("%s %s: no interval", row.Key, name)
			}
			approx(t, row.Key+" "+name, f.cell(t, row.Key, name), v)
			approx(t, row.Key+" "+name+" lower", f.cell(t, row.Key, name+" lower"), iv.Lower)
			approx(t, row.Key+" "+name+" upper", f.cell(t, row.Key, name+" upper"), iv.Upper)
		}
	}

	fun, err := metrics.NewFunnel(metrics.FunnelConfig{Steps: []profile.EventType{profile.View, profile.AddToCart, profile.Checkout, profile.Purchase}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Events {
		fun.Add(&d.Events[i])
	}
	f = figs["funnel"]
	for _, s := range fun.Result().Steps {
		exactInt(t, s.Name+" reached", f.cell(t, s.Name, "people"), s.Reached)
		drop, _ := s.DropOff.Value()
		approx(t, s.Name+" drop-off", f.cell(t, s.Name, "drop-off"), drop)
		start, _ := s.FromStart.Value()
		approx(t, s.Name+" of first step", f.cell(t, s.Name, "of first step"), start)
	}
}

func TestNumbersLifetimeValue(t *testing.T) {
	d, figs := shopFigures(t)
	ctx := context.Background()
	customers, err := clv.Summarize(clv.FromOrders(slices.Values(d.Orders)), clv.SummaryConfig{End: d.Now, Period: clv.Day, Unit: clv.Week})
	if err != nil {
		t.Fatal(err)
	}
	bg, err := clv.FitBGNBD(ctx, customers, clv.FitConfig{})
	if err != nil {
		t.Fatal(err)
	}
	gg, err := clv.FitGammaGamma(ctx, customers, clv.FitConfig{})
	if err != nil {
		t.Fatal(err)
	}
	maxT := 0.0
	for _, c := range customers {
		maxT = math.Max(maxT, c.T)
	}
	for id, value := range map[string]func(x int, tx float64) float64{
		"clv-alive":             func(x int, tx float64) float64 { return bg.ProbAlive(x, tx, maxT) },
		"clv-frequency-recency": func(x int, tx float64) float64 { return bg.ConditionalExpectedPurchases(4, x, tx, maxT) },
	} {
		f := figs[id]
		if len(f.order) < 5 || len(f.header) < 6 {
			t.Fatalf("%s: a %d x %d table", id, len(f.order), len(f.header)-1)
		}
		for _, row := range f.order {
			x, err := strconv.Atoi(row)
			if err != nil {
				t.Fatalf("%s: row %q is not a frequency", id, row)
			}
			for _, col := range f.header[1:] {
				tx, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimPrefix(col, "recency "), " wk"), 64)
				if err != nil {
					t.Fatalf("%s: column %q is not a recency", id, col)
				}
				approx(t, id+" x="+row+" "+col, f.cell(t, row, col), value(x, tx))
			}
		}
	}

	preds, err := clv.Predict(bg.BGNBD, gg.GammaGamma, customers, clv.ValueConfig{Horizon: 52, PeriodLength: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := figs["clv-value"]
	total, n := 0.0, 0
	var vals []float64
	for _, p := range preds {
		total += p.Value
		vals = append(vals, p.Value)
	}
	for _, row := range f.order {
		if row == "median" || row == "total" {
			continue
		}
		lo, _ := strconv.ParseFloat(row, 64)
		hi := math.Inf(1)
		if to := f.cell(t, row, "value to"); to != "and above" {
			hi, _ = strconv.ParseFloat(to, 64)
		}
		var k int64
		for _, v := range vals {
			if v >= lo-0.005 && v < hi-0.005 || lo == 0 && v < hi {
				k++
			}
		}
		exactInt(t, "customers valued from "+row, f.cell(t, row, "customers"), k)
		n += int(k)
	}
	if n != len(preds) {
		t.Errorf("the bins hold %d customers, the library predicts %d", n, len(preds))
	}
	approx(t, "total value", f.cell(t, "total", "value to"), total)
}

func TestNumbersExperiment(t *testing.T) {
	d, figs := shopFigures(t)
	ro, err := abtest.Analyze(context.Background(), slices.Values(d.Experiment), abtest.ReadoutConfig{})
	if err != nil {
		t.Fatal(err)
	}
	e := ro.Experiments[0]
	f := figs["ab-lifts"]
	if len(f.order) != len(e.Metrics) {
		t.Errorf("%d metrics in the table, %d in the readout", len(f.order), len(e.Metrics))
	}
	for _, m := range e.Metrics {
		c := m.Comparisons[0]
		approx(t, m.Metric+" control mean", f.cell(t, m.Metric, "control mean"), m.ControlMean)
		approx(t, m.Metric+" treatment mean", f.cell(t, m.Metric, "treatment mean"), c.TreatmentMean)
		approx(t, m.Metric+" lift", f.cell(t, m.Metric, "relative lift"), c.Relative.Estimate)
		approx(t, m.Metric+" lower", f.cell(t, m.Metric, "lower"), c.Relative.Lower)
		approx(t, m.Metric+" upper", f.cell(t, m.Metric, "upper"), c.Relative.Upper)
		approx(t, m.Metric+" adjusted p", f.cell(t, m.Metric, "adjusted p"), c.AdjustedPValue)
		approx(t, m.Metric+" chance to win", f.cell(t, m.Metric, "chance to win"), c.ChanceToWin)
	}

	// The last look of the sequential path covers every unit.
	var ctl, trt abtest.Moments
	for _, u := range d.Units {
		x := 0.0
		if !u.Converted.IsZero() {
			x = 1
		}
		map[string]*abtest.Moments{e.Variants[0]: &ctl, e.Variants[1]: &trt}[u.Variant].Add(x)
	}
	cs, err := abtest.ConfidenceSequence(ctl, trt, abtest.SequentialConfig{Relative: true})
	if err != nil {
		t.Fatal(err)
	}
	f = figs["ab-sequential"]
	last := f.order[len(f.order)-1]
	exactInt(t, "control units at the last look", f.cell(t, last, "control units"), ctl.N)
	exactInt(t, "treatment units at the last look", f.cell(t, last, "treatment units"), trt.N)
	approx(t, "last look estimate", f.cell(t, last, "relative lift"), cs.Estimate)
	approx(t, "last look lower", f.cell(t, last, "lower"), cs.Lower)
	approx(t, "last look upper", f.cell(t, last, "upper"), cs.Upper)
	if len(f.order) < 40 {
		t.Errorf("%d weekly looks over a year", len(f.order))
	}
	prev := int64(0)
	for _, row := range f.order {
		n, _ := strconv.ParseInt(f.cell(t, row, "control units"), 10, 64)
		if n < prev {
			t.Errorf("look %s: control units went down from %d to %d", row, prev, n)
		}
		prev = n
	}
}

func TestNumbersRecommender(t *testing.T) {
	d, figs := shopFigures(t)
	data := render.Interactions(d.Orders)
	train, test := eval.StratifiedSplit(data, 0.75, 1)
	m, err := recommend.FitSlice(context.Background(), train, recommend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string][]string{}
	for _, it := range train {
		seen[it.User] = append(seen[it.User], it.Item)
	}
	truth := eval.NewTruth(slices.Values(test))
	model, pop := map[string][]string{}, map[string][]string{}
	for u := range truth {
		for _, r := range m.ForUser(u, 10, recommend.ExcludeSeen()) {
			model[u] = append(model[u], r.Item)
		}
		for _, r := range m.ForHistory(nil, 10, recommend.Exclude(seen[u]...)) {
			pop[u] = append(pop[u], r.Item)
		}
	}
	f := figs["recs-precision-recall"]
	if len(f.order) != 10 {
		t.Fatalf("%d cut-offs, want 10", len(f.order))
	}
	for k := 1; k <= 10; k++ {
		row := strconv.Itoa(k)
		mm, pm := eval.Score(truth, model, k, m.NumItems()), eval.Score(truth, pop, k, m.NumItems())
		approx(t, "precision@"+row, f.cell(t, row, "precision item-kNN"), mm.Precision)
		approx(t, "recall@"+row, f.cell(t, row, "recall item-kNN"), mm.Recall)
		approx(t, "popularity precision@"+row, f.cell(t, row, "precision popularity"), pm.Precision)
		approx(t, "popularity recall@"+row, f.cell(t, row, "recall popularity"), pm.Recall)
	}
	if pm := eval.Score(truth, pop, 10, m.NumItems()); pm.Users == 0 {
		t.Error("the popularity baseline recommended nothing")
	}
}

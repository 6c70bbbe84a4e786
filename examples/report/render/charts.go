package render

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/tailorkit/tailor/metrics"
)

// Figure is one chart of the report: the SVG, its caption and its numbers as a table.
type Figure struct {
	// ID is the figure's element id (also the test's handle): "cohort-retention", ...
	ID      string
	Title   string
	Caption string
	SVG     string
	Table   Table
}

// Table is a chart's text alternative: the numbers it draws.
type Table struct {
	Header []string
	Rows   [][]string
}

// The sections of a report, the keys of Input.Missing.
const (
	SectionCohorts  = "cohorts"
	SectionRFM      = "rfm"
	SectionClusters = "clusters"
	SectionKPIs     = "kpis"
	SectionCLV      = "clv"
	SectionAB       = "abtest"
	SectionRecs     = "recommender"
)

const (
	width  = 16 * vg.Centimeter
	height = 10 * vg.Centimeter
)

func pct(v float64) string   { return strconv.FormatFloat(100*v, 'f', 1, 64) + "%" }
func num(v float64) string   { return strconv.FormatFloat(v, 'f', 4, 64) }
func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
func count[T ~int | ~int64](v T) string {
	return strconv.FormatInt(int64(v), 10)
}

func cohortFigure(in *Input) (Figure, error) {
	t := in.Cohorts
	n := len(t.Sizes)
	f := Figure{ID: "cohort-retention", Title: "Cohort retention",
		Caption: fmt.Sprintf("Share of each monthly acquisition cohort that ordered again n months after its first order (month 0 is 100%% by definition): %d cohorts, %d customers, %d orders from %s.",
			n, in.Customers, in.Orders, in.Source)}
	cols := 0
	for _, row := range t.Active {
		cols = max(cols, len(row))
	}
	f.Table.Header = []string{"cohort", "customers"}
	for o := range cols {
		f.Table.Header = append(f.Table.Header, "month "+strconv.Itoa(o))
	}
	names := make([]string, n)
	for c := range n {
		names[n-1-c] = t.Label(c)
		row := []string{t.Label(c), count(t.Sizes[c])}
		for o := range len(t.Active[c]) {
			row = append(row, pct(t.Retention(c, o)))
		}
		f.Table.Rows = append(f.Table.Rows, row)
	}
	p := newPlot(f.Title, "months since first order", "acquisition cohort (month of first order)")
	g := grid{cols: cols, rows: n, z: func(o, r int) float64 {
		c := n - 1 - r
		if o >= len(t.Active[c]) || o == 0 {
			if o == 0 {
				return 1
			}
			return math.NaN()
		}
		return t.Retention(c, o)
	}}
	// The scale runs over the retention after month 0, so the later months are not washed out
	// by the 100% column.
	hi := 0.0
	for c := range n {
		for o := 1; o < len(t.Active[c]); o++ {
			hi = math.Max(hi, t.Retention(c, o))
		}
	}
	if hi == 0 {
		hi = 1
	}
	var label func(o, r int) string
	if cols <= 24 {
		label = func(o, r int) string { return strconv.FormatFloat(100*g.z(o, r), 'f', 0, 64) }
	}
	if err := heatmap(p, g, 0, hi, label); err != nil {
		return f, err
	}
	p.Y.Tick.Marker = ticks(names, 24)
	offs := make([]string, cols)
	for o := range cols {
		offs[o] = strconv.Itoa(o)
	}
	p.X.Tick.Marker = ticks(offs, 24)
	svg, err := toSVG(p, width, height, f.ID, f.Title, "Heat map, cohorts by row, months since acquisition by column; cell values are retention in percent (colour scale capped at "+pct(hi)+"). The table below lists every cell.")
	f.SVG = svg
	return f, err
}

func rfmFigures(in *Input) ([]Figure, error) {
	r := in.RFM
	seg := Figure{ID: "rfm-segments", Title: "RFM segments: share of customers and of revenue",
		Caption: fmt.Sprintf("Each RFM segment's share of the %d customers and of their net revenue (quintile scores, the rfm R package's segment table), from %d orders of %s.",
			len(r.Scored), in.Orders, in.Source)}
	seg.Table.Header = []string{"segment", "customers", "customer share", "revenue", "revenue share"}
	var names []string
	var cust, rev plotter.Values
	for _, s := range r.Segments {
		names = append(names, s.Segment)
		cust = append(cust, 100*s.CustomerShare)
		rev = append(rev, 100*s.RevenueShare)
		seg.Table.Rows = append(seg.Table.Rows, []string{s.Segment, count(s.Customers), pct(s.CustomerShare), money(s.Revenue), pct(s.RevenueShare)})
	}
	p := newPlot(seg.Title, "share (%)", "")
	pal := okabeIto()
	bw := vg.Points(6)
	for i, v := range []plotter.Values{cust, rev} {
		b, err := plotter.NewBarChart(v, bw)
		if err != nil {
			return nil, err
		}
		b.Horizontal = true
		b.Color = pal[i]
		b.LineStyle.Width = 0
		b.Offset = vg.Length(2*i-1) * bw / 2
		p.Add(b)
		p.Legend.Add([]string{"customers", "revenue"}[i], b)
	}
	p.Legend.Top = true
	p.X.Max *= 1.3 // room for the legend
	p.NominalY(names...)
	h := vg.Length(max(8, len(names))) * vg.Centimeter * 0.7
	svg, err := toSVG(p, width, h, seg.ID, seg.Title, "Horizontal bars, two per segment: the share of customers and the share of revenue in percent. The table below lists them.")
	if err != nil {
		return nil, err
	}
	seg.SVG = svg

	mx := Figure{ID: "rfm-matrix", Title: "Recency x frequency scores",
		Caption: fmt.Sprintf("Customers per recency score (5 = bought most recently) and frequency score (5 = most orders), %d customers of %s.", len(r.Scored), in.Source)}
	q := r.Bins
	counts := make([][]int, q) // counts[R-1][F-1]
	for i := range counts {
		counts[i] = make([]int, q)
	}
	for _, s := range r.Scored {
		if s.R >= 1 && s.R <= q && s.F >= 1 && s.F <= q {
			counts[s.R-1][s.F-1]++
		}
	}
	mx.Table.Header = []string{"recency score"}
	for fs := 1; fs <= q; fs++ {
		mx.Table.Header = append(mx.Table.Header, "F="+strconv.Itoa(fs))
	}
	hi := 0
	for rs := 1; rs <= q; rs++ {
		row := []string{"R=" + strconv.Itoa(rs)}
		for fs := 1; fs <= q; fs++ {
			row = append(row, count(counts[rs-1][fs-1]))
			hi = max(hi, counts[rs-1][fs-1])
		}
		mx.Table.Rows = append(mx.Table.Rows, row)
	}
	pm := newPlot(mx.Title, "frequency score F (1 = fewest orders)", "recency score R (5 = most recent)")
	g := grid{cols: q, rows: q, z: func(c, r int) float64 { return float64(counts[r][c]) }}
	if err := heatmap(pm, g, 0, float64(max(hi, 1)), func(c, r int) string { return strconv.Itoa(counts[r][c]) }); err != nil {
		return nil, err
	}
	scores := make([]string, q)
	for i := range q {
		scores[i] = strconv.Itoa(i + 1)
	}
	pm.X.Tick.Marker, pm.Y.Tick.Marker = ticks(scores, q), ticks(scores, q)
	svg, err = toSVG(pm, width*0.75, height, mx.ID, mx.Title, "Heat map of customer counts, frequency score by column and recency score by row. The table below lists every cell.")
	mx.SVG = svg
	return []Figure{seg, mx}, err
}

func clusterFigure(in *Input) (Figure, error) {
	c := in.Clusters
	m := c.Model
	f := Figure{ID: "clusters", Title: "Customer clusters (k-means) on the first two principal components",
		Caption: fmt.Sprintf("k-means with k = %d on %d customers' recency (days), orders and revenue, log(1+x) and z-scored, drawn on the principal components of those features (PC1 %.0f%%, PC2 %.0f%% of the variance); crosses in black rings mark the centres. Data: %s.",
			len(m.Sizes), c.Points.Len(), 100*c.Explained[0], 100*c.Explained[1], in.Source)}
	f.Table.Header = []string{"cluster", "customers", "centre PC1", "centre PC2"}
	for _, name := range c.Features {
		f.Table.Header = append(f.Table.Header, "centre "+name+" (scaled)")
	}
	p := newPlot(f.Title, "PC1 (standard units)", "PC2 (standard units)")
	pal, gl := okabeIto(), glyphs()
	for j := range m.Sizes {
		var xy plotter.XYs
		for i, l := range m.Labels {
			if l == j {
				xy = append(xy, plotter.XY{X: c.Projected[i][0], Y: c.Projected[i][1]})
			}
		}
		row := []string{m.Name(j), count(m.Sizes[j]), num(c.Centres[j][0]), num(c.Centres[j][1])}
		for _, v := range m.Centroids.Row(j) {
			row = append(row, num(v))
		}
		f.Table.Rows = append(f.Table.Rows, row)
		if len(xy) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return f, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: pal[j%len(pal)], Shape: gl[j%len(gl)], Radius: vg.Points(2)}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("%s (%d)", m.Name(j), m.Sizes[j]), s)
	}
	var cxy plotter.XYs
	for _, ce := range c.Centres {
		cxy = append(cxy, plotter.XY{X: ce[0], Y: ce[1]})
	}
	rings, err := plotter.NewScatter(cxy)
	if err != nil {
		return f, err
	}
	rings.GlyphStyle = draw.GlyphStyle{Color: rgb(0), Shape: draw.RingGlyph{}, Radius: vg.Points(7)}
	cross, err := plotter.NewScatter(cxy)
	if err != nil {
		return f, err
	}
	cross.GlyphStyle = draw.GlyphStyle{Color: rgb(0), Shape: draw.CrossGlyph{}, Radius: vg.Points(5)}
	p.Add(rings, cross)
	p.Legend.Add("centre", rings, cross)
	p.Legend.Top = true
	p.X.Max += (p.X.Max - p.X.Min) * 0.25 // room for the legend
	svg, err := toSVG(p, width, height*1.2, f.ID, f.Title, fmt.Sprintf("Scatter plot of %d customers coloured and shaped by cluster, with the %d centres. The table below lists each cluster's size and centre.", c.Points.Len(), len(m.Sizes)))
	f.SVG = svg
	return f, err
}

// kpiRates are the rates the channel chart draws.
func kpiRates() []struct {
	Name string
	Rate func(k *metrics.KPIs) metrics.Rate
} {
	return []struct {
		Name string
		Rate func(k *metrics.KPIs) metrics.Rate
	}{
		{"session conversion", func(k *metrics.KPIs) metrics.Rate { return k.SessionConversion }},
		{"add-to-cart rate", func(k *metrics.KPIs) metrics.Rate { return k.AddToCart }},
	}
}

func kpiFigures(in *Input) ([]Figure, error) {
	k := in.KPIs
	rep := k.Report
	f := Figure{ID: "channel-kpis", Title: "Session conversion and add-to-cart rate by channel",
		Caption: fmt.Sprintf("Share of sessions with a purchase and with an add-to-cart, per acquisition channel, with 95%% Wilson intervals: %d sessions, %d visitors, %d events of %s.",
			rep.Total.Sessions, rep.Total.Visitors, in.Events, in.Source)}
	f.Table.Header = []string{"channel", "sessions"}
	for _, r := range kpiRates() {
		f.Table.Header = append(f.Table.Header, r.Name, r.Name+" lower", r.Name+" upper")
	}
	p := newPlot(f.Title, "", "share of sessions (%)")
	var names []string
	for _, row := range rep.Rows {
		names = append(names, row.Key)
		cells := []string{row.Key, count(row.Sessions)}
		for _, r := range kpiRates() {
			v, _ := r.Rate(&row.KPIs).Value()
			iv, _ := metrics.RateInterval(r.Rate(&row.KPIs), k.Interval)
			cells = append(cells, pct(v), pct(iv.Lower), pct(iv.Upper))
		}
		f.Table.Rows = append(f.Table.Rows, cells)
	}
	pal := okabeIto()
	// Two bars per channel, 0.4 apart in data units, each a third of a channel's room wide.
	bw := (width - 3*vg.Centimeter) / vg.Length(3*max(len(rep.Rows), 1))
	for i, r := range kpiRates() {
		shift := float64(2*i-1) * 0.2
		var vals plotter.Values
		eb := errorBars{}
		for j, row := range rep.Rows {
			v, _ := r.Rate(&row.KPIs).Value()
			iv, ok := metrics.RateInterval(r.Rate(&row.KPIs), k.Interval)
			if !ok {
				iv = metrics.Interval{Lower: v, Upper: v}
			}
			vals = append(vals, 100*v)
			eb.xy = append(eb.xy, plotter.XY{X: float64(j) + shift, Y: 100 * v})
			eb.lo, eb.hi = append(eb.lo, 100*iv.Lower), append(eb.hi, 100*iv.Upper)
		}
		b, err := plotter.NewBarChart(vals, bw)
		if err != nil {
			return nil, err
		}
		b.Color = pal[i]
		b.LineStyle.Width = 0
		b.XMin = shift
		e, err := plotter.NewYErrorBars(eb)
		if err != nil {
			return nil, err
		}
		e.LineStyle.Width = vg.Points(1)
		e.CapWidth = vg.Points(5)
		p.Add(b, e)
		p.Legend.Add(r.Name, b)
	}
	p.Legend.Top = true
	p.NominalX(names...)
	svg, err := toSVG(p, width, height, f.ID, f.Title, "Bars per channel for session conversion and add-to-cart rate in percent, with whiskers at the 95% interval ends. The table below lists the values.")
	if err != nil {
		return nil, err
	}
	f.SVG = svg

	fu := Figure{ID: "funnel", Title: "Purchase funnel",
		Caption: fmt.Sprintf("People who reached each step (in order, at any time): view, add to cart, checkout, purchase; the label is the share lost from the previous step. From %d events of %s.", in.Events, in.Source)}
	fu.Table.Header = []string{"step", "people", "of previous", "drop-off", "of first step"}
	var vals plotter.Values
	var steps []string
	var xy plotter.XYLabels
	for i, s := range k.Funnel.Steps {
		prev, _ := s.FromPrevious.Value()
		drop, _ := s.DropOff.Value()
		start, _ := s.FromStart.Value()
		fu.Table.Rows = append(fu.Table.Rows, []string{s.Name, count(s.Reached), pct(prev), pct(drop), pct(start)})
		vals = append(vals, float64(s.Reached))
		steps = append(steps, s.Name)
		lb := "start"
		if i > 0 {
			lb = "-" + pct(drop)
		}
		xy.XYs = append(xy.XYs, plotter.XY{X: float64(i), Y: float64(s.Reached)})
		xy.Labels = append(xy.Labels, lb)
	}
	pf := newPlot(fu.Title, "funnel step", "people")
	b, err := plotter.NewBarChart(vals, vg.Points(40))
	if err != nil {
		return nil, err
	}
	b.Color = pal[0]
	b.LineStyle.Width = 0
	lbl, err := plotter.NewLabels(xy)
	if err != nil {
		return nil, err
	}
	for i := range lbl.TextStyle {
		lbl.TextStyle[i].XAlign = draw.XCenter
		lbl.TextStyle[i].YAlign = draw.YBottom
	}
	pf.Add(b, lbl)
	pf.NominalX(steps...)
	pf.Y.Max = slices.Max(vals) * 1.1
	svg, err = toSVG(pf, width, height, fu.ID, fu.Title, "Bars of people per funnel step, labelled with the drop-off from the step before. The table below lists the counts and rates.")
	fu.SVG = svg
	return []Figure{f, fu}, err
}
